"""The planning calendar in a browser: a scheduled story sits in its day; an editor drags it to another day and
its public time moves with it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_drags_a_scheduled_story_to_another_day(live_server, page_factory, screenshot):
    editor = make_user("Editor", "helen", password=PASSWORD)
    # Monday of next week at 10:00, so the story and the target day are on the same week page.
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    when = timezone.make_aware(timezone.datetime.combine(monday, timezone.datetime.min.time())) + timedelta(hours=10)
    article = article_publish(
        article=make_article("Bridge reopens after repairs", authors=[make_author("Tom Whitaker")]),
        user=editor,
        publish_at=when,
    )
    make_article("Budget consultation opens", planned_for=when + timedelta(days=1, hours=4))

    page = page_factory()
    log_in(page, live_server.url, "helen")
    page.goto(f"{live_server.url}/admin/articles/article/calendar/?start={monday.isoformat()}")
    entry = page.locator(f"[data-article='{article.pk}']")
    assert entry.locator("xpath=ancestor::td").get_attribute("data-day") == monday.isoformat()
    assert "10:00" in entry.inner_text()
    screenshot(page, "planning-calendar-week")

    target = monday + timedelta(days=3)
    entry.drag_to(page.locator(f"td[data-day='{target.isoformat()}']"))
    page.wait_for_selector(f"td[data-day='{target.isoformat()}'] [data-article='{article.pk}']")
    moved = Article.objects.get(pk=article.pk)
    assert timezone.localtime(moved.publish_at) == timezone.localtime(when) + timedelta(days=3)
    assert moved.is_scheduled
    assert "moved to" in page.locator(".messagelist").inner_text()
    screenshot(page, "planning-calendar-after-drag")

    phone = page_factory(width=390, height=844)
    log_in(phone, live_server.url, "helen")
    phone.goto(f"{live_server.url}/admin/articles/article/calendar/?view=month&start={monday.isoformat()}")
    assert phone.locator(f"[data-article='{article.pk}']").count() == 1
    screenshot(phone, "planning-calendar-month-phone")
