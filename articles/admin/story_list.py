"""The desk's story list: its columns, the review state of each row, and a search that finds things.

Search takes a pasted public address or a slug (that story alone), an author's
name (their stories, newest first) and words, ranked by the search index the
reader's site uses (`articles.search`), with headlines containing the words as
a fallback for part-words. Results come best first unless a column is sorted.
"""

from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from .. import search, selectors, text
from ..models import Byline
from .filters import BADGE_LABELS

# How many rows each kind of match may add: enough for a page or two, never the archive.
MATCHES_PER_KIND = 200
SEARCH_POSITION = "search_position"


def slug_from_address(term):
    """The story slug in a pasted public address (absolute or a path), or None."""
    if "/" not in term:
        return None
    path = urlsplit(term).path if "://" in term else term.split("?")[0].split("#")[0]
    if not path.startswith("/"):
        path = f"/{path}"
    try:
        match = resolve(path if path.endswith("/") else f"{path}/")
    except Resolver404:
        return None
    if match.view_name == "reader:detail" and "slug" in match.kwargs:
        return match.kwargs["slug"]
    return None


def moment(value):
    """A compact time for a list column, in the site's time zone, with the full time on hover."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        date_format(local, "j F Y, H:i T"),
        date_format(local, "j M y, H:i"),
    )


def search_term(typed):
    """What was typed in the search box, made safe: no control characters, bounded length."""
    return text.normalize_name(typed or "")[: search.MAX_QUERY_LENGTH].strip()


class StoryListMixin:
    """Columns and search of the story list; the article admin mixes it in."""

    @admin.display(description="status")
    def status_badge(self, article):
        state = selectors.list_state(article)
        return format_html('<span class="badge badge--{}">{}</span>', state, BADGE_LABELS[state])

    @admin.display(description="last changed", ordering="updated_at")
    def last_changed(self, article):
        return moment(article.updated_at)

    @admin.display(description="submitted")
    def submitted(self, article):
        return moment(getattr(article, "submitted_at", None))

    def get_search_results(self, request, queryset, search_term_typed):
        """Best matches first, as `search_position`; only rows of queryset (so only what this person may see)."""
        term = search_term(search_term_typed)
        if not term:
            return queryset, False
        slug = slug_from_address(term)
        if slug is not None:
            return queryset.filter(slug=slug), False
        ranked = self._ranked_matches(queryset, term)
        matched = queryset.filter(pk__in=ranked)
        if ORDER_VAR not in request.GET:
            # Best match first, unless a column was chosen to sort by.
            positions = [When(pk=pk, then=Value(position)) for position, pk in enumerate(ranked)]
            matched = matched.annotate(
                **{SEARCH_POSITION: Case(*positions, default=Value(len(ranked)), output_field=IntegerField())}
            ).order_by(SEARCH_POSITION, "-pk")
        return matched, False

    def _ranked_matches(self, queryset, term):
        """Ids in order: the exact slug, then the search index's ranking, then author names and headlines."""
        by_author = Exists(Byline.objects.filter(article=OuterRef("pk"), author__name__icontains=term))
        direct = list(
            queryset.filter(Q(slug=term.lower()) | Q(headline__icontains=term) | by_author)
            .order_by("-updated_at", "-pk")
            .values_list("pk", "slug")[:MATCHES_PER_KIND]
        )
        exact = [pk for pk, slug in direct if slug == term.lower()]
        ranked = search.desk_ranked_ids(term)[:MATCHES_PER_KIND]
        return list(dict.fromkeys([*exact, *ranked, *(pk for pk, _slug in direct)]))
