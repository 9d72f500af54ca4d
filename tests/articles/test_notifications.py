"""Notifications: who hears about each workflow step, in the desk and by email, and only after the commit."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import notifications, services
from articles.exceptions import ChecklistError
from articles.models import Article, Notification
from tests.helpers.factories import make_article, make_user
from tests.helpers.smtp import smtp_server
from tests.helpers.workflow_helpers import article_in, client_for, make_cast

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def cast():
    cast = make_cast()
    for role in ("owner", "other_reporter", "editor", "admin"):
        cast[role].email = f"{cast[role].username}@newsroom.test"
        cast[role].save(update_fields=["email"])
    return cast


def already_sent():
    """The set-up's notifications count as emailed (in these tests their commit callbacks never ran)."""
    Notification.objects.update(emailed_at=timezone.now())
    mail.outbox.clear()


def kinds_for(user):
    return list(Notification.objects.for_user(user).values_list("kind", flat=True))


def test_a_submission_tells_every_editor_by_email_after_the_commit(cast, django_capture_on_commit_callbacks):
    article = article_in("draft", cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_submit(article=article, user=cast["owner"], comment="Ready; the council confirmed.")
    assert mail.outbox == []  # Nothing is sent inside the transaction.
    for callback in callbacks:
        callback()
    assert kinds_for(cast["editor"]) == kinds_for(cast["admin"]) == [Kind.SUBMITTED]
    assert kinds_for(cast["owner"]) == kinds_for(cast["other_reporter"]) == []
    assert sorted(message.to[0] for message in mail.outbox) == ["chief@newsroom.test", "editor@newsroom.test"]
    assert mail.outbox[0].subject == f"Waiting for review: {article.headline}"
    assert "Ready; the council confirmed." in mail.outbox[0].body


def test_a_story_sent_back_tells_its_reporter_with_the_editors_note(cast, django_capture_on_commit_callbacks):
    article = article_in("in_review", cast)
    already_sent()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_request_changes(article=article, user=cast["editor"], comment="Needs a second source.")
    (notification,) = Notification.objects.for_user(cast["owner"])
    assert (notification.kind, notification.note, notification.actor) == (
        Kind.SENT_BACK,
        "Needs a second source.",
        cast["editor"],
    )
    assert kinds_for(cast["editor"]) == [Kind.SUBMITTED]  # The editor who acted hears nothing new.
    (email,) = mail.outbox
    assert email.to == ["owner@newsroom.test"]
    assert email.subject == f"Sent back to you: {article.headline}"
    assert "Needs a second source." in email.body
    assert reverse("admin:articles_article_change", args=[article.pk]) in email.body


def test_the_submitter_hears_it_was_sent_back_even_without_a_byline(cast, django_capture_on_commit_callbacks):
    article = article_in("draft", cast)
    services.article_submit(article=article, user=cast["admin"])
    services.article_request_changes(article=article, user=cast["editor"], comment="Shorter, please.")
    assert Kind.SENT_BACK in kinds_for(cast["admin"])
    assert Kind.SENT_BACK in kinds_for(cast["owner"])


def test_publishing_tells_the_bylines(cast, django_capture_on_commit_callbacks):
    article = article_in("in_review", cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article, user=cast["editor"])
    assert kinds_for(cast["owner"]) == [Kind.PUBLISHED]
    assert mail.outbox[-1].subject == f"Published: {article.headline}"


def test_a_scheduled_story_is_announced_when_its_time_comes_with_no_worker(cast, django_capture_on_commit_callbacks):
    article = article_in("in_review", cast)
    already_sent()
    goes_live = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article, user=cast["editor"], publish_at=goes_live)
    assert kinds_for(cast["owner"]) == [Kind.SCHEDULED]
    assert [m.subject for m in mail.outbox] == [f"Scheduled: {article.headline}"]
    assert notifications.send_due_emails() == 0  # Not due yet.

    with time_machine.travel(goes_live + timedelta(minutes=1)):
        assert kinds_for(cast["owner"]) == [Kind.WENT_LIVE, Kind.SCHEDULED]
        call_command("send_notifications")
        assert mail.outbox[-1].subject == f"Now live: {article.headline}"
        assert notifications.send_due_emails() == 0  # Sent once only.
    assert len(mail.outbox) == 2


def test_rescheduling_or_unpublishing_drops_the_pending_went_live(cast):
    article = article_in("in_review", cast)
    first, later = timezone.now() + timedelta(hours=1), timezone.now() + timedelta(hours=5)
    services.article_publish(article=article, user=cast["editor"], publish_at=first)
    services.article_publish(article=article, user=cast["editor"], publish_at=later)
    pending = Notification.objects.filter(article=article, kind=Kind.WENT_LIVE)
    assert list(pending.values_list("due_at", flat=True)) == [later]
    services.article_unpublish(article=article, user=cast["editor"])
    assert not pending.exists()


def test_an_embargo_delays_the_went_live_notification(cast):
    article = article_in("in_review", cast)
    now = timezone.now()
    services.article_publish(
        article=article,
        user=cast["editor"],
        publish_at=now + timedelta(hours=1),
        embargo_ends_at=now + timedelta(hours=4),
    )
    assert Notification.objects.get(kind=Kind.WENT_LIVE).due_at == now + timedelta(hours=4)


def test_a_correction_tells_the_storys_people(cast, django_capture_on_commit_callbacks):
    article = article_in("published", cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_add(article=article, user=cast["editor"], kind="correction", text="The vote was 7–2.")
    latest = Notification.objects.for_user(cast["owner"]).first()
    assert (latest.kind, latest.note) == (Kind.CORRECTION, "Correction: The vote was 7–2.")
    assert "The vote was 7–2." in mail.outbox[-1].body


def test_a_refused_step_tells_nobody(cast, django_capture_on_commit_callbacks):
    article = make_article(user=cast["owner"], authors=[cast["owner_author"]], standfirst="")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ChecklistError):
        services.article_submit(article=article, user=cast["owner"])
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_people_without_an_address_get_the_desk_notification_only(cast, django_capture_on_commit_callbacks):
    cast["owner"].email = ""
    cast["owner"].save(update_fields=["email"])
    article = article_in("in_review", cast)
    already_sent()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_request_changes(article=article, user=cast["editor"], comment="Check the quote.")
    assert kinds_for(cast["owner"]) == [Kind.SENT_BACK]
    assert mail.outbox == []
    assert not Notification.objects.pending_email().exists()


def test_an_unreachable_mail_server_keeps_the_step_and_retries_later(cast, settings, caplog):
    from tests.helpers.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    article = article_in("draft", cast)
    services.article_submit(article=article, user=cast["owner"])
    assert notifications.send_due_emails() == 0
    assert "will be tried again" in caplog.text
    assert Notification.objects.pending_email().count() == 2
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_sent_back_email_arrives_at_a_real_smtp_server(cast, settings, django_capture_on_commit_callbacks):
    article = article_in("in_review", cast)
    already_sent()
    with smtp_server(settings) as inbox:
        with django_capture_on_commit_callbacks(execute=True):
            services.article_request_changes(article=article, user=cast["editor"], comment="Add the council's reply.")
        assert inbox.subjects() == [f"Sent back to you: {article.headline}"]
        assert inbox.messages[0]["to"] == ["owner@newsroom.test"]
        assert "Add the council's reply." in inbox.body_of(0)
    assert not Notification.objects.pending_email().exists()


# The desk: list and marking read ------------------------------------------------------------------------------------


def test_the_list_shows_only_ones_own_notifications_and_marks_them_read(cast):
    article = article_in("in_review", cast)
    services.article_request_changes(article=article, user=cast["editor"], comment="Needs a photo credit.")
    client = client_for(cast["owner"])
    page = client.get(reverse("admin:articles_notification_changelist"))
    assert page.status_code == 200
    assert page.context["unread_count"] == 1
    assert "Needs a photo credit." in page.content.decode()
    editors_page = client_for(cast["editor"]).get(reverse("admin:articles_notification_changelist"))
    assert "Needs a photo credit." not in editors_page.content.decode()

    (notification,) = page.context["notifications"]
    response = client.post(reverse("admin:articles_notification_read"), {"id": notification.pk, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert client.get(reverse("admin:articles_notification_changelist")).context["unread_count"] == 0


def test_mark_read_refuses_odd_input_and_foreign_addresses_without_a_500(cast):
    article_in("in_review", cast)
    client = client_for(cast["editor"])
    url = reverse("admin:articles_notification_read")
    response = client.post(url, {"id": "not-a-number"}, follow=True)
    assert response.status_code == 200
    assert "could not be found" in response.content.decode()
    response = client.post(url, {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("admin:articles_notification_changelist")
    assert client.get(url).status_code == 405
    assert Notification.objects.for_user(cast["editor"]).unread().count() == 0


def test_notifications_have_no_add_change_or_delete_pages(cast):
    client = client_for(make_user("Admin"))
    assert client.get("/admin/articles/notification/add/").status_code == 404
    assert client.get("/admin/articles/notification/1/change/").status_code == 404
