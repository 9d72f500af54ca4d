"""The wire inbox: copy that arrived from an agency, waiting for an editor to make it a draft or discard it."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .article import Article
from .footers import HEADLINE_MAX_LENGTH


class WireItem(models.Model):
    """One piece of wire copy as it arrived (plain text or a ninjs item), read and checked, not yet a story."""

    class Kind(models.TextChoices):
        TEXT = "text", "Plain text"
        NINJS = "ninjs", "ninjs (JSON)"

    class Status(models.TextChoices):
        NEW = "new", "New"
        DRAFTED = "drafted", "Made a draft"
        DISCARDED = "discarded", "Discarded"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_name = models.CharField("file", max_length=255, help_text="The name of the file it arrived in.")
    checksum = models.CharField(
        max_length=64, unique=True, help_text="Fingerprint of the copy, so the same copy never arrives twice."
    )
    headline = models.CharField(max_length=HEADLINE_MAX_LENGTH)
    standfirst = models.TextField(blank=True)
    # Escaped paragraphs (plain text) or the item's HTML body; sanitised again when it becomes a story.
    body = models.TextField()
    footer_line = models.TextField(
        blank=True, help_text="The outlet's promo line found at the end of the copy; it becomes the story's footer."
    )
    source_attribution = models.CharField(max_length=300, blank=True)
    regions = models.JSONField(default=list, blank=True, help_text="Region names, all existing when it arrived.")
    topics = models.JSONField(default=list, blank=True, help_text="Topic names, all existing when it arrived.")
    authors = models.JSONField(default=list, blank=True, help_text="Byline names.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The draft made from it."
    )
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "wire item"
        verbose_name_plural = "wire"

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("admin:articles_wireitem_change", args=[self.pk])
