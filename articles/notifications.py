"""Who hears about a workflow step, in the desk and by email. Called by the services, inside their transaction.

Each step writes `Notification` rows; the emails go out after the commit
(`send_due_emails`), so a rolled-back step tells nobody, through Django's email
framework (the console in development, SMTP from the settings in production).

A scheduled story needs no worker: its "went live" notification is written when
it is scheduled, due at its live time, and appears in the desk from then on. Its
email goes out with the next call of `send_due_emails`: the `send_notifications`
command (run it every minute from cron) or the next visit to the desk's
dashboard. Rescheduling or unpublishing drops the one not yet due.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from .models import Article, Notification

logger = logging.getLogger(__name__)

Kind = Notification.Kind
EMAIL_BATCH = 100
# Permission checks for the editors' list need one backend: the throttling backend only refuses sign-ins.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"

SUBJECTS = {
    Kind.SENT_BACK: "Sent back to you: {headline}",
    Kind.SUBMITTED: "Waiting for review: {headline}",
    Kind.PUBLISHED: "Published: {headline}",
    Kind.SCHEDULED: "Scheduled: {headline}",
    Kind.WENT_LIVE: "Now live: {headline}",
    Kind.CORRECTION: "A public note was added to your story: {headline}",
}


def _users():
    return get_user_model().objects.filter(is_active=True)


def story_people(article):
    """The people a story belongs to: who created it and the accounts of its bylines."""
    return _users().filter(Q(pk=article.created_by_id) | Q(author_profile__credits__article=article)).distinct()


def editors():
    """Every active desk account that may review stories."""
    with_perm = get_user_model().objects.with_perm("articles.review_article", backend=PERMISSION_BACKEND)
    return with_perm.filter(is_active=True, is_staff=True)


def _notify(recipients, *, kind, article, actor, note="", due_at=None):
    """Write one notification per person (never to the one who acted) and send the due emails after the commit."""
    now = timezone.now()
    rows = [
        Notification(
            recipient=person, kind=kind, article=article, actor=actor, note=note or "", due_at=due_at or now,
            created_at=now,
        )
        for person in recipients.exclude(pk=getattr(actor, "pk", None)).order_by("pk")
    ]  # fmt: skip
    Notification.objects.bulk_create(rows)
    if rows and (due_at is None or due_at <= now):
        transaction.on_commit(send_due_emails)
    return rows


def story_submitted(*, article, actor, comment=""):
    return _notify(editors(), kind=Kind.SUBMITTED, article=article, actor=actor, note=comment)


def story_sent_back(*, article, actor, comment):
    """To the story's people and whoever submitted it (the latest step into review), with the editor's note."""
    submissions = article.transitions.filter(to_status=Article.Status.IN_REVIEW).order_by("-created_at", "-pk")
    submitter_id = submissions.values_list("user", flat=True).first()
    people = _users().filter(Q(pk__in=story_people(article).values("pk")) | Q(pk=submitter_id))
    return _notify(people, kind=Kind.SENT_BACK, article=article, actor=actor, note=comment)


def story_published(*, article, actor, comment=""):
    """Published now, or scheduled: then a "went live" notification waits for the live time."""
    _drop_pending_went_live(article)
    live_at = max(article.publish_at, article.embargo_ends_at or article.publish_at)
    people = story_people(article)
    if live_at and live_at > timezone.now():
        when = date_format(timezone.localtime(live_at), "j F Y, H:i T")
        note = "\n".join(filter(None, [f"Goes live {when}.", comment]))
        _notify(people, kind=Kind.SCHEDULED, article=article, actor=actor, note=note)
        return _notify(people, kind=Kind.WENT_LIVE, article=article, actor=actor, due_at=live_at)
    return _notify(people, kind=Kind.PUBLISHED, article=article, actor=actor, note=comment)


def story_unpublished(*, article):
    """A story taken down before its time will not go live: nobody is told it did."""
    _drop_pending_went_live(article)


def correction_added(*, correction, actor):
    return _notify(
        story_people(correction.article),
        kind=Kind.CORRECTION,
        article=correction.article,
        actor=actor,
        note=f"{correction.get_kind_display()}: {correction.text}",
    )


def _drop_pending_went_live(article):
    Notification.objects.filter(article=article, kind=Kind.WENT_LIVE, due_at__gt=timezone.now()).delete()


@transaction.atomic
def mark_read(*, user, notification_ids=None) -> int:
    """Mark this person's notifications read (all of them, or those ids); returns how many changed."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True).delivered()
    if notification_ids is not None:
        mine = mine.filter(pk__in=notification_ids)
    return mine.update(read_at=timezone.now())


# Email --------------------------------------------------------------------------------------------------------------


def desk_link(notification):
    # Sent outside any request: SITE_URL, or runserver's address on a developer's machine.
    return f"{settings.SITE_URL or 'http://127.0.0.1:8000'}{notification.get_absolute_url()}"


def email_for(notification):
    article = notification.article
    subject = SUBJECTS[notification.kind].format(headline=article.headline)
    actor = notification.actor.get_username() if notification.actor else "The desk"
    lines = [f"{notification.get_kind_display()} by {actor}: “{article.headline}”."]
    if notification.note:
        lines += ["", notification.note]
    lines += ["", f"Open the story on the desk: {desk_link(notification)}"]
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )


def send_due_emails(at=None) -> int:
    """Email every due notification not yet emailed; returns how many emails went out.

    Each row is claimed before it is sent, so two processes never send the same
    email; a failed send gives the claim back, so a later call tries again.
    People without an email address are marked done with nothing sent.
    """
    at = at or timezone.now()
    due = list(
        Notification.objects.pending_email(at)
        .select_related("article", "actor", "recipient")
        .only("kind", "note", "article__headline", "actor__username", "recipient__email", "due_at")
        .order_by("due_at", "pk")[:EMAIL_BATCH]
    )
    claimed = [n for n in due if Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=at)]
    to_send = [n for n in claimed if n.recipient.email]
    if not to_send:
        return 0
    try:
        sent = get_connection().send_messages([email_for(n) for n in to_send]) or 0
    except Exception:  # An unreachable mail server must not fail the step that was already committed.
        logger.exception("Sending %d notification emails failed; they will be tried again.", len(to_send))
        Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(emailed_at=None)
        return 0
    return sent


def send_due_emails_if_any():
    """The dashboard's check: one indexed look-up when nothing is due."""
    if Notification.objects.pending_email().exists():
        send_due_emails()
