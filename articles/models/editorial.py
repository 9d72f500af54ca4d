"""The editorial record around an article: public corrections, the workflow log, preview links."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .article import Article


class Correction(models.Model):
    """A public note on a live article: a correction, clarification or update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="Shown to readers at the foot of the article, in plain words.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"


class ArticleTransition(models.Model):
    """One state change of an article: who, when, from, to and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="The publish time set by this transition, when it set one."
    )
    comment = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        # An article's latest step (its review state, see `articles.selectors`) is read from here, with no sort.
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="transition_latest_idx")]

    def __str__(self):
        return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"


PREVIEW_LINK_SALT = "articles.preview-link"
# The states a shareable link may show a story in: not yet seen by readers, or published (a live story's link
# leads to its page). A withdrawn story (unpublished, taken down) is shown by none.
PREVIEWABLE_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.PUBLISHED})
PREVIEW_LINK_HOURS = 48


def new_preview_key():
    return secrets.token_urlsafe(24)


class PreviewLink(models.Model):
    """A signed, expiring, revocable link that shows an unpublished article to someone without an account."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    key = models.CharField(max_length=64, unique=True, default=new_preview_key, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Preview of {self.article}"

    def get_absolute_url(self):
        return reverse("reader:preview", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.Signer(salt=PREVIEW_LINK_SALT).sign(self.key)

    @staticmethod
    def key_from_token(token):
        """The key inside a token; raises signing.BadSignature when the token was altered."""
        return signing.Signer(salt=PREVIEW_LINK_SALT).unsign(token)

    @staticmethod
    def default_expiry(at=None):
        return (at or timezone.now()) + timedelta(hours=PREVIEW_LINK_HOURS)

    def is_usable(self, at=None):
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at and not self.story_withdrawn

    @property
    def story_withdrawn(self):
        """The one rule for a link whatever its expiry: once the newsroom withdraws the story (unpublished, taken
        down, or any state not in `PREVIEWABLE_STATUSES`), no link shows it. The workflow also revokes open links
        at those steps (`Transition.revokes_previews`); this covers links from before that, and any new state."""
        return self.article.status not in PREVIEWABLE_STATUSES
