"""Which cached pages and remembered reads a newsroom change touches, named by tags.

The tags (see `pagecache.tags`):

- `article:<pk>`: the article's page and every card, related list and footer teaser showing it;
- `listing:all`: everything listing the newest stories: home, the site's feeds, sitemaps, search
  results, the region and topic indexes; `listing:<region|topic|author>:<pk>`: that section's pages
  and feeds;
- `nav`: the masthead's sections; `schedule`: the next moment a page changes without a write.

A change readers never saw and still cannot see (a draft saved, a story in review) touches
nothing. A change to a story readers see, or saw until now, touches the story, every list it
is or was on, and everything listing the newest stories. Anything else announced without
articles (an author, tag or footer renamed or removed, a bulk write) touches everything.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import LIVE, PromoFooter
from articles.signals import ArticleChange
from pagecache.schedule import SCHEDULE_TAG
from pagecache.tags import UNTAGGED, invalidate

from . import selectors
from .shown import LISTING_ALL, NAV, article_tag, listing_tag


def shown_tags(change):
    """What shows a story readers see: its page and cards, the lists it is on, and the newest-stories lists."""
    return (
        {article_tag(change.pk), LISTING_ALL, UNTAGGED}
        | {listing_tag("region", pk) for pk in change.region_ids}
        | {listing_tag("topic", pk) for pk in change.topic_ids}
        | {listing_tag("author", pk) for pk in change.author_ids}
    )


def tags_for(changes, now):
    """The tags a set of article changes touches (empty: nothing public)."""
    tags = set()
    for change in changes:
        states = [state for state in (change.before, change.after) if state is not None]
        if any(state.status == LIVE.status and not LIVE.holds(state, now) for state in states):
            tags.add(SCHEDULE_TAG)
        if any(LIVE.holds(state, now) for state in states):
            tags |= shown_tags(change)
    return tags


def goes_live(change, now):
    return (change.before is None or not LIVE.holds(change.before, now)) and (
        change.after is not None and LIVE.holds(change.after, now)
    )


def nav_may_change(changes):
    """After a commit: whether a masthead section these changes touch may have gained its first live story or
    lost its last one, so that the masthead must be drawn again. A section with more live stories than the
    changes could account for cannot have."""
    for vocabulary, ids_name in (("region", "region_ids"), ("topic", "topic_ids")):
        tag_model, _through = selectors.VOCABULARIES[vocabulary]
        slugs = [slug for kind, slug in settings.NAV_SECTIONS if kind == vocabulary]
        touched = set().union(*(getattr(change, ids_name) for change in changes))
        for tag in tag_model.objects.filter(pk__in=touched, slug__in=slugs):
            touching = sum(tag.pk in getattr(change, ids_name) for change in changes)
            live = selectors.listing_entries(vocabulary, tag.pk).values_list("pk", flat=True)
            if len(live[: touching + 1]) <= touching:
                return True
    return False


def content_changed(sender, using=None, articles=None, **kwargs):
    """Receiver of `articles.signals.content_changed`."""
    if articles is None:
        invalidate(None, using=using)
        return
    now = timezone.now()
    # A story readers could not see before and can now only adds to the pages that will show it.
    added = [change for change in articles if goes_live(change, now)]
    others = [change for change in articles if change not in added]
    invalidate(tags_for(added, now), adds=True, using=using)
    invalidate(tags_for(others, now), using=using)
    seen = [
        change for change in articles if any(LIVE.holds(state, now) for state in (change.before, change.after) if state)
    ]
    if seen:
        transaction.on_commit(lambda: nav_may_change(seen) and invalidate([NAV]), using=using, robust=True)


def next_public_changes(at):
    """Probes of the first moments after `at` when reader pages change without a write: a story goes live or a
    footer window turns (see `pagecache.schedule.Schedule`)."""
    return [selectors.next_listing_change(at), *PromoFooter.objects.next_window_changes(at)]


def changed_between(since, until):
    """The tags of what went live in (since, until] (a change that only adds); None when a footer's window
    turned (footers show everywhere)."""
    in_window = {"__gt": since, "__lte": until}

    def moment_in_window(name):
        return {f"{name}{lookup}": value for lookup, value in in_window.items()}

    if PromoFooter.objects.filter(Q(**moment_in_window("starts_at")) | Q(**moment_in_window("ends_at"))).exists():
        return None
    lists = {}
    for article_id, kind, key in selectors.went_live_between(since, until):
        lists.setdefault(article_id, {"region": set(), "topic": set(), "author": set(), "all": set()})[kind].add(key)
    changes = [
        ArticleChange(pk, None, None, frozenset(on["region"]), frozenset(on["topic"]), frozenset(on["author"]))
        for pk, on in lists.items()
    ]
    tags = set().union(*(shown_tags(change) for change in changes))
    if changes and nav_gains_a_section(changes, since):
        tags.add(NAV)
    return tags


def nav_gains_a_section(changes, since):
    """Whether a masthead section had no live story at `since` and has one of these now."""
    for vocabulary, ids_name in (("region", "region_ids"), ("topic", "topic_ids")):
        tag_model, _through = selectors.VOCABULARIES[vocabulary]
        slugs = [slug for kind, slug in settings.NAV_SECTIONS if kind == vocabulary]
        ids = set().union(*(getattr(change, ids_name) for change in changes))
        for tag in tag_model.objects.filter(pk__in=ids, slug__in=slugs):
            if not selectors.listing_entries(vocabulary, tag.pk, at=since).exists():
                return True
    return False
