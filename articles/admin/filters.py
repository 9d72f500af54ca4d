"""Filters of the desk's article list: state, vocabularies, author, publish year and month.

Each narrows the list with EXISTS or a plain column filter, so the list still
walks the desk order index and stops after a page.
"""

import calendar
from datetime import MAXYEAR, MINYEAR, datetime

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from .. import selectors, text
from ..models import Article, Author, Byline, RegionTag, TaggedRegion, TaggedTopic, TopicTag

AUTHOR_MATCHES = 20
MAX_AUTHOR_QUERY = 100

BADGE_LABELS = {
    "draft": "Draft",
    "changes_requested": "Changes requested",
    "in_review": "In review",
    "scheduled": "Scheduled",
    "live": "Live",
    "unpublished": "Unpublished",
    "taken_down": "Taken down",
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
        if value == selectors.CHANGES_REQUESTED:
            # The list's queryset carries `selectors.with_review()`.
            return queryset.filter(selectors.changes_requested_q())
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset

    def get_facet_queryset(self, changelist):
        """Counts per state from one pass grouped by status, plus the live and sent-back counts."""
        rows = facet_rows(self, changelist)
        by_status = dict(rows.order_by().values_list("status").annotate(count=Count("pk")))
        live = rows.live().count()
        counts = {
            **{status: by_status.get(status, 0) for status in Article.Status.values},
            "live": live,
            "scheduled": by_status.get(Article.Status.PUBLISHED, 0) - live,
            selectors.CHANGES_REQUESTED: rows.filter(selectors.changes_requested_q()).count(),
        }
        return numbered(self.lookup_choices, counts)


def facet_rows(spec, changelist):
    """The rows a filter's counts are taken from: the list as narrowed by every other filter and the search.

    While the filter itself is not in use that is the list's own queryset; building it again, as Django
    does for every filter, costs each filter a round of every other filter's look-ups.
    """
    if not any(name in changelist.params for name in spec.expected_parameters()):
        return changelist.queryset.order_by()
    return changelist.get_queryset(spec.request, exclude_parameters=spec.expected_parameters()).order_by()


def numbered(lookup_choices, counts):
    """Facet counts keyed as Django's filters expect them: `<index>__c`."""
    return {f"{index}__c": counts.get(value, 0) for index, (value, _label) in enumerate(lookup_choices)}


def article_ids_if_narrowed(queryset):
    """The queryset's ids as a subquery, or None when it is every article (no condition to apply)."""
    return queryset.values("pk") if queryset.query.where else None


class VocabularyFilter(admin.SimpleListFilter):
    model = None
    through = None

    def lookups(self, request, model_admin):
        tags = list(self.model.objects.values_list("pk", "slug", "name"))
        self.slug_by_id = {pk: slug for pk, slug, _name in tags}
        return [(slug, name) for _pk, slug, name in tags]

    def queryset(self, request, queryset):
        # EXISTS rather than a join: no DISTINCT, so the list still walks the order index and stops after a page.
        if self.value():
            return queryset.filter(
                Exists(self.through.objects.filter(content_object=OuterRef("pk"), tag__slug=self.value()))
            )
        return queryset

    def get_facet_queryset(self, changelist):
        """Counts per tag in one pass over the link rows, grouped by tag, not one pass per tag."""
        rows = facet_rows(self, changelist)
        links = self.through.objects.all()
        if (narrowed := article_ids_if_narrowed(rows)) is not None:
            links = links.filter(content_object__in=narrowed)
        # Grouped on the tag column alone (its index), not joined to the tags for their slugs.
        by_tag = links.order_by().values_list("tag_id").annotate(count=Count("tag_id"))
        counts = {self.slug_by_id.get(tag_id): count for tag_id, count in by_tag}
        return numbered(self.lookup_choices, counts)


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
    """Find an author by typing part of their name; the matches (a few) are the choices, never every author."""

    title = "author"
    parameter_name = "author"
    name_parameter = "author_name"
    template = "admin/articles/filters/author_search.html"

    def __init__(self, request, params, model, model_admin):
        typed = params.pop(self.name_parameter, [""])[-1]
        self.typed_name = text.normalize_name(typed)[:MAX_AUTHOR_QUERY]
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        if self.typed_name:
            found = Author.objects.filter(name__icontains=self.typed_name).order_by("name")
            return list(found.values_list("slug", "name")[:AUTHOR_MATCHES])
        chosen = request.GET.get(self.parameter_name)
        if chosen:
            return list(Author.objects.filter(slug=chosen).values_list("slug", "name"))
        return []

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name, self.name_parameter]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author__slug=self.value())))
        return queryset

    def choices(self, changelist):
        # The search form keeps every other filter and the search as hidden fields.
        self.kept_parameters = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.expected_parameters() and name != "p"
            for value in values
        ]
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else {}
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": "All",
        }
        for index, (slug, name) in enumerate(self.lookup_choices):
            count = counts.get(f"{index}__c")
            yield {
                "selected": self.value() == slug,
                "query_string": changelist.get_query_string({self.parameter_name: slug}, remove=[self.name_parameter]),
                "display": name if count is None else f"{name} ({count})",
            }

    def get_facet_queryset(self, changelist):
        """Counts for the few authors offered, from the byline rows."""
        if not self.lookup_choices:
            return {}
        rows = facet_rows(self, changelist)
        bylines = Byline.objects.filter(author__slug__in=[slug for slug, _name in self.lookup_choices])
        if (narrowed := article_ids_if_narrowed(rows)) is not None:
            bylines = bylines.filter(article__in=narrowed)
        counts = dict(bylines.order_by().values_list("author__slug").annotate(count=Count("pk")))
        return numbered(self.lookup_choices, counts)


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


def local_moment(year, month=1):
    return timezone.make_aware(datetime(year, month, 1))


def year_range(year):
    return local_moment(year), local_moment(year + 1)


def month_range(year, month):
    return local_moment(year, month), local_moment(year + (month == 12), month % 12 + 1)


def range_counts(rows, ranges):
    """How many rows fall in each publish-time range: one count per range, each a range of the publish-time index.

    Faster than one aggregate with a condition per range, which reads every row once per range.
    """
    return {
        f"{index}__c": rows.order_by().filter(publish_at__gte=start, publish_at__lt=end).count()
        for index, (start, end) in enumerate(ranges)
    }


class PublishDateFilter(admin.DateFieldListFilter):
    """Today, past 7 days, this month, this year: counted one range at a time, as `range_counts` does."""

    def get_facet_queryset(self, changelist):
        rows = facet_rows(self, changelist).order_by()
        return {f"{index}__c": rows.filter(**lookups).count() for index, (_title, lookups) in enumerate(self.links)}


class PublishYearFilter(admin.SimpleListFilter):
    """Narrow the list to one year; with a year chosen, `PublishMonthFilter` offers its months."""

    title = "publish year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in publish_years()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and MINYEAR <= int(value) < MAXYEAR:
            start, end = year_range(int(value))
            return queryset.filter(publish_at__gte=start, publish_at__lt=end)
        return queryset

    def get_facet_queryset(self, changelist):
        rows = facet_rows(self, changelist)
        return range_counts(rows, [year_range(int(year)) for year, _label in self.lookup_choices])


class PublishMonthFilter(admin.SimpleListFilter):
    title = "publish month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        year = request.GET.get(PublishYearFilter.parameter_name, "")
        self.request_year = int(year) if year.isdigit() and MINYEAR <= int(year) < MAXYEAR else None
        if self.request_year is None:
            return []
        return [(str(month), calendar.month_name[month]) for month in range(1, 13)]

    def queryset(self, request, queryset):
        value = self.value()
        year = self.request_year
        if value and value.isdigit() and 1 <= int(value) <= 12 and year:
            # A range of the publish-time index, not the month extracted from every row.
            start, end = month_range(year, int(value))
            return queryset.filter(publish_at__gte=start, publish_at__lt=end)
        return queryset

    def get_facet_queryset(self, changelist):
        rows = facet_rows(self, changelist)
        return range_counts(rows, [month_range(self.request_year, int(month)) for month, _label in self.lookup_choices])
