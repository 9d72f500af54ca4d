"""RSS 2.0 and Atom feeds of live articles: the latest, and per region, topic and author.

Each item carries a summary, the full text, every byline and its regions and
topics as categories. Links are absolute on SITE_URL, like canonical links.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from . import readmodel, selectors
from .body import render_body
from .links import absolute

# A day's news or more for a reader polling hourly; each full-text item is about 5 KB.
FEED_SIZE = 20


def written_once(feed):
    """A view serving feed as written once per content generation: twenty full-text items take tens of ms."""
    name = f"{type(feed).__module__}.{type(feed).__qualname__}"

    def view(request, slug=None):
        listing = feed.listing(slug)  # Http404 for a section or author readers cannot see

        def write():
            response = feed(request, **({"slug": slug} if slug is not None else {}))
            return response.content, list(response.items())

        content, headers = readmodel.feed_document(name, slug, write, listing)
        response = HttpResponse(content)
        for header, value in headers:
            response[header] = value
        return response

    return view


class FullTextRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the article body in content:encoded."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class FullTextAtomFeed(Atom1Feed):
    """Atom with the article body as HTML content beside the summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = FullTextRssFeed
    url_name = "reader:feed"

    def title(self, obj=None):
        return settings.SITE_NAME

    def channel_text(self, obj=None):
        """What the feed is, in plain text: the channel's description (RSS) and subtitle (Atom)."""
        return settings.SITE_TAGLINE

    def description(self, obj=None):
        # Readers treat an RSS description as HTML, the channel's as the items': escape the plain text
        # (a section's description or an author's bio is written by an admin and may hold "<").
        return escape(self.channel_text(obj))

    def subtitle(self, obj=None):
        # Atom's subtitle is plain text (no type attribute): the feed writer's own escaping is the only one needed.
        return self.channel_text(obj)

    def link(self, obj=None):
        return absolute(reverse("reader:home"))

    def feed_url(self, obj=None):
        return absolute(reverse(self.url_name))

    def listing(self, slug=None):
        """The list whose newest stories the feed carries (`readmodel.Listing`): the feed is written again when that
        list changes, and only then."""
        return readmodel.Listing("all")

    def articles(self, obj):
        return selectors.live_articles()

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Readers treat descriptions and Atom summaries as HTML: escape the plain text.
        return escape(item.standfirst or item.excerpt)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.public_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        names = [author.name for author in item.shown_authors]
        return ", ".join(names) or None

    def item_categories(self, item):
        return [tag.name for tag in item.shown_regions] + [tag.name for tag in item.shown_topics]

    def item_extra_kwargs(self, item):
        # Pictures as plain images and embeds as links: feed readers run no script and load no frames.
        return {"content": render_body(item.body, item.body_media, absolute=absolute, for_feed=True)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullTextAtomFeed
    url_name = "reader:feed_atom"


class ScopedFeed(LatestArticlesFeed):
    """The latest live articles of one region, topic or author."""

    def title(self, obj=None):
        return f"{obj.name} — {settings.SITE_NAME}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj=None):
        return absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))


class SectionFeed(ScopedFeed):
    vocabulary = None

    def get_object(self, request, slug):
        tag = readmodel.public_tag(self.vocabulary, slug)
        if tag is None:
            raise Http404("No such section.")
        return tag

    def listing(self, slug=None):
        return readmodel.Listing(self.vocabulary, self.get_object(None, slug).pk)

    def channel_text(self, obj=None):
        return obj.description or f"The latest {obj.name} stories from {settings.SITE_NAME}."

    def articles(self, obj):
        return selectors.tag_articles(self.vocabulary, obj)


class RegionFeed(SectionFeed):
    vocabulary = "region"
    url_name = "reader:region_feed"


class RegionAtomFeed(RegionFeed):
    feed_type = FullTextAtomFeed
    url_name = "reader:region_feed_atom"


class TopicFeed(SectionFeed):
    vocabulary = "topic"
    url_name = "reader:topic_feed"


class TopicAtomFeed(TopicFeed):
    feed_type = FullTextAtomFeed
    url_name = "reader:topic_feed_atom"


class AuthorFeed(ScopedFeed):
    url_name = "reader:author_feed"

    def get_object(self, request, slug):
        author = readmodel.public_author(slug)
        if author is None:
            raise Http404("No such author.")
        return author

    def listing(self, slug=None):
        return readmodel.Listing("author", self.get_object(None, slug).pk)

    def channel_text(self, obj=None):
        return obj.bio or f"The latest stories by {obj.name} for {settings.SITE_NAME}."

    def articles(self, obj):
        return selectors.author_articles(obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullTextAtomFeed
    url_name = "reader:author_feed_atom"
