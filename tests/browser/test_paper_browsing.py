"""A reader browsing by place and by date in headless Chromium, on desktop and phone: the regions tree, London
showing a Pimlico story with breadcrumbs, the archive by day, and a search with marked passages."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PIMLICO_STORY = "Pimlico's winter lantern walk returns for its thirtieth year"


def assert_accessible(page, axe_violations, label):
    violations = axe_violations(page)
    summary = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    assert violations == [], f"{label}: {summary}"


@pytest.mark.parametrize("device", list(WIDTHS))
def test_browsing_by_place_and_by_day(live_server, page_factory, screenshot, axe_violations, device):
    call_command("load_demo", verbosity=0)
    page = page_factory(*WIDTHS[device])

    page.goto(f"{live_server.url}/regions/")
    tree = page.locator(".region-tree")
    london = tree.locator("li", has=page.locator("> a", has_text="London")).first
    assert london.locator(".region-tree__children > li > a", has_text="Westminster").count() == 1
    screenshot(page, f"paper-{device}-1-regions-tree")
    assert_accessible(page, axe_violations, "regions tree")

    london.locator("> a", has_text="London").click()
    page.wait_for_url("**/region/london/")
    assert page.locator(".breadcrumbs").inner_text().split("\n")[:4] == ["Regions", "World", "Europe", "United Kingdom"]
    assert page.locator(".story-list").get_by_text(PIMLICO_STORY).count() == 1
    assert page.locator(".page-header__within a", has_text="Westminster").count() == 1
    screenshot(page, f"paper-{device}-2-london-with-a-pimlico-story")
    assert_accessible(page, axe_violations, "London")

    story = Article.objects.get(headline=PIMLICO_STORY)
    day = timezone.localdate(story.publish_at)
    page.goto(f"{live_server.url}/news/{day:%Y/%m/%d}/")
    assert page.locator("h1").inner_text() == f"{day:%A} {day.day} {day:%B %Y}"
    assert page.locator(".story-list").get_by_text(PIMLICO_STORY).count() == 1
    screenshot(page, f"paper-{device}-3-archive-day")
    assert_accessible(page, axe_violations, "archive day")
    previous = page.locator(".archive-periods a[rel=prev]")
    if previous.count():
        previous.click()
        page.wait_for_load_state()
        assert page.locator(".story-list li").count() > 0

    page.goto(f"{live_server.url}/search/?q=lantern&sort=date&section=region:london")
    assert page.locator(".search-snippet mark").first.inner_text().lower().startswith("lantern")
    screenshot(page, f"paper-{device}-4-search-marked")
    assert_accessible(page, axe_violations, "search")
