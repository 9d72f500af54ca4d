"""Which cached pages and remembered reads a newsroom change touches, named by tags.

The tags (see `pagecache.tags`):

- `article:<pk>`: the article's page and every card, related list and footer teaser showing it;
- `listing:all`: everything listing the newest stories: home, feeds, sitemaps, search results,
  the region and topic indexes; `listing:<region|topic|author>:<pk>`: that section's pages;
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

from articles.announcements import listed_under
from articles.models import LIVE, Article, PromoFooter, RegionTag, TopicTag
from articles.signals import ArticleChange
from pagecache.schedule import SCHEDULE_TAG
from pagecache.tags import UNTAGGED, invalidate

from . import readmodel, selectors
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


def touches_nav(changes):
    """Whether the changes touch a section the masthead may list (then it is checked after the commit)."""
    nav = {vocab: {slug for kind, slug in settings.NAV_SECTIONS if kind == vocab} for vocab in ("region", "topic")}
    region_ids = set().union(*(change.region_ids for change in changes))
    topic_ids = set().union(*(change.topic_ids for change in changes))
    return (
        RegionTag.objects.filter(pk__in=region_ids, slug__in=nav["region"]).exists()
        or TopicTag.objects.filter(pk__in=topic_ids, slug__in=nav["topic"]).exists()
    )


def refresh_nav_if_changed():
    """After a commit: when the sections the masthead shows differ from the remembered ones, invalidate them."""
    if readmodel.nav_sections() != selectors.nav_sections():
        invalidate([NAV])


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
    seen = any(LIVE.holds(state, now) for change in articles for state in (change.before, change.after) if state)
    if seen and touches_nav(articles):
        transaction.on_commit(refresh_nav_if_changed, using=using, robust=True)


def next_public_change(at):
    """The first moment after `at` when reader pages change without a write: a story goes live or a footer window turns."""
    moments = [Article.objects.next_live_change(at), PromoFooter.objects.next_window_change(at)]
    return min((moment for moment in moments if moment is not None), default=None)


def changed_between(since, until):
    """The tags of what went live in (since, until] (a change that only adds); None when a footer's window
    turned (footers show everywhere)."""
    in_window = {"__gt": since, "__lte": until}

    def moment_in_window(name):
        return {f"{name}{lookup}": value for lookup, value in in_window.items()}

    if PromoFooter.objects.filter(Q(**moment_in_window("starts_at")) | Q(**moment_in_window("ends_at"))).exists():
        return None
    moments = Q()
    for name in LIVE.fields[1:]:
        moments |= Q(**moment_in_window(name))
    went_live = Article.objects.live(at=until).filter(moments).values_list("pk", flat=True)
    changes = [ArticleChange(pk, None, None, *listed_under(pk)) for pk in went_live]
    tags = set().union(*(shown_tags(change) for change in changes))
    if changes and nav_gains_a_section(changes, since):
        tags.add(NAV)
    return tags


def nav_gains_a_section(changes, since):
    """Whether a masthead section had no live story at `since` and has one of these now."""
    live_then = Article.objects.live(at=since).values("pk")
    for vocabulary, ids_name in (("region", "region_ids"), ("topic", "topic_ids")):
        tag_model, through = selectors.VOCABULARIES[vocabulary]
        slugs = [slug for kind, slug in settings.NAV_SECTIONS if kind == vocabulary]
        ids = set().union(*(getattr(change, ids_name) for change in changes))
        for tag in tag_model.objects.filter(pk__in=ids, slug__in=slugs):
            if not through.objects.filter(tag=tag, content_object__in=live_then).exists():
                return True
    return False
