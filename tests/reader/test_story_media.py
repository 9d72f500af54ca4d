"""Readers' view of pictures and embeds: figures with responsive pictures, placeholders, feeds, query budgets."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import image_library
from articles.embeds import FRAME_ORIGINS
from articles.models import Article
from articles.services import article_save
from devtools.archive import generate_archive
from tests.helpers.caches import clear_caches
from tests.helpers.factories import make_article, make_user
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def library_image(size=(1600, 900), **fields):
    return image_library.create_library_image(file=ContentFile(image_bytes("JPEG", size=size)), name="p.jpg", **fields)


def illustrate(article):
    """Give article a hero from the library, a picture in its body and a YouTube embed (through the save service)."""
    hero = library_image(alt="The town hall at night", credit="Hero Credit", caption="Hero caption")
    inline = library_image((1200, 1600), alt="A lantern close up", credit="Inline Credit", caption="Library caption")
    article.hero = hero
    article.body = (
        f'<p>First paragraph.</p><figure data-image="{inline.pk}" data-caption="Lanterns at dusk"></figure>'
        f'<p>Second paragraph.</p><figure data-embed="{YOUTUBE}"></figure><p>Last paragraph.</p>'
    )
    article_save(article=article, user=make_user("Editor"))
    return hero, inline


def test_body_pictures_render_as_responsive_figures(client, media_root):
    article = make_article(status=Article.Status.PUBLISHED)
    _hero, inline = illustrate(article)
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="story-figure">.*?</figure>', html, re.S).group()
    assert '<source type="image/webp" srcset="' in figure
    full = inline.renditions["crops"]["full"]
    for item in full["webp"]:
        assert f"{item['url']} {item['width']}w" in figure
    for item in full["jpeg"]:
        assert f"{item['url']} {item['width']}w" in figure
    # A 1200 × 1600 portrait is shown 4:5, never at its full height, and its size is set so nothing jumps.
    assert f'width="{full["width"]}" height="{full["height"]}"' in figure
    assert full["height"] == round(full["width"] * 1.25)
    assert 'loading="lazy"' in figure and 'alt="A lantern close up"' in figure
    assert "Lanterns at dusk" in figure and "Photo: Inline Credit" in figure
    assert "data-image" not in html


def test_embeds_are_placeholders_that_load_nothing_until_asked(client, media_root):
    article = make_article(status=Article.Status.PUBLISHED)
    illustrate(article)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<iframe" not in html
    placeholder = re.search(r'<figure class="embed embed--video">.*?</figure>', html, re.S).group()
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in placeholder
    assert "Load video" in placeholder and f'href="{YOUTUBE}"' in placeholder
    # No element the browser fetches on its own points at a provider.
    assert not re.search(
        r'(?<![\w-])(?:src|srcset|href)="https://[^"]*(?:youtube|ytimg|google)[^"]*"',
        html.replace(f'href="{YOUTUBE}"', ""),
    )
    assert 'src="/static/reader/embeds.js"' in html
    csp = response.headers["Content-Security-Policy"]
    frame_src = re.search(r"frame-src ([^;]*)", csp).group(1).split()
    assert sorted(frame_src) == sorted(FRAME_ORIGINS)


def test_a_page_without_embeds_loads_no_script(client, media_root):
    article = make_article(status=Article.Status.PUBLISHED)
    assert "embeds.js" not in client.get(article.get_absolute_url()).content.decode()


def test_cards_use_the_focal_point_crop(client, media_root):
    article = make_article(status=Article.Status.PUBLISHED)
    hero, _inline = illustrate(article)
    html = client.get("/").content.decode()
    card = hero.renditions["crops"]["card"]
    assert card["jpeg"][0]["url"] in html


def test_feeds_get_plain_pictures_and_embeds_as_links(client, media_root):
    article = make_article(status=Article.Status.PUBLISHED)
    _hero, inline = illustrate(article)
    feed = client.get("/feed/").content.decode()
    largest = inline.renditions["crops"]["full"]["jpeg"][-1]["url"]
    assert f"http://testserver{largest}" in feed or largest in feed
    assert "YouTube: " in feed and "iframe" not in feed and "embed__load" not in feed


def cold_and_warm_queries(client, path):
    clear_caches()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    return len(cold), len(warm)


def test_pages_with_pictures_and_embeds_keep_their_query_budgets(client, media_root):
    """The same article page and home page cost the same queries with pictures and an embed as without
    (the budgets themselves are pinned in test_query_budget.py): renditions come with the article's row."""
    generate_archive(articles=30, seed=3)
    article = Article.objects.live().order_by("-publish_at").first()
    paths = [article.get_absolute_url(), "/"]
    before = [cold_and_warm_queries(client, path) for path in paths]
    illustrate(article)
    after = [cold_and_warm_queries(client, path) for path in paths]
    assert after == before
    assert all(warm == 0 for _cold, warm in after)
    assert b'class="story-figure"' in client.get(article.get_absolute_url()).content
