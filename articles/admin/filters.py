"""Filters of the desk's article list: state, vocabularies, author, publish year and month.

Each narrows the list with EXISTS or a plain column filter, so the list still
walks the desk order index and stops after a page.
"""

import calendar

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import Article, Author, Byline, RegionTag, TaggedRegion, TaggedTopic, TopicTag

BADGE_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "scheduled": "Scheduled",
    "live": "Live",
    "unpublished": "Unpublished",
}


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(BADGE_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.live()
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(pk__in=queryset.live().values("pk"))
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


class VocabularyFilter(admin.SimpleListFilter):
    model = None
    through = None

    def lookups(self, request, model_admin):
        return list(self.model.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        # EXISTS rather than a join: no DISTINCT, so the list still walks the order index and stops after a page.
        if self.value():
            return queryset.filter(
                Exists(self.through.objects.filter(content_object=OuterRef("pk"), tag__slug=self.value()))
            )
        return queryset


class RegionFilter(VocabularyFilter):
    title = "region"
    parameter_name = "region"
    model = RegionTag
    through = TaggedRegion


class TopicFilter(VocabularyFilter):
    title = "topic"
    parameter_name = "topic"
    model = TopicTag
    through = TaggedTopic


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return list(Author.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author__slug=self.value())))
        return queryset


def publish_years():
    """Every year from the first publish time to the last, newest first.

    Two look-ups along the desk order index: the years in between are not
    checked for articles, so no query reads the archive.
    """
    dated = Article.objects.filter(publish_at__isnull=False).values_list("publish_at", flat=True)
    first, last = dated.order_by("publish_at").first(), dated.order_by("-publish_at").first()
    if first is None:
        return []
    return list(range(timezone.localtime(last).year, timezone.localtime(first).year - 1, -1))


class PublishYearFilter(admin.SimpleListFilter):
    """Narrow the list to one year; with a year chosen, `PublishMonthFilter` offers its months."""

    title = "publish year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in publish_years()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(publish_at__year=int(value))
        return queryset


class PublishMonthFilter(admin.SimpleListFilter):
    title = "publish month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        if not request.GET.get(PublishYearFilter.parameter_name, "").isdigit():
            return []
        return [(str(month), calendar.month_name[month]) for month in range(1, 13)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and 1 <= int(value) <= 12:
            return queryset.filter(publish_at__month=int(value))
        return queryset
