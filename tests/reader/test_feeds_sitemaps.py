import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article, Author, RegionTag
from tests.helpers.factories import make_article, make_author
from tests.helpers.images import give_hero_image

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def published(headline, *, hours_ago=1, **fields):
    return make_article(
        headline, status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ElementTree.fromstring(response.content)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://news.example.org"
    amira, tom = make_author("Amira Patel"), make_author("Tom Whitaker")
    first = published(
        "Council & <residents> agree",
        hours_ago=3,
        authors=[amira, tom],
        standfirst="A deal on <late> licences.",
        body="<p>Full <strong>text</strong> here.</p>",
        regions=["Westminster"],
        topics=["Politics"],
    )
    second = published("Market returns", hours_ago=1, authors=[tom], regions=["Pimlico"], topics=["Business"])
    old = published(
        "Last week's story", hours_ago=24 * 7, authors=[amira], regions=["Westminster"], topics=["Politics"]
    )
    return first, second, old


def test_latest_rss_feed_has_full_text_summary_and_categories(client, site):
    first, second, old = site
    channel = xml(client, "/feed/").find("channel")
    assert channel.findtext("title") == "The WP Times"
    assert channel.findtext("link") == "https://news.example.org/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [second.headline, first.headline, old.headline]
    item = items[1]
    assert item.findtext("link") == f"https://news.example.org{first.get_absolute_url()}"
    assert item.findtext("description") == "A deal on &lt;late&gt; licences."
    assert item.findtext(f"{CONTENT}encoded") == "<p>Full <strong>text</strong> here.</p>"
    assert sorted(category.text for category in item.findall("category")) == ["Politics", "Westminster"]
    assert "Amira Patel" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")
    assert item.findtext("pubDate")


def test_latest_atom_feed(client, site):
    first, _second, _old = site
    feed = xml(client, "/feed/atom/")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    entry = entries[1]
    assert entry.findtext(f"{ATOM}title") == first.headline
    assert entry.find(f"{ATOM}link").get("href") == f"https://news.example.org{first.get_absolute_url()}"
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert "<strong>text</strong>" in entry.findtext(f"{ATOM}content")
    assert {category.get("term") for category in entry.findall(f"{ATOM}category")} == {"Politics", "Westminster"}
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "https://news.example.org/feed/atom/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/region/westminster/feed/", {"Council & <residents> agree", "Last week's story"}),
        ("/region/pimlico/feed/", {"Market returns"}),
        ("/topic/politics/feed/", {"Council & <residents> agree", "Last week's story"}),
        ("/topic/business/feed/", {"Market returns"}),
        ("/author/tom-whitaker/feed/", {"Council & <residents> agree", "Market returns"}),
        ("/author/amira-patel/feed/", {"Council & <residents> agree", "Last week's story"}),
    ],
)
def test_section_and_author_rss_feeds(client, site, url, expected):
    channel = xml(client, url).find("channel")
    assert {item.findtext("title") for item in channel.findall("item")} == expected
    atom = xml(client, url + "atom/")
    assert {entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")} == expected


def test_feed_for_unknown_section_is_404(client, site):
    assert client.get("/region/atlantis/feed/").status_code == 404
    assert client.get("/author/nobody/feed/atom/").status_code == 404


def test_sitemap_index_lists_each_section_sitemap(client, site):
    index = xml(client, "/sitemap.xml")
    locations = [node.findtext(f"{SITEMAP}loc") for node in index.findall(f"{SITEMAP}sitemap")]
    assert locations == [
        "https://news.example.org/sitemap-pages.xml",
        "https://news.example.org/sitemap-articles.xml",
        "https://news.example.org/sitemap-sections.xml",
        "https://news.example.org/sitemap-authors.xml",
    ]


def test_sitemaps_list_articles_sections_and_authors(client, site):
    first, second, old = site

    def locations(url):
        return {node.findtext(f"{SITEMAP}loc") for node in xml(client, url).findall(f"{SITEMAP}url")}

    base = "https://news.example.org"
    assert locations("/sitemap-articles.xml") == {base + a.get_absolute_url() for a in (first, second, old)}
    assert locations("/sitemap-sections.xml") == {
        f"{base}/region/westminster/",
        f"{base}/region/pimlico/",
        f"{base}/topic/politics/",
        f"{base}/topic/business/",
    }
    assert locations("/sitemap-authors.xml") == {f"{base}/author/amira-patel/", f"{base}/author/tom-whitaker/"}
    assert locations("/sitemap-pages.xml") == {f"{base}/", f"{base}/regions/", f"{base}/topics/"}
    lastmod = xml(client, "/sitemap-articles.xml").find(f"{SITEMAP}url").findtext(f"{SITEMAP}lastmod")
    assert lastmod == timezone.localdate().isoformat()


def test_news_sitemap_has_only_the_last_48_hours(client, site):
    first, second, _old = site
    give_hero_image(second)
    urls = xml(client, "/sitemap-news.xml").findall(f"{SITEMAP}url")
    assert [url.findtext(f"{SITEMAP}loc") for url in urls] == [
        f"https://news.example.org{second.get_absolute_url()}",
        f"https://news.example.org{first.get_absolute_url()}",
    ]
    news = urls[1].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Council & <residents> agree"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "The WP Times"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "en"
    assert datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")) == first.publish_at


def test_news_sitemap_counts_a_story_from_when_its_embargo_lifted(client, site):
    held = published("Held for a week", hours_ago=24 * 7)
    lifted = timezone.now() - timedelta(hours=5)
    Article.objects.filter(pk=held.pk).update(embargo_ends_at=lifted)
    urls = xml(client, "/sitemap-news.xml").findall(f"{SITEMAP}url")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert locations[-1] == f"https://news.example.org{held.get_absolute_url()}"
    assert datetime.fromisoformat(urls[-1].find(f"{NEWS}news").findtext(f"{NEWS}publication_date")) == lifted


def test_scoped_feeds_describe_their_section_or_author(client, site):
    RegionTag.objects.filter(slug="westminster").update(description="Parliament and the council.")
    Author.objects.filter(slug="tom-whitaker").update(bio="Tom covers markets.")
    for url, text in [
        ("/region/westminster/feed/", "Parliament and the council."),
        ("/author/tom-whitaker/feed/", "Tom covers markets."),
    ]:
        channel = xml(client, url).find("channel")
        assert channel.findtext("title").startswith(("Westminster", "Tom Whitaker"))
        assert channel.findtext("description") == text
        assert xml(client, url + "atom/").findtext(f"{ATOM}subtitle") == text
    assert "Pimlico stories" in xml(client, "/region/pimlico/feed/atom/").findtext(f"{ATOM}subtitle")


@pytest.mark.parametrize("recent_edits", [1, 100], ids=["drafts edited since", "a live story among the latest edits"])
def test_the_articles_sitemap_lastmod_is_the_newest_edit_of_a_live_story(monkeypatch, recent_edits):
    from reader import sitemaps

    monkeypatch.setattr(sitemaps, "RECENT_EDITS", recent_edits)
    now = timezone.now()
    old = make_article("Old story", status=Article.Status.PUBLISHED, publish_at=now - timedelta(days=3))
    edited = make_article("Edited story", status=Article.Status.PUBLISHED, publish_at=now - timedelta(days=2))
    Article.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=3))
    Article.objects.filter(pk=edited.pk).update(updated_at=now - timedelta(hours=1))
    draft = make_article("Draft edited last")
    Article.objects.filter(pk=draft.pk).update(updated_at=now)
    assert sitemaps.ArticleSitemap().get_latest_lastmod() == now - timedelta(hours=1)


def test_the_section_sitemaps_template_writes_what_djangos_writes():
    """reader/sitemap.xml (Jinja2, for speed) against django.contrib.sitemaps' sitemap.xml, whitespace between tags
    aside: locations to escape, dates either side of midnight in London, every optional part present or not."""
    from django.template import engines

    from reader.sitemaps import SITEMAP_TEMPLATE

    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    urlset = [
        {"location": "https://news.example.org/a/?x=1&y=<2>", "lastmod": moment, "changefreq": "hourly",
         "priority": "0.5", "alternates": [{"lang_code": "de", "location": "https://news.example.org/de/a/"}]},
        {"location": "https://news.example.org/b/", "lastmod": None, "changefreq": None, "priority": "",
         "alternates": []},
        {"location": "https://news.example.org/c/", "lastmod": moment.date(), "changefreq": "daily", "priority": "",
         "alternates": []},
    ]  # fmt: skip
    ours = engines["fragments"].get_template(SITEMAP_TEMPLATE).render({"urlset": urlset})
    djangos = engines["django"].get_template("sitemap.xml").render({"urlset": urlset})

    def tags_only(xml_text):
        return re.sub(r">\s+<", "><", xml_text.strip())

    assert tags_only(ours) == tags_only(djangos)
    assert "<lastmod>2026-07-01</lastmod>" in ours  # the site's time zone, as Django's date filter writes it


def test_a_page_of_the_articles_sitemap_is_what_djangos_generic_sitemap_writes(site):
    """`ArticleSitemap.get_urls` builds its page in one pass; Django's `Sitemap` asks `location()` and `lastmod()`
    of each row. Both write the same XML and give the same Last-Modified, for edits either side of midnight."""
    from django.template import engines

    from reader.sitemaps import SITEMAP_TEMPLATE, ArticleSitemap, SiteUrlSitemap

    first, _second, old = site
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
    Article.objects.filter(pk=old.pk).update(publish_at=late - timedelta(days=1), updated_at=late)
    Article.objects.filter(pk=first.pk).update(updated_at=timezone.now() + timedelta(minutes=5))
    ours, generic = ArticleSitemap(), ArticleSitemap()
    ours_urls, generic_urls = ours.get_urls(), SiteUrlSitemap.get_urls(generic)
    template = engines["fragments"].get_template(SITEMAP_TEMPLATE)
    assert template.render({"urlset": ours_urls}) == template.render({"urlset": generic_urls})
    assert "<lastmod>2026-07-01</lastmod>" in template.render({"urlset": ours_urls})
    assert ours.latest_lastmod == generic.latest_lastmod > timezone.now()


def test_the_articles_sitemap_pages_list_every_live_story_once_newest_first(client, site, monkeypatch):
    from reader.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    first, second, old = site
    held = published("Held until an hour ago", hours_ago=24 * 3)
    Article.objects.filter(pk=held.pk).update(embargo_ends_at=timezone.now() - timedelta(hours=2))
    make_article("A draft")
    published("Scheduled", hours_ago=-5)
    index = xml(client, "/sitemap.xml")
    pages = [node.findtext(f"{SITEMAP}loc") for node in index.findall(f"{SITEMAP}sitemap")]
    assert [page for page in pages if "articles" in page] == [
        "https://news.example.org/sitemap-articles.xml",
        "https://news.example.org/sitemap-articles.xml?p=2",
    ]
    listed = [
        node.findtext(f"{SITEMAP}loc").removeprefix("https://news.example.org")
        for page in ("/sitemap-articles.xml", "/sitemap-articles.xml?p=2")
        for node in xml(client, page).findall(f"{SITEMAP}url")
    ]
    # Newest first by the moment each became public: the embargoed story by when its embargo lifted.
    assert listed == [story.get_absolute_url() for story in (second, held, first, old)]
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404
