"""The home page's choice of stories: a lead, two under it, the latest, then the featured sections."""

from django.conf import settings
from django.db.models import Value
from django.utils import timezone

from articles.models import ListingEntry

from .prepared import PreparedRead
from .selectors import VOCABULARIES, listing_entries

HOME_SECONDARY_LIMIT = 2
HOME_LATEST_LIMIT = 7
HOME_SECTION_LIMIT = 4


def _configured_tags(sections):
    """{(vocabulary, slug): tag} of the configured sections that exist, in one query for both vocabularies."""
    sections = tuple(map(tuple, sections))
    if not sections:
        return {}
    return {
        (vocabulary, slug): VOCABULARIES[vocabulary][0](pk=pk, slug=slug, name=name)
        for vocabulary, pk, slug, name in _configured_tag_rows((), key=(sections,))
    }


@PreparedRead
def _configured_tag_rows(sections):
    querysets = [
        VOCABULARIES[vocabulary][0]
        .objects.filter(slug=slug)
        .annotate(vocabulary=Value(vocabulary))
        .order_by()
        .values_list("vocabulary", "pk", "slug", "name")
        for vocabulary, slug in sections
    ]
    return querysets[0].union(*querysets[1:], all=True)


def _featured_sections(sections, *, exclude_ids, limit, at):
    """[(vocabulary, tag, article ids)] for configured (vocabulary, slug) pairs, in order.

    Articles already shown (exclude_ids, and those picked for earlier sections)
    are not repeated; a section left with nothing to show is left out. Two
    queries whatever the number of sections, each composed once per process: the
    tags, then one UNION of each tag's newest live articles, enough of them to
    fill every section after what earlier ones took.
    """
    tags = _configured_tags(sections)
    found = [(vocabulary, tags[vocabulary, slug]) for vocabulary, slug in sections if (vocabulary, slug) in tags]
    if not found:
        return []
    enough = limit * len(found) + len(exclude_ids)
    lists = tuple((vocabulary, tag.pk) for vocabulary, tag in found)
    candidates = {index: [] for index in range(len(found))}
    for index, _public_at, pk in sorted(
        _newest_of_lists((at,), key=(lists, enough)), key=lambda row: (row[1], row[2]), reverse=True
    ):
        candidates[index].append(pk)
    shown = set(exclude_ids)
    plan = []
    for index, (vocabulary, tag) in enumerate(found):
        ids = [pk for pk in candidates[index] if pk not in shown][:limit]
        if ids:
            shown.update(ids)
            plan.append((vocabulary, tag, ids))
    return plan


@PreparedRead
def _newest_of_lists(at, lists, enough):
    """(list's index, public_at, article id) of the `enough` newest live stories of each list."""
    newest = [
        ListingEntry.objects.filter(pk__in=listing_entries(kind, pk, at=at).newest_first().values("pk")[:enough])
        .annotate(section=Value(index))
        .order_by()
        .values_list("section", "public_at", "article_id")
        for index, (kind, pk) in enumerate(lists)
    ]
    return newest[0].union(*newest[1:], all=True)


@PreparedRead
def _newest_ids(at, size):
    return listing_entries("all", at=at).newest_first().values_list("article_id")[:size]


def home_plan(at=None):
    """The home page's ids: a lead story, two more under it, the latest after those, then the featured sections."""
    at = at or timezone.now()
    front = [pk for (pk,) in _newest_ids((at,), key=(1 + HOME_SECONDARY_LIMIT + HOME_LATEST_LIMIT,))]
    sections = _featured_sections(settings.HOME_SECTIONS, exclude_ids=front, limit=HOME_SECTION_LIMIT, at=at)
    return {
        "lead_ids": front[:1],
        "secondary_ids": front[1 : 1 + HOME_SECONDARY_LIMIT],
        "latest_ids": front[1 + HOME_SECONDARY_LIMIT :],
        "sections": [(tag, vocabulary, ids) for vocabulary, tag, ids in sections],
    }
