"""A reader's journey in headless Chromium: home → section → article → author, on desktop and phone."""

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article
from tests.helpers.images import give_hero_image
from tests.helpers.media_routes import serve_media

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SKIES = [(38, 84, 140), (120, 70, 110), (200, 120, 60), (60, 110, 90), (90, 90, 130), (150, 60, 50)]


@pytest.fixture
def newsroom(db):
    call_command("load_demo", verbosity=0)
    for index, article in enumerate(Article.objects.live()[:6]):
        give_hero_image(article, seed=index, sky=SKIES[index])
    return Article.objects.live()


def assert_accessible(page, axe_violations, label):
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"{label}: {summary}"


@pytest.mark.parametrize("device", list(WIDTHS))
def test_reader_journey(live_server, page_factory, screenshot, axe_violations, newsroom, device):
    width, height = WIDTHS[device]
    page = page_factory(width=width, height=height)
    serve_media(page, live_server.url)

    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.locator(".masthead__name").inner_text() == settings.SITE_NAME
    assert page.locator(".lead-story h2").count() == 1
    assert page.locator(".lead-story img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("nav[aria-label=Sections] a", has_text="Westminster").count() == 1
    screenshot(page, f"reader-{device}-1-home")
    assert_accessible(page, axe_violations, "home")

    page.locator("nav[aria-label=Sections] a", has_text="Westminster").click()
    assert page.url.endswith("/region/westminster/")
    assert page.locator("h1").inner_text() == "Westminster"
    assert page.locator(".story-list > li").count() >= 3
    screenshot(page, f"reader-{device}-2-section")
    assert_accessible(page, axe_violations, "section")

    first = page.locator(".story-list .card__headline a").first
    headline = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == headline
    assert page.locator(".story__body p").count() >= 1
    assert page.locator(".promo-footer").count() == 1
    screenshot(page, f"reader-{device}-3-article")
    assert_accessible(page, axe_violations, "article")

    author_link = page.locator(".story__meta .byline a").first
    author_name = author_link.inner_text()
    author_link.click()
    assert page.locator("h1").inner_text() == author_name
    screenshot(page, f"reader-{device}-4-author")
    assert_accessible(page, axe_violations, "author")


def test_article_with_hero_and_search_and_404(live_server, page_factory, screenshot, axe_violations, newsroom):
    page = page_factory()
    serve_media(page, live_server.url)
    article = newsroom.exclude(hero_renditions={}).first()
    page.goto(live_server.url + article.get_absolute_url())
    image = page.locator(".story__hero img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    # Chromium picks the WebP source from the srcset.
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    assert page.locator(".story__hero figcaption").count() == 1
    screenshot(page, "reader-desktop-5-article-hero")
    assert_accessible(page, axe_violations, "article with hero")

    page.goto(live_server.url + "/")
    page.fill("#masthead-search", "market")
    page.press("#masthead-search", "Enter")
    page.wait_for_url("**/search/?q=market")
    assert page.locator(".story-list > li").count() >= 1
    screenshot(page, "reader-desktop-6-search")
    assert_accessible(page, axe_violations, "search")

    response = page.goto(live_server.url + "/news/no-such-story/")
    assert response.status == 404
    screenshot(page, "reader-desktop-7-not-found")
    assert_accessible(page, axe_violations, "404")


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page_factory, newsroom):
    page = page_factory()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
