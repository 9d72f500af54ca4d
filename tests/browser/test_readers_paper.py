"""Readers' journeys through the paper around the stories, in headless Chromium on desktop and phone:
subscribe → confirm → the digest arrives at a real SMTP server → unsubscribe in one click; and an article
with the breaking-news banner, most read, share links and an outlet's own page."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleReads, BreakingNews, RegionTag, StaticPage
from newsletter.models import Subscriber
from tests.helpers.smtp import smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def newsroom(db):
    call_command("load_demo", verbosity=0)
    return Article.objects.live()


def show_email(page, html):
    """Open a message's HTML as a mail client would: on a blank page, outside the site's CSP."""
    page.goto("about:blank")
    page.set_content(html)


def assert_accessible(page, axe_violations, label):
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"{label}: {summary}"


@pytest.mark.parametrize("device", list(WIDTHS))
def test_subscribe_confirm_receive_the_digest_and_unsubscribe_in_one_click(
    live_server, page_factory, screenshot, axe_violations, newsroom, settings, device
):
    settings.SITE_URL = live_server.url
    width, height = WIDTHS[device]
    page = page_factory(width=width, height=height)
    with smtp_server(settings) as inbox:
        page.goto(live_server.url + "/")
        page.locator(".site-footer a", has_text="Daily newsletter").click()
        page.wait_for_url("**/newsletter/")
        screenshot(page, f"newsletter-{device}-1-sign-up")
        assert_accessible(page, axe_violations, "sign-up")

        page.click(".newsletter-form button[type=submit]")  # nothing typed: a clear message, nothing sent
        assert "Please enter your email address." in page.locator(".form-problem").first.inner_text()
        page.fill("#id_email", "reader@example.org")
        page.get_by_label("Westminster", exact=True).check()
        page.click(".newsletter-form button[type=submit]")
        page.wait_for_url("**/newsletter/check-your-inbox/")
        assert page.locator("h1").inner_text() == "Check your inbox"
        screenshot(page, f"newsletter-{device}-2-check-inbox")
        assert len(inbox.messages) == 1 and inbox.messages[0]["to"] == ["reader@example.org"]

        html = inbox.messages[0]["message"].get_body(preferencelist=("html",)).get_content()
        show_email(page, html)
        screenshot(page, f"newsletter-{device}-3-confirmation-email")
        page.locator("a", has_text="Confirm my subscription").click()
        page.wait_for_url("**/newsletter/confirm/**")
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING
        screenshot(page, f"newsletter-{device}-4-confirm")
        page.click(".newsletter-form button[type=submit]")
        assert page.locator("h1").inner_text() == "You are subscribed"
        screenshot(page, f"newsletter-{device}-5-subscribed")
        assert_accessible(page, axe_violations, "subscribed")
        subscriber = Subscriber.objects.get()
        assert subscriber.status == Subscriber.Status.CONFIRMED
        assert list(subscriber.regions.all()) == [RegionTag.objects.get(name="Westminster")]

        call_command("send_digest", verbosity=0)
        digest = inbox.messages[-1]["message"]
        westminster = newsroom.filter(regions__name="Westminster")
        assert any(story.headline in digest.get_body(preferencelist=("plain",)).get_content() for story in westminster)
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        show_email(page, digest.get_body(preferencelist=("html",)).get_content())
        screenshot(page, f"newsletter-{device}-6-digest")
        assert page.locator("h2 a").count() >= 1

        unsubscribe_url = digest["List-Unsubscribe"].strip().strip("<>")
        page.goto(unsubscribe_url)
        assert page.locator("button", has_text="Unsubscribe").count() == 1
        screenshot(page, f"newsletter-{device}-7-unsubscribe")
        # What a mail client's "Unsubscribe" button does (RFC 8058): one POST, no sign-in, no page to visit.
        response = page.request.post(
            unsubscribe_url,
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 200
        assert not Subscriber.objects.exists()
        page.reload()
        assert "no longer subscribed" in page.locator("main").inner_text()
        screenshot(page, f"newsletter-{device}-8-unsubscribed")
        assert_accessible(page, axe_violations, "unsubscribed")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_article_with_breaking_news_most_read_share_links_and_site_pages(
    live_server, page_factory, screenshot, axe_violations, newsroom, device
):
    width, height = WIDTHS[device]
    stories = list(newsroom.order_by("-publish_at")[:6])
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for position, story in enumerate(stories):
        ArticleReads.objects.create(article=story, hour=hour - timedelta(hours=2), reads=100 - position * 10)
    BreakingNews.objects.create(
        article=stories[0],
        headline="Road closures across Pimlico after a burst water main",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    StaticPage.objects.update_or_create(
        kind="about",
        defaults={
            "title": "About us",
            "summary": "Local news for Westminster and Pimlico.",
            "is_published": True,
            "body": "<p>We are a small newsroom.</p><h2>Our standards</h2><p>We correct our mistakes.</p>",
        },
    )
    page = page_factory(width=width, height=height)

    page.goto(live_server.url + "/")
    assert page.locator(".breaking a").inner_text() == "Road closures across Pimlico after a burst water main"
    assert page.locator(".most-read__list li").count() == 5
    screenshot(page, f"paper-{device}-1-home")
    assert_accessible(page, axe_violations, "home with banner and most read")

    page.goto(live_server.url + stories[1].get_absolute_url())
    assert page.locator(".share__list a", has_text="Share on WhatsApp").count() == 1
    assert page.locator(".most-read__list li").first.inner_text() == stories[0].headline
    page.wait_for_function("() => document.readyState === 'complete'")
    screenshot(page, f"paper-{device}-2-article")
    assert_accessible(page, axe_violations, "article with share links")
    page.emulate_media(media="print")
    assert page.locator(".share").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.locator(".site-footer").evaluate("el => getComputedStyle(el).display") == "none"
    screenshot(page, f"paper-{device}-3-article-print")
    page.emulate_media(media="screen")

    page.locator(".site-footer a", has_text="About us").click()
    page.wait_for_url("**/about/")
    assert page.locator("h1").inner_text() == "About us"
    screenshot(page, f"paper-{device}-4-about")
    assert_accessible(page, axe_violations, "about page")
    assert page.request.get(live_server.url + "/favicon.ico").status == 200
