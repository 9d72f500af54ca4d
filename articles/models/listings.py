"""The lists readers browse, kept as rows so that reading one never scans the archive."""

from django.db import models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
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
    after a bulk load (with each list's `ListingCount`). Never edited, never backed up.
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


class ListingCountQuerySet(models.QuerySet):
    def of(self, kind, key=0):
        return self.filter(kind=kind, key=key)

    def with_live(self, at=None):
        """Annotate `live`: the stored count less the list's entries still to go live, one (normally empty)
        range of the listing index, so reading it never walks the list."""
        future = (
            ListingEntry.objects.of(OuterRef("kind"), OuterRef("key"))
            .filter(public_at__gt=at or timezone.now())
            .order_by()
            .values("kind")
            .annotate(entries=Count("*"))
            .values("entries")
        )
        return self.annotate(live=F("entries") - Coalesce(Subquery(future), Value(0)))


class ListingCount(models.Model):
    """How many entries one list has, those still to go live included: kept so a list's live count is
    this number less a short range of the listing index, not a count over the whole list.

    Derived data, like `ListingEntry`: `articles.listings` adds what each rewrite changes in the same
    transaction (an increment, so two writers never lose one another's), and rebuilds every count with the
    entries. A list with no row has no entries. Never edited, never backed up.
    """

    kind = models.CharField(max_length=6, choices=ListingEntry.Kind.choices)
    key = models.PositiveBigIntegerField()
    entries = models.IntegerField(default=0)

    objects = ListingCountQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_listing_count")]

    def __str__(self):
        return f"{self.kind}:{self.key} {self.entries} entries"
