"""Work in progress on the desk: autosaved drafts and who has a story open. Readers never see either."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .article import Article

# How long an open change form counts as "open" after its last heartbeat.
EDIT_LEASE_SECONDS = 90


class Autosave(models.Model):
    """One editor's unsaved text of one story, kept by the change form until they save or discard it.

    Never applied to the story by itself: the editor restores it into the form and saves. A live
    story's public page therefore never changes through an autosave.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.JSONField(default=dict, help_text="The form's text fields as the editor left them.")
    based_on_version = models.PositiveIntegerField(help_text="The story's version the editor had open.")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="one_autosave_per_editor")]

    def __str__(self):
        return f"Autosave of {self.article_id} by {self.user_id}"


class EditLeaseQuerySet(models.QuerySet):
    def active(self, at=None):
        """Leases refreshed recently enough to mean the form is still open."""
        return self.filter(expires_at__gt=at or timezone.now())


class EditLease(models.Model):
    """A short-lived note that someone has a story's change form open; shown to others, never blocking."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_leases")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = EditLeaseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="one_edit_lease_per_editor")]
        indexes = [models.Index(fields=["article", "expires_at"], name="edit_lease_active_idx")]

    def __str__(self):
        return f"{self.user_id} editing {self.article_id}"

    @staticmethod
    def expiry(now):
        return now + timedelta(seconds=EDIT_LEASE_SECONDS)
