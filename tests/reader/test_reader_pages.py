import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, RegionTag
from tests.helpers.factories import make_article, make_author, make_footer
from tests.helpers.images import give_hero_image

pytestmark = pytest.mark.django_db

LIVE = Article.Status.PUBLISHED


def published(headline, *, hours_ago=1, **fields):
    return make_article(headline, status=LIVE, publish_at=timezone.now() - timedelta(hours=hours_ago), **fields)


class JsonLdParser(HTMLParser):
    """Collects the JSON-LD blocks and the <head> meta/link tags of a page."""

    def __init__(self):
        super().__init__()
        self.json_ld, self.meta, self.links, self._in_json = [], {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data


def parse(response):
    parser = JsonLdParser()
    parser.feed(response.content.decode())
    return parser


def test_home_has_lead_latest_and_featured_sections_without_repeats(client, settings):
    settings.HOME_SECTIONS = [("region", "westminster"), ("topic", "defence")]
    lead = published("Lead story about the river", hours_ago=1, regions=["Westminster"], topics=["Defence"])
    others = [
        published(f"Westminster story {n}", hours_ago=2 + n, regions=["Westminster"], topics=["Politics"])
        for n in range(12)
    ]
    defence = published("Old defence story", hours_ago=100, regions=["Turkey"], topics=["Defence"])
    response = client.get(reverse("reader:home"))
    assert response.status_code == 200
    assert f'href="{lead.get_absolute_url()}"' in response.context["lead"]
    html = response.content.decode()
    shown = [article for article in [lead, *others, defence] if article.get_absolute_url() in html]
    for article in shown:
        assert html.count(f'href="{article.get_absolute_url()}"') == 1, article.headline
    sections = response.context["sections"]
    assert [tag.slug for tag, _vocabulary, _articles in sections] == ["westminster", "defence"]
    assert any(defence.get_absolute_url() in card for card in sections[1][2])
    assert 'class="section-heading" id="section-region-westminster"' in html


def test_home_masthead_comes_from_settings(client, settings):
    settings.SITE_NAME = "The Riverside Courier"
    settings.SITE_TAGLINE = "News for the towpath"
    published("Anything")
    html = client.get("/").content.decode()
    assert '<a class="masthead__name" href="/">The Riverside Courier</a>' in html
    assert "News for the towpath" in html


def test_article_page_shows_everything_a_reader_needs(client):
    amira, helen = make_author("Amira Patel", title="Westminster reporter"), make_author("Helen Marsh")
    article = published(
        "Council approves licence review",
        authors=[amira, helen],
        standfirst="Venues will need a noise plan.",
        body="<p>Councillors voted on Tuesday.</p>",
        source_attribution="citing council papers",
        regions=["Westminster"],
        topics=["Politics"],
    )
    Correction.objects.create(
        article=article, kind=Correction.Kind.CORRECTION, text="An earlier version misnamed the ward."
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert '<h1 class="story__headline">Council approves licence review</h1>' in html
    assert "Venues will need a noise plan." in html
    assert (
        f'<a href="{amira.get_absolute_url()}" rel="author">Amira Patel</a> and <a href="{helen.get_absolute_url()}"'
        in html
    )
    assert re.search(r'Published <time datetime="[^"]+">', html)
    assert re.search(r'Updated <time datetime="[^"]+">', html)
    assert "<p>Councillors voted on Tuesday.</p>" in html
    assert "Source: citing council papers" in html
    assert 'href="/region/westminster/"' in html and 'href="/topic/politics/"' in html
    assert "An earlier version misnamed the ward." in html
    assert '<meta name="description" content="Venues will need a noise plan.">' in html


def test_article_hero_uses_renditions_with_webp_and_jpeg_fallback(client):
    article = give_hero_image(
        published("Bridge lights up", hero_caption="The bridge at night.", hero_credit="Jo Bloggs")
    )
    html = client.get(article.get_absolute_url()).content.decode()
    webp = article.hero_renditions["webp"]
    jpeg = article.hero_renditions["jpeg"]
    assert f'<source type="image/webp" srcset="{webp[0]["url"]} 480w, {webp[1]["url"]} 800w' in html
    assert (
        f'srcset="{jpeg[0]["url"]} 480w, {jpeg[1]["url"]} 800w, {jpeg[2]["url"]} 1200w, {jpeg[3]["url"]} 1600w"' in html
    )
    assert f'src="{jpeg[1]["url"]}"' in html
    assert 'width="1600" height="900" alt="Rooftops along the river at dusk"' in html
    assert "The bridge at night." in html and "Photo: Jo Bloggs" in html


def test_article_hero_without_renditions_falls_back_to_the_original(client):
    article = give_hero_image(published("Old photo story"))
    Article.objects.filter(pk=article.pk).update(hero_renditions={})
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{article.hero_image.url}"' in html
    assert "image/webp" not in html


def test_article_json_ld_is_a_news_article_and_safely_escaped(client, settings):
    settings.SITE_URL = "https://news.example.org"
    amira, helen = make_author("Amira Patel"), make_author("Helen Marsh")
    headline = 'Pimlico says </script><script>alert("x")</script> & more'
    article = give_hero_image(published(headline, authors=[amira, helen], regions=["Pimlico"], topics=["Culture"]))
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, text="Times added.")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    page = parse(response)
    assert len(page.json_ld) == 1
    data = json.loads(page.json_ld[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == headline
    assert data["url"] == f"https://news.example.org{article.get_absolute_url()}"
    assert [author["name"] for author in data["author"]] == ["Amira Patel", "Helen Marsh"]
    assert data["author"][0]["url"] == f"https://news.example.org{amira.get_absolute_url()}"
    assert data["publisher"]["name"] == settings.SITE_NAME
    assert data["articleSection"] == ["Culture"]
    assert data["image"] == [f"https://news.example.org{article.hero_renditions['jpeg'][-1]['url']}"]
    assert data["datePublished"].startswith(article.publish_at.isoformat()[:19])
    assert data["correction"][0]["text"] == "Times added."
    assert page.meta["og:title"] == [headline]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["og:image"] == data["image"]
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [data["url"]]


def test_every_page_links_feeds_in_head(client):
    article = published("Feed link story", regions=["Pimlico"], authors=[make_author("Daniel Osei")])
    for url in ["/", article.get_absolute_url(), "/region/pimlico/", "/author/daniel-osei/", "/regions/"]:
        page = parse(client.get(url))
        feeds = {link["href"] for link in page.links if link.get("rel") == "alternate"}
        assert {"/feed/", "/feed/atom/"} <= feeds, url
    section = parse(client.get("/region/pimlico/"))
    assert "/region/pimlico/feed/atom/" in {link["href"] for link in section.links}
    author = parse(client.get("/author/daniel-osei/"))
    assert "/author/daniel-osei/feed/" in {link["href"] for link in author.links}


def test_related_articles_share_tags_and_are_live(client):
    article = published("Main", regions=["Pimlico"], topics=["Culture"])
    related = published("Shares a region", regions=["Pimlico"], topics=["Business"])
    unrelated = published("Shares nothing", regions=["Turkey"], topics=["Defence"])
    draft = make_article("Draft sharing tags", regions=["Pimlico"], topics=["Culture"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert related.get_absolute_url() in html
    assert unrelated.get_absolute_url() not in html
    assert draft.get_absolute_url() not in html


def test_related_articles_rank_shared_tags_then_recency_among_each_tags_newest(monkeypatch):
    from reader import article_reads

    article = published("Main", hours_ago=1, regions=["Pimlico"], topics=["Culture"])
    both_old = published("Shares both, older", hours_ago=50, regions=["Pimlico"], topics=["Culture"])
    region_only = [
        published(f"Pimlico story {n}", hours_ago=10 + n, regions=["Pimlico"], topics=["Business"]) for n in range(3)
    ]
    assert article_reads.article_plan(article.slug)[1] == [both_old.pk, *[story.pk for story in region_only]]
    # Only the newest candidates of each tag are ranked (the article itself among them), so a
    # long-running region is never read in full: older Pimlico stories drop out, and a tag counts
    # as shared only where the story is among that tag's newest (both_old now shares Culture alone).
    monkeypatch.setattr(article_reads, "RELATED_CANDIDATES", 2)
    assert article_reads.article_plan(article.slug)[1] == [region_only[0].pk, both_old.pk]


def test_promo_footer_is_shown_under_the_article(client):
    target = published("Lantern walk returns")
    make_footer(is_default=True, tagline="Read about the life of Pimlico:", teaser_article=target)
    article = published("Another story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="promo-footer"' in html
    # The tagline is a sentence of its own; the teaser follows, linked to its story.
    assert '<p class="promo-footer__tagline">Read about the life of Pimlico.</p>' in html
    assert f'Read next: <a href="{target.get_absolute_url()}">Lantern walk returns</a>' in html
    # Under the teased story itself: the tagline alone, ending as a sentence (no dangling colon).
    own = client.get(target.get_absolute_url()).content.decode()
    assert '<p class="promo-footer__tagline">Read about the life of Pimlico.</p>' in own
    assert "Read next:" not in own and "Pimlico:" not in own


def test_section_page_lists_live_articles_newest_first_with_description(client):
    RegionTag.objects.create(name="Pimlico", description="Our home patch.")
    older = published("Older", hours_ago=5, regions=["Pimlico"])
    newer = published("Newer", hours_ago=1, regions=["Pimlico"])
    published("Elsewhere", regions=["Turkey"])
    response = client.get("/region/pimlico/")
    assert response.status_code == 200
    assert list(response.context["article_ids"]) == [newer.pk, older.pk]
    assert "Our home patch." in response.content.decode()
    assert client.get("/topic/culture/").status_code == 200


def test_section_pagination_20_a_page_with_rel_links_and_404_edges(client):
    for n in range(45):
        published(f"Story {n}", hours_ago=n + 1, regions=["London"])
    first = client.get("/region/london/")
    assert len(first.context["article_ids"]) == 20
    page = parse(first)
    assert {"rel": "next", "href": "?page=2"} in page.links
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = client.get("/region/london/?page=2")
    links = parse(second).links
    assert {"rel": "prev", "href": "/region/london/"} in links
    assert {"rel": "next", "href": "?page=3"} in links
    third = client.get("/region/london/?page=3")
    assert len(third.context["article_ids"]) == 5
    assert not any(link.get("rel") == "next" for link in parse(third).links)
    for bad in ["4", "0", "-1", "abc", "2.5", "%00", "9" * 40, "1e3"]:
        assert client.get(f"/region/london/?page={bad}").status_code == 404, bad


def test_region_and_topic_indexes_count_live_articles(client):
    published("One", regions=["Pimlico"], topics=["Culture"])
    published("Two", regions=["Pimlico"], topics=["Business"])
    make_article("Draft", regions=["Secretland"], topics=["Culture"])
    response = client.get("/regions/")
    counts = {tag.name: tag.article_count for tag in response.context["tags"]}
    assert counts == {"Pimlico": 2}
    assert "2 stories" in response.content.decode()
    topics = {tag.name: tag.article_count for tag in client.get("/topics/").context["tags"]}
    assert topics == {"Culture": 1, "Business": 1}


def test_author_page_has_bio_and_paginated_articles(client):
    author = make_author("Tom Whitaker", title="City life reporter", bio="Tom writes about markets.")
    for n in range(21):
        published(f"Market story {n}", hours_ago=n + 1, authors=[author])
    response = client.get(author.get_absolute_url())
    html = response.content.decode()
    assert "Tom writes about markets." in html and "City life reporter" in html
    assert len(response.context["article_ids"]) == 20
    assert len(client.get(author.get_absolute_url() + "?page=2").context["article_ids"]) == 1
    assert client.get(author.get_absolute_url() + "?page=3").status_code == 404


def test_unknown_section_author_or_article_is_404_in_site_design(client):
    for url in ["/region/nowhere/", "/topic/nothing/", "/author/nobody/", "/news/no-such-story/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "We can’t find that page" in response.content.decode()
        assert 'class="masthead__name"' in response.content.decode()


def test_500_page_in_site_design_without_the_database(client, settings):
    from reader.views import server_error

    response = server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert settings.SITE_NAME in html and "Something went wrong" in html
    assert 'class="section-nav"' not in html


def test_noindex_meta_only_when_asked(rf):
    from django.template.loader import render_to_string

    article = published("Preview me")
    request = rf.get("/")
    with_flag = render_to_string("reader/article_detail.html", {"article": article, "noindex": True}, request)
    without = render_to_string("reader/article_detail.html", {"article": article}, request)
    assert '<meta name="robots" content="noindex">' in with_flag
    assert "noindex" not in without


def test_draft_article_detail_template_renders_for_preview(rf):
    """Preview renders the same template with a draft, which has no publish time yet."""
    from django.template.loader import render_to_string

    from reader.readmodel import preview_parts

    draft = make_article("Unpublished preview")
    context = {"page": preview_parts(draft), "noindex": True}
    html = render_to_string("reader/article_detail.html", context, rf.get("/"))
    assert "Unpublished preview" in html


def test_robots_txt_points_at_sitemaps(client, settings):
    settings.SITE_URL = "https://news.example.org"
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://news.example.org/sitemap.xml" in body
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in body
    assert "Disallow: /admin/" in body


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_pages_do_not_query_per_article(client, settings, memo_off):
    settings.HOME_SECTIONS = [("region", "london"), ("topic", "culture")]

    def add_stories(count):
        for _ in range(count):
            published(
                "Story", regions=["London", "Westminster"], topics=["Culture"], authors=[make_author(), make_author()]
            )

    add_stories(20)
    urls = ["/", "/region/london/", "/topic/culture/", "/search/?q=story", "/feed/", "/regions/"]
    few = {url: count_queries(client, url) for url in urls}
    add_stories(30)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few
    assert few["/region/london/"] <= 12


def test_production_static_files_get_hashed_names(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        NEWSROOM_ENV="production",
        SECRET_KEY="x7#long-random-production-secret-for-the-static-check-0123456789",
        ALLOWED_HOSTS="news.example.org",
        SITE_URL="https://news.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    project = Path(__file__).resolve().parent.parent.parent
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / "static" / f"{hashed}.gz").exists()
