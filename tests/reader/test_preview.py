from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.exceptions import WorkflowPermissionError
from articles.models import PreviewLink
from articles.services import article_publish, preview_link_create, preview_link_revoke
from tests.helpers.workflow_helpers import article_in, make_cast

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_valid_link_shows_the_unpublished_article_to_someone_without_an_account():
    cast = make_cast()
    article = article_in("in_review", cast, headline="Budget leak inquiry")
    link = preview_link_create(article=article, user=cast["editor"])
    assert link.expires_at - link.created_at == timedelta(hours=48)
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 200
    assert response.context["article"] == article
    assert response.context["noindex"] is True
    assert "Budget leak inquiry" in response.content.decode()
    assert_private(response)
    assert "reader/article_detail.html" in [template.name for template in response.templates]


def test_expired_link_is_refused(time_machine):
    cast = make_cast()
    link = preview_link_create(article=article_in("draft", cast), user=cast["editor"])
    time_machine.move_to(timezone.now() + timedelta(hours=48, seconds=1))
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert_private(response)


def test_tampered_link_is_refused_without_an_error_page():
    cast = make_cast()
    link = preview_link_create(article=article_in("draft", cast), user=cast["editor"])
    key, signature = link.token.split(":")
    for token in (f"{key}x:{signature}", f"{key}:{signature[:-2]}ab", "nonsense", f"{key}"):
        response = Client().get(reverse("reader:preview", kwargs={"token": token}))
        assert response.status_code == 404, token
        assert "not valid" in response.content.decode()


def test_revoked_link_is_refused():
    cast = make_cast()
    link = preview_link_create(article=article_in("draft", cast), user=cast["editor"])
    preview_link_revoke(link=link, user=cast["editor"])
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_link_redirects_to_the_public_page_once_the_article_is_live(time_machine):
    cast = make_cast()
    article = article_in("in_review", cast)
    link = preview_link_create(article=article, user=cast["editor"])
    publish_at = timezone.now() + timedelta(hours=2)
    article_publish(article=article, user=cast["editor"], publish_at=publish_at)
    assert Client().get(link.get_absolute_url()).status_code == 200  # scheduled: still a preview
    time_machine.move_to(publish_at + timedelta(minutes=1))
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_only_editors_create_and_revoke_links():
    cast = make_cast()
    article = article_in("draft", cast)
    with pytest.raises(WorkflowPermissionError):
        preview_link_create(article=article, user=cast["owner"])
    link = preview_link_create(article=article, user=cast["editor"])
    with pytest.raises(WorkflowPermissionError):
        preview_link_revoke(link=link, user=cast["owner"])
    owner = Client()
    owner.force_login(cast["owner"])
    response = owner.post(reverse("admin:articles_article_preview_link", args=[article.pk]))
    assert response.status_code == 403
    assert PreviewLink.objects.count() == 1


def test_editor_creates_and_revokes_a_link_from_the_change_page():
    cast = make_cast()
    article = article_in("draft", cast)
    editor = Client()
    editor.force_login(cast["editor"])
    response = editor.post(reverse("admin:articles_article_preview_link", args=[article.pk]), follow=True)
    link = PreviewLink.objects.get()
    assert f"http://testserver{link.get_absolute_url()}" in response.content.decode()
    editor.post(reverse("admin:articles_article_preview_link_revoke", args=[article.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert not link.is_usable()


def test_staff_preview_shows_drafts_to_those_who_may_open_them():
    cast = make_cast()
    article = article_in("draft", cast, headline="Draft for the desk")
    url = reverse("reader:staff_preview", kwargs={"pk": article.pk})
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    for role, status in (("owner", 200), ("editor", 200), ("other_reporter", 404)):
        client = Client()
        client.force_login(cast[role])
        response = client.get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response.context["noindex"] is True
            assert_private(response)
