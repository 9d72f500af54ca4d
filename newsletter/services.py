"""Every write of the newsletter: subscribe, confirm, unsubscribe, erase, and the morning's sending.

Addresses never go into log lines; subscribers are named by their id.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import RegionTag, TopicTag

from . import emails, selectors, tokens
from .exceptions import ConfirmationError
from .models import Delivery, DigestRun, Subscriber

logger = logging.getLogger(__name__)


def subscribe(*, email, region_ids=(), topic_ids=()):
    """Send a confirmation link to `email` for these sections. Nothing else changes until it is followed,
    so the answer is the same whether or not the address is known."""
    with transaction.atomic():
        subscriber = Subscriber.objects.with_address(email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(email=email.strip())
    token = tokens.confirmation_token(subscriber, region_ids, topic_ids)
    emails.confirmation_message(subscriber, token).send()
    logger.info("Newsletter confirmation sent to subscriber %s.", subscriber.pk)
    return subscriber


def confirm(*, token):
    """Confirm the subscription a signed link names, with the sections chosen when it was asked for."""
    try:
        payload = tokens.read_confirmation_token(token)
    except signing.SignatureExpired as error:
        raise ConfirmationError("This confirmation link has expired. Please sign up again.") from error
    except signing.BadSignature as error:
        raise ConfirmationError("This confirmation link is not valid. Please sign up again.") from error
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=payload["s"], key=payload["k"]).first()
        if subscriber is None:
            raise ConfirmationError("This subscription no longer exists. Please sign up again.")
        subscriber.regions.set(RegionTag.objects.filter(pk__in=payload["r"]))
        subscriber.topics.set(TopicTag.objects.filter(pk__in=payload["t"]))
        if subscriber.status != Subscriber.Status.CONFIRMED:
            subscriber.status = Subscriber.Status.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
    logger.info("Newsletter subscriber %s confirmed.", subscriber.pk)
    return subscriber


def unsubscribe(*, key):
    """Remove the subscriber whose unsubscribe link this is, address and all. True if there was one."""
    deleted, _ = Subscriber.objects.filter(key=key).delete()
    if deleted:
        logger.info("A newsletter subscriber unsubscribed.")
    return bool(deleted)


def export(*, email):
    """Everything kept about an address, as a dict (None if it is unknown)."""
    subscriber = Subscriber.objects.with_address(email).prefetch_related("regions", "topics").first()
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "regions": [tag.name for tag in subscriber.regions.all()],
        "topics": [tag.name for tag in subscriber.topics.all()],
        "digests": [
            {"edition": delivery.run.edition.isoformat(), "status": delivery.status, "stories": delivery.stories}
            for delivery in subscriber.deliveries.select_related("run").order_by("run__edition")
        ],
    }


def erase(*, email):
    """Delete an address and everything kept about it. True if it was known."""
    deleted, _ = Subscriber.objects.with_address(email).delete()
    return bool(deleted)


def purge_unconfirmed(*, now):
    """Forget addresses that never confirmed within the link's lifetime (and a day's grace)."""
    cutoff = now - timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS + 24)
    deleted, _ = Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff).delete()
    return deleted


def edition_for(now):
    """Today's date in the newsroom's time zone."""
    return timezone.localtime(now).date()


def start_run(*, edition, now):
    """The run of this edition: created on the first call of the day (its window fixed then), found after."""
    with transaction.atomic():
        run = DigestRun.objects.select_for_update().filter(edition=edition).first()
        if run is not None:
            return run, False
        previous = DigestRun.objects.filter(edition__lt=edition).order_by("-edition").first()
        # Each digest starts where the last one ended, so no story is missed or sent twice; after a gap of
        # more than two days, the last 24 hours.
        window_end = now
        default_start = window_end - timedelta(hours=24)
        recent = previous is not None and previous.window_end >= window_end - timedelta(days=2)
        window_start = previous.window_end if recent else default_start
        return DigestRun.objects.create(edition=edition, window_start=window_start, window_end=window_end), True


# Errors that mean the mail server refused the message (it answered with an error), as opposed to a connection
# cut off part-way, after which it may or may not have accepted it.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPResponseException)


def _claim(run, subscriber, status, stories):
    """Record this subscriber's delivery before anything is sent; None if another process recorded it first."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(run=run, subscriber=subscriber, status=status, stories=stories)
    except IntegrityError:
        return None


def send_digest(*, now=None, edition=None, connection=None):
    """Send today's digest to every confirmed subscriber who has not had it; safe to run again at any point.

    Returns a summary dict. Each delivery is recorded before its message goes to the mail server and marked
    sent after: a crash or a connection lost in between leaves it "sending", and it is not retried (never two
    copies). A mail server that refuses a message raises, with nothing recorded for that subscriber; run
    again to resume.
    """
    now = now or timezone.now()
    edition = edition or edition_for(now)
    purged = purge_unconfirmed(now=now)
    run, created = start_run(edition=edition, now=now)
    summary = {"edition": edition, "created": created, "sent": 0, "nothing": 0, "uncertain": 0, "purged": purged}
    if run.finished_at is not None:
        summary["already_finished"] = True
        return summary
    summary["uncertain"] = run.deliveries.filter(status=Delivery.Status.SENDING).count()
    stories, sections = selectors.stories_between(run.window_start, run.window_end, now)
    connection = connection or get_connection()
    pending = (
        Subscriber.objects.confirmed().exclude(deliveries__run=run).prefetch_related("regions", "topics").order_by("pk")
    )
    with connection:
        for subscriber in pending.iterator(chunk_size=500):
            chosen = {("region", tag.pk) for tag in subscriber.regions.all()} | {
                ("topic", tag.pk) for tag in subscriber.topics.all()
            }
            theirs = selectors.stories_for(chosen, stories, sections)
            status = Delivery.Status.SENDING if theirs else Delivery.Status.NOTHING
            delivery = _claim(run, subscriber, status, len(theirs))
            if delivery is None:
                continue  # another run of the command, started at the same time, has this subscriber
            if not theirs:
                summary["nothing"] += 1
                continue
            try:
                emails.digest_message(subscriber, run, theirs, connection=connection).send()
            except REFUSED:
                # The mail server said no: nothing was handed over, so the next run may send it.
                delivery.delete()
                logger.warning("The digest of %s was refused for subscriber %s.", edition, subscriber.pk)
                raise
            except Exception:
                # Cut off mid-way: the message may have been handed over, so it stays "sending", never resent.
                logger.warning("Sending the digest of %s to subscriber %s was interrupted.", edition, subscriber.pk)
                raise
            delivery.status = Delivery.Status.SENT
            delivery.save(update_fields=["status", "updated_at"])
            summary["sent"] += 1
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return summary
