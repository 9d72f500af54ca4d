"""The lists readers browse, kept as rows so that reading one never scans the archive."""

from django.db import models
from django.utils import timezone


class ListingEntryQuerySet(models.QuerySet):
    def of(self, kind, key=0):
        return self.filter(kind=kind, key=key)

    def live(self, at=None):
        """Entries of stories readers may see now (or at `at`): the same stories as `Article.objects.live()`."""
        return self.filter(public_at__lte=at or timezone.now())

    def newest_first(self):
        return self.order_by("-public_at", "-article_id")


class ListingEntry(models.Model):
    """One published story on one list: every story, or one region's, topic's or author's.

    A story is on a list from its public moment (`LIVE.moment`: when it goes
    live, scheduled or not), so "the live stories of a list, newest first" is
    one index range, and a scheduled story joins its lists at its time with
    no worker. Derived data: `articles.listings` rewrites a story's rows in the
    same transaction as every write that can move it, and rebuilds them all
    after a bulk load. Never edited, never backed up.
    """

    class Kind(models.TextChoices):
        ALL = "all", "every story"
        REGION = "region", "region"
        TOPIC = "topic", "topic"
        AUTHOR = "author", "author"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    # The region's, topic's or author's id; 0 on the list of every story.
    key = models.PositiveBigIntegerField()
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+", db_index=False)
    public_at = models.DateTimeField()

    objects = ListingEntryQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "kind", "key"], name="unique_listing_entry")]
        # A list's page, count or "has any" is one range of this index, newest first.
        indexes = [models.Index(fields=["kind", "key", "-public_at", "-article"], name="listing_order_idx")]
        verbose_name_plural = "listing entries"

    def __str__(self):
        return f"{self.kind}:{self.key} article {self.article_id}"
