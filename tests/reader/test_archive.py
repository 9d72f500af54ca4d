"""The chronological archive: /news/ latest first, year, month and day pages with the periods around them,
404s for dates that do not exist or hold no live story, and the home page's one page."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db


def at(*parts):
    return timezone.make_aware(datetime(*parts))


@pytest.fixture
def dated():
    """Stories on 28 and 30 November 2026 and in March 2025, and hidden ones on 29 November."""
    with time_machine.travel(at(2026, 11, 30, 18, 0), tick=False):
        stories = {
            "march": make_article("March budget story", status=Article.Status.PUBLISHED, publish_at=at(2025, 3, 4, 9)),
            "early": make_article("Early lantern story", status=Article.Status.PUBLISHED, publish_at=at(2026, 11, 28, 0, 30)),
            "late": make_article("Late lantern story", status=Article.Status.PUBLISHED, publish_at=at(2026, 11, 30, 23, 30)),
            "today": make_article("Today lantern story", status=Article.Status.PUBLISHED, publish_at=at(2026, 11, 30, 7)),
            "draft": make_article("Hidden draft story"),
            "unpublished": make_article("Hidden unpublished story", status=Article.Status.UNPUBLISHED, publish_at=at(2026, 11, 29, 12)),
        }  # fmt: skip
        yield stories


def shown(response):
    body = response.content.decode()
    names = ["March budget", "Early lantern", "Late lantern", "Today lantern", "Hidden draft", "Hidden unpublished"]
    return [name for name in sorted(names, key=lambda name: body.find(name)) if name in body]


def test_the_archive_lists_every_live_story_latest_first(client, dated):
    response = client.get("/news/")
    assert response.status_code == 200
    # The story scheduled for 23:30 is not live at 18:00.
    assert shown(response) == ["Today lantern", "Early lantern", "March budget"]


def test_the_archive_is_paginated_and_a_bad_page_is_a_404(client, dated):
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        for n in range(25):
            make_article(
                f"Filler {n}", status=Article.Status.PUBLISHED, publish_at=at(2026, 12, 1, 8) - timedelta(minutes=n)
            )
        assert client.get("/news/").context["paginator"].num_pages == 2
        assert "March budget story" in client.get("/news/?page=2").content.decode()
        for bad in ("3", "0", "x", "99999999999999999999"):
            assert client.get(f"/news/?page={bad}").status_code == 404, bad


def test_a_day_page_holds_that_days_stories_in_the_sites_time_zone(client, dated):
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        response = client.get("/news/2026/11/30/")
        assert response.status_code == 200
        assert shown(response) == ["Late lantern", "Today lantern"]
        body = response.content.decode()
        assert "Monday 30 November 2026" in body
        assert 'rel="prev" href="/news/2026/11/28/"' in body
        assert 'rel="next"' not in body.split('class="archive-periods"')[-1]


def test_month_and_year_pages_link_their_days_and_months_and_the_periods_around(client, dated):
    month = client.get("/news/2026/11/").content.decode()
    assert 'href="/news/2026/11/28/">28</a>' in month and 'href="/news/2026/11/30/">30</a>' in month
    assert 'href="/news/2026/11/29/"' not in month
    assert 'rel="prev" href="/news/2025/03/"' in month
    year = client.get("/news/2025/").content.decode()
    assert 'href="/news/2025/03/">March</a>' in year
    assert 'rel="next" href="/news/2026/"' in year
    assert shown(client.get("/news/2025/")) == ["March budget"]


@pytest.mark.parametrize(
    "url",
    [
        "/news/2026/11/29/",  # only a hidden story that day
        "/news/2026/02/30/",
        "/news/2026/13/",
        "/news/2026/00/",
        "/news/0000/",
        "/news/9999/12/31/",
        "/news/2024/",
        "/news/2026/1/",
    ],
)
def test_a_period_without_live_stories_or_that_does_not_exist_is_a_404(client, dated, url):
    assert client.get(url).status_code == 404


def test_the_home_page_has_one_page(client, dated):
    assert client.get("/").status_code == 200
    assert client.get("/?page=1").status_code == 200
    for bad in ("2", "999999", "last", "x"):
        assert client.get(f"/?page={bad}").status_code == 404, bad


def test_a_story_headed_with_a_year_alone_keeps_a_slug_apart_from_the_archive(client, dated):
    story = make_article("2026", status=Article.Status.PUBLISHED)
    assert not story.slug.isdigit()
    assert client.get(story.get_absolute_url()).status_code == 200
