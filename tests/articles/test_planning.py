"""The planning calendar: what shows on which day, who sees it, and moving stories through the publish rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import planning
from articles.exceptions import InvalidTransitionError, WorkflowPermissionError
from articles.models import Article, ArticleTransition
from articles.services import article_publish
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


def scheduled(days=2, **fields):
    article = make_article(**fields)
    return article_publish(
        article=article, user=make_user("Editor"), publish_at=timezone.now() + timedelta(days=days, hours=1)
    )


def test_the_calendar_lists_scheduled_embargoed_and_planned_stories():
    editor = make_user("Editor")
    soon = scheduled(2, headline="Scheduled story")
    embargoed = make_article(headline="Embargoed story")
    article_publish(
        article=embargoed,
        user=editor,
        publish_at=timezone.now() - timedelta(hours=1),
        embargo_ends_at=timezone.now() + timedelta(days=3),
    )
    planned = make_article(headline="Planned draft", planned_for=timezone.now() + timedelta(days=1))
    make_article(headline="Unplanned draft")
    make_article(headline="Live story", status=Article.Status.PUBLISHED)
    entries = planning.calendar_entries(editor, timezone.localdate(), 7)
    assert [(entry.article.headline, entry.kind) for entry in entries] == [
        ("Planned draft", "planned"),
        ("Scheduled story", "scheduled"),
        ("Embargoed story", "embargo"),
    ]
    assert entries[1].day == timezone.localtime(Article.objects.get(pk=soon.pk).publish_at).date()
    assert planned.pk in {entry.article.pk for entry in entries}


def test_reporters_see_their_own_and_filters_narrow_the_list():
    reporter = make_user("Reporter", author=make_author("Amira Patel"))
    own = make_article(headline="Mine", planned_for=timezone.now() + timedelta(days=1), regions=["Pimlico"])
    Article.objects.filter(pk=own.pk).update(created_by=reporter)
    make_article(headline="Someone else's", planned_for=timezone.now() + timedelta(days=1))
    today = timezone.localdate()
    assert [entry.article.headline for entry in planning.calendar_entries(reporter, today, 7)] == ["Mine"]
    editor = make_user("Editor")
    region = own.regions.get()
    assert [entry.article.headline for entry in planning.calendar_entries(editor, today, 7, region=region)] == ["Mine"]


def test_rescheduling_goes_through_the_publish_service():
    editor = make_user("Editor")
    article = scheduled(2)
    before = timezone.localtime(article.publish_at)
    target = before.date() + timedelta(days=3)
    moved = planning.article_reschedule(article=article, user=editor, day=target)
    after = timezone.localtime(Article.objects.get(pk=article.pk).publish_at)
    assert after.date() == target and after.time() == before.time()
    assert moved.is_scheduled
    step = ArticleTransition.objects.filter(article=article).order_by("-pk").first()
    assert "Rescheduled on the planning calendar" in step.comment


def test_rescheduling_is_refused_for_reporters_live_stories_past_days_and_embargo_conflicts():
    editor = make_user("Editor")
    article = scheduled(2)
    with pytest.raises(WorkflowPermissionError):
        planning.article_reschedule(article=article, user=make_user("Reporter"), day=timezone.localdate())
    with pytest.raises(InvalidTransitionError, match="already passed"):
        planning.article_reschedule(article=article, user=editor, day=timezone.localdate() - timedelta(days=2))
    live = make_article(status=Article.Status.PUBLISHED)
    with pytest.raises(InvalidTransitionError, match="Only a scheduled story"):
        planning.article_reschedule(article=live, user=editor, day=timezone.localdate() + timedelta(days=2))
    held = article_publish(
        article=make_article(),
        user=editor,
        publish_at=timezone.now() + timedelta(days=1),
        embargo_ends_at=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(InvalidTransitionError, match="embargo"):
        planning.article_reschedule(article=held, user=editor, day=timezone.localdate() + timedelta(days=5))
    assert Article.objects.get(pk=held.pk).publish_at < Article.objects.get(pk=held.pk).embargo_ends_at


def test_a_planned_draft_moves_without_a_new_version():
    editor = make_user("Editor")
    article = make_article(planned_for=timezone.now() + timedelta(days=1))
    version = article.version
    target = timezone.localdate() + timedelta(days=4)
    planning.article_plan(article=article, user=editor, day=target)
    stored = Article.objects.get(pk=article.pk)
    assert timezone.localtime(stored.planned_for).date() == target
    assert stored.version == version


def test_the_calendar_page_and_the_move_endpoint(client):
    editor = make_user("Editor")
    article = scheduled(1, headline="Bridge reopening")
    client.force_login(editor)
    page = client.get("/admin/articles/article/calendar/").content.decode()
    assert "Bridge reopening" in page and f'data-article="{article.pk}"' in page
    month = client.get("/admin/articles/article/calendar/", {"view": "month", "start": "not-a-date"})
    assert month.status_code == 200
    target = (timezone.localtime(article.publish_at) + timedelta(days=1)).date()
    response = client.post(f"/admin/articles/article/{article.pk}/move/", {"day": target.isoformat()})
    assert response.status_code == 200, response.content
    assert timezone.localtime(Article.objects.get(pk=article.pk).publish_at).date() == target
    assert client.post(f"/admin/articles/article/{article.pk}/move/", {"day": "31/02"}).status_code == 400
    assert client.get(f"/admin/articles/article/{article.pk}/move/").status_code == 405
    reporter = make_user("Reporter")
    Article.objects.filter(pk=article.pk).update(created_by=reporter)
    client.force_login(reporter)
    page = client.get("/admin/articles/article/calendar/").content.decode()
    assert "Bridge reopening" in page and "draggable" not in page
    refused = client.post(f"/admin/articles/article/{article.pk}/move/", {"day": target.isoformat()})
    assert refused.status_code == 403
