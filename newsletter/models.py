"""Subscribers to the daily digest, and the record of each morning's sending.

A subscriber's address is personal data: it is kept only here, never logged
(log lines name the subscriber's id), never in site backups (articles/backup.py
dumps the newsroom's apps only), and leaves with `newsletter_export` or goes for
good with `newsletter_erase`.
"""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from articles.models import RegionTag, TopicTag


def new_key():
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def with_address(self, email):
        return self.filter(email__iexact=email.strip())


class Subscriber(models.Model):
    """One address that asked for the digest; it gets mail only once it confirmed (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirmation"
        CONFIRMED = "confirmed", "confirmed"

    email = models.EmailField("email address", max_length=254)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    # The secret in the subscriber's unsubscribe link; a new one is drawn at each confirmation.
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    regions = models.ManyToManyField(
        RegionTag, blank=True, related_name="+", help_text="Stories in these regions (and the regions within them)."
    )
    topics = models.ManyToManyField(TopicTag, blank=True, related_name="+", help_text="Stories on these topics.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="unique_subscriber_email")]

    def __str__(self):
        return f"subscriber {self.pk}"

    def get_unsubscribe_url(self):
        return reverse("newsletter:unsubscribe", kwargs={"key": self.key})

    @property
    def has_sections(self):
        return bool(self.regions.all() or self.topics.all())


class DigestRun(models.Model):
    """One morning's digest: the stories that went live in [window_start, window_end), sent once to each subscriber.

    `send_digest` creates it on its first run of the day and resumes it after a crash.
    """

    edition = models.DateField(unique=True, help_text="The day this digest is for, in the newsroom's time zone.")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-edition"]

    def __str__(self):
        return f"digest of {self.edition}"


class Delivery(models.Model):
    """One subscriber's copy of one digest. Written before the message is handed to the mail server and marked
    sent after, so that a crash in between is never followed by a second copy."""

    class Status(models.TextChoices):
        SENDING = "sending", "handed to the mail server, not confirmed"
        SENT = "sent", "sent"
        NOTHING = "nothing", "no stories in the subscriber's sections"

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.SENDING)
    stories = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "subscriber"], name="one_delivery_per_digest")]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.run} to subscriber {self.subscriber_id}: {self.status}"
