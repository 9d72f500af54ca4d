"""What came from another system: which article each imported post became, and its old addresses."""

from django.db import models

from .article import Article

OLD_PATH_MAX_LENGTH = 500


class ImportedPost(models.Model):
    """One post of a WordPress site, and the article it became: re-running an import finds it here."""

    source = models.CharField(
        max_length=300, help_text="The exported site's address without its scheme, e.g. “example.com/blog”."
    )
    post_id = models.PositiveBigIntegerField(help_text="The post's id on that site.")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="imported_from")
    checksum = models.CharField(
        max_length=64, help_text="Fingerprint of the post as last imported; an unchanged post is left alone."
    )
    status = models.CharField(
        max_length=20, help_text="The state the last import gave the article; a state changed in the desk is kept."
    )
    version = models.PositiveIntegerField(
        help_text="The article's version after the last import; a story edited in the desk since is left alone."
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "post_id"], name="unique_imported_post")]

    def __str__(self):
        return f"{self.source} post {self.post_id}"


class OldAddress(models.Model):
    """A path the story had on the old site (“/2024/05/my-story/”, “/?p=123”), answered with a 301 while it is live."""

    path = models.CharField(max_length=OLD_PATH_MAX_LENGTH, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_addresses")

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self):
        return self.path
