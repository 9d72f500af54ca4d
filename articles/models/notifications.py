"""What the desk tells a person: a story sent back, submitted, published, gone live, or corrected."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .article import Article


class NotificationQuerySet(models.QuerySet):
    def delivered(self, at=None):
        """Notifications whose moment has come: a "went live" one waits for the story's time (no worker needed)."""
        return self.filter(due_at__lte=at or timezone.now())

    def for_user(self, user, at=None):
        """What this person sees in the desk, newest first."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(recipient=user).delivered(at).order_by("-due_at", "-pk")

    def unread(self):
        return self.filter(read_at__isnull=True)

    def pending_email(self, at=None):
        """Due notifications whose email has not gone out yet."""
        return self.delivered(at).filter(emailed_at__isnull=True)


class Notification(models.Model):
    """One message to one person about one story, shown in the desk and sent by email once it is due."""

    class Kind(models.TextChoices):
        SENT_BACK = "sent_back", "Sent back"
        SUBMITTED = "submitted", "Submitted for review"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        WENT_LIVE = "went_live", "Went live"
        CORRECTION = "correction", "Correction added"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notifications")
    note = models.TextField(blank=True, help_text="The comment that came with the step, shown with the notification.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(
        default=timezone.now,
        help_text="Shown and emailed from this moment: the story's live time for a scheduled story.",
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email went out (or was skipped: the person has no address)."
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = "notification"
        indexes = [
            # A person's list and unread count: read newest first from here.
            models.Index(fields=["recipient", "-due_at", "-id"], name="notification_inbox_idx"),
            # Emails still to send: only the few unsent rows are in this index.
            models.Index(fields=["due_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"

    def get_absolute_url(self):
        """The story on the desk."""
        return reverse("admin:articles_article_change", args=[self.article_id])

    @property
    def is_read(self):
        return self.read_at is not None
