"""Stored XSS, one table for every field a person types, on every surface that shows it; and CSRF, one table
for every state-changing address of the desk.

Each field holds a payload naming the field; no surface may carry it as live markup: HTML pages (including
their JSON-LD), the desk's lists and forms, and in feeds every element that readers treat as HTML.
"""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import listings
from articles.models import Article, Author, Correction, PromoFooter, RegionTag, TopicTag
from tests.helpers.factories import make_article, make_user
from tests.helpers.images import give_hero_image
from tests.helpers.workflow_helpers import client_for

pytestmark = pytest.mark.django_db

LIVE_MARKUP = ("<img src=x onerror", "<script>alert(", "<svg onload")


def payload(field):
    # Short enough for every column (tag names hold 100 characters).
    return f"{field} <img src=x onerror=alert(1)><script>alert(1)</script><svg onload=alert(1)>"


# field -> how it is stored on the story everything below shows
FIELDS = [
    "headline",
    "standfirst",
    "source_attribution",
    "hero_caption",
    "hero_credit",
    "hero_alt",
    "byline name",
    "author title",
    "author bio",
    "region name",
    "region description",
    "topic name",
    "topic description",
    "footer tagline",
    "footer teaser text",
    "correction text",
]


@pytest.fixture
def story(settings):
    settings.SITE_URL = "https://news.example.org"
    author = Author.objects.create(
        name=payload("byline name"), title=payload("author title"), bio=payload("author bio"), slug="ann-writer"
    )
    region = RegionTag.objects.create(name="Pimlico", slug="pimlico")
    topic = TopicTag.objects.create(name="Politics", slug="politics")
    footer = PromoFooter.objects.create(
        name="Hostile footer",
        tagline=payload("footer tagline"),
        teaser_text=payload("footer teaser text")[:200],
        teaser_url="https://example.org/ok",
    )
    article = make_article(
        "Quiet night",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
        authors=[author],
        regions=[region],
        topics=[topic],
        standfirst=payload("standfirst"),
        source_attribution=payload("source_attribution"),
        hero_caption=payload("hero_caption"),
        hero_credit=payload("hero_credit"),
        promo_footer=footer,
    )
    give_hero_image(article, alt=payload("hero_alt"))
    Correction.objects.create(article=article, text=payload("correction text"))
    # Names and descriptions as an admin could have saved them before any check, and the headline likewise.
    RegionTag.objects.filter(pk=region.pk).update(
        name=payload("region name"), description=payload("region description")
    )
    TopicTag.objects.filter(pk=topic.pk).update(name=payload("topic name"), description=payload("topic description"))
    Article.objects.filter(pk=article.pk).update(headline=payload("headline"))
    listings.rebuild()
    listings.relabel([article.pk])
    return Article.objects.get(pk=article.pk)


PAGES = [
    "/",
    "/news/quiet-night/",
    "/regions/",
    "/topics/",
    "/region/pimlico/",
    "/topic/politics/",
    "/author/ann-writer/",
    "/search/?q=quiet",
]
FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/region/pimlico/feed/",
    "/region/pimlico/feed/atom/",
    "/topic/politics/feed/",
    "/topic/politics/feed/atom/",
    "/author/ann-writer/feed/",
    "/author/ann-writer/feed/atom/",
]
SITEMAPS = ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-sections.xml", "/sitemap-news.xml"]
# Elements whose text feed readers render as HTML.
ATOM = "{http://www.w3.org/2005/Atom}"
HTML_ELEMENTS = [
    "channel/description",
    "channel/item/description",
    "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded",
    f"{ATOM}entry/{ATOM}summary",
    f"{ATOM}entry/{ATOM}content",
]


def assert_inert(text, where):
    for markup in LIVE_MARKUP:
        assert markup not in text, f"{where}: live markup {markup!r}"


@pytest.mark.parametrize("url", PAGES)
def test_stored_xss_no_reader_page_carries_a_field_as_markup(client, story, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_inert(response.content.decode(), url)


def test_stored_xss_the_story_page_shows_every_story_field_as_text(client, story):
    page = client.get("/news/quiet-night/").content.decode()
    shown = [
        field
        for field in FIELDS
        if not field.startswith(("region description", "topic description", "author bio", "author title"))
    ]
    for field in shown:
        assert f"{field} &lt;img src=x onerror=alert(1)&gt;" in page, field


@pytest.mark.parametrize("url", FEEDS)
def test_stored_xss_no_feed_element_read_as_html_carries_a_field_as_markup(client, story, url):
    response = client.get(url)
    assert response.status_code == 200, url
    document = ElementTree.fromstring(response.content)
    checked = 0
    for path in HTML_ELEMENTS:
        for element in document.findall(path):
            assert_inert(element.text or "", f"{url} {path}")
            checked += 1
    assert checked


@pytest.mark.parametrize("url", SITEMAPS)
def test_stored_xss_sitemaps_escape_every_field(client, story, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_inert(response.content.decode(), url)
    ElementTree.fromstring(response.content)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/",
        "/admin/articles/article/{pk}/change/",
        "/admin/articles/article/{pk}/history/",
        "/admin/articles/regiontag/",
        "/admin/articles/topictag/",
        "/admin/articles/author/",
        "/admin/articles/promofooter/",
        "/admin/",
    ],
)
def test_stored_xss_the_desk_shows_every_field_as_text(story, url):
    response = client_for(make_user("Admin")).get(url.format(pk=story.pk))
    assert response.status_code == 200, url
    assert_inert(response.content.decode(), url)


# CSRF ---------------------------------------------------------------------------------------------------------------

CSRF_POSTS = [
    ("admin:articles_article_add", ()),
    ("admin:articles_article_change", ("pk",)),
    ("admin:articles_article_transition", ("pk", "unpublish")),
    ("admin:articles_article_correction", ("pk",)),
    ("admin:articles_article_preview_link", ("pk",)),
    ("admin:articles_article_autosave", ("pk",)),
    ("admin:articles_article_delete", ("pk",)),
    ("admin:articles_regiontag_add", ()),
    ("admin:articles_author_add", ()),
    ("admin:articles_promofooter_add", ()),
    ("admin:logout", ()),
]


@pytest.mark.parametrize(("name", "args"), CSRF_POSTS, ids=[name for name, _ in CSRF_POSTS])
def test_csrf_every_desk_write_without_a_token_is_refused_and_changes_nothing(story, name, args):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("Admin"))
    url = reverse(name, args=[story.pk if arg == "pk" else arg for arg in args])
    before = (Article.objects.count(), Correction.objects.count(), RegionTag.objects.count(), story.status)
    response = client.post(url, {"headline": "Forged", "name": "Forged", "text": "Forged", "kind": "correction"})
    assert response.status_code == 403, url
    story.refresh_from_db()
    assert (Article.objects.count(), Correction.objects.count(), RegionTag.objects.count(), story.status) == before
