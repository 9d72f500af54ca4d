"""What the digest reads: the stories that went live in a window, with the sections each is listed under."""

from collections import defaultdict

from articles.models import Article, ListingEntry

from .models import Subscriber


def stories_between(start, end, now):
    """(stories, sections): live stories whose public moment is in [start, end), newest first, and for each
    story id the set of ("region" | "topic", id) lists it is on (regions include their parents' lists when the
    newsroom lists a story under the regions above its own)."""
    entries = (
        ListingEntry.objects.live(now)
        .filter(public_at__gte=start, public_at__lt=end, kind__in=["all", "region", "topic"])
        .values_list("article_id", "kind", "key")
    )
    sections = defaultdict(set)
    for article_id, kind, key in entries:
        sections[article_id]
        if kind != "all":
            sections[article_id].add((kind, key))
    stories = list(
        Article.objects.live(now)
        .filter(pk__in=list(sections))
        .only("headline", "slug", "standfirst", "excerpt", "publish_at", "embargo_ends_at", "status")
        .order_by("-publish_at", "-pk")
    )
    return stories, dict(sections)


def stories_for(subscriber_sections, stories, sections):
    """The stories a subscriber gets: those on any list they chose, or every story when they chose none."""
    if not subscriber_sections:
        return list(stories)
    return [story for story in stories if sections.get(story.pk, set()) & subscriber_sections]


def is_subscribed(key):
    """Whether an unsubscribe link's key still belongs to a subscriber."""
    return Subscriber.objects.filter(key=key).exists()
