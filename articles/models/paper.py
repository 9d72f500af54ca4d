"""What makes the site a paper beyond its stories: breaking-news windows, the outlet's own pages, and how
often each story is read."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from .article import Article, SanitizedHTMLField


class BreakingNewsQuerySet(models.QuerySet):
    def current(self, at):
        """Windows open at `at` (their story may still have to be live: the reader checks)."""
        return self.filter(starts_at__lte=at, ends_at__gt=at)

    def with_live_story(self, at):
        """Windows whose story is live at `at`. Asked per window (EXISTS), so the few open windows drive the
        query instead of the archive's live stories (which a join or `IN` lets the database start from)."""
        return self.filter(Exists(Article.objects.live(at).filter(pk=OuterRef("article_id"))))


class BreakingNews(models.Model):
    """An editor's mark: this story is breaking news from `starts_at` until `ends_at`.

    While the window is open and the story is live, every reader page shows a banner linking to it. It ends by
    itself at `ends_at`: the page cache's schedule (`reader/paper.py`) refreshes the pages then, with no worker.
    """

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="breaking_windows", verbose_name="story"
    )
    headline = models.CharField(
        "banner text",
        max_length=140,
        blank=True,
        help_text="What the banner says; left blank, the story's headline.",
    )
    starts_at = models.DateTimeField(
        "shown from", default=timezone.now, help_text="The banner appears at this time (once the story is live)."
    )
    ends_at = models.DateTimeField(
        "shown until", help_text="The banner disappears from every page at this time, by itself."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "breaking news banner"
        verbose_name_plural = "breaking news banners"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="breaking_ends_after_it_starts")
        ]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="breaking_window_idx")]

    def __str__(self):
        return f"Breaking: {self.banner_text}"

    @property
    def banner_text(self):
        return self.headline or (self.article.headline if self.article_id else "")

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The banner must end after it starts."
        elif self.ends_at and self.ends_at <= timezone.now():
            errors["ends_at"] = "This time has passed: the banner would never show."
        if self.article_id and self.article.status != self.article.Status.PUBLISHED:
            errors["article"] = "Only a published story can be breaking news: publish it first."
        if errors:
            raise ValidationError(errors)


class StaticPage(models.Model):
    """One of the outlet's own pages (About, Contact, …), edited in the desk and served at its own address."""

    class Kind(models.TextChoices):
        ABOUT = "about", "About us"
        CONTACT = "contact", "Contact"
        PRIVACY = "privacy", "Privacy notice"
        CORRECTIONS = "corrections-policy", "Corrections policy"
        ADVERTISE = "advertise", "Advertise"

    kind = models.CharField(
        "page", max_length=20, choices=Kind.choices, unique=True, help_text="Which page this is; it sets the address."
    )
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=200, blank=True, help_text="One sentence, shown to search engines.")
    body = SanitizedHTMLField(
        blank=True,
        config={
            "extensions": {
                **dict.fromkeys(("Bold", "Italic", "Underline", "BulletList", "OrderedList", "ListItem"), True),
                **dict.fromkeys(("Blockquote", "HorizontalRule", "HardBreak", "History"), True),
                "Heading": {"levels": [2, 3]},
                "Link": {"protocols": ["http", "https", "mailto", "tel"], "enableTarget": True},
            }
        },
        help_text="Cleaned on every save: scripts, styles and unsafe links are removed.",
    )
    is_published = models.BooleanField(
        "shown to readers", default=False, help_text="Unticked, the address answers “not found” and no link shows."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = "site page"

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("reader:page", kwargs={"kind": self.kind})


class ArticleReads(models.Model):
    """How many times a story was read in one hour: a count, nothing about who read it."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+", db_index=False)
    hour = models.DateTimeField(help_text="The start of the hour (UTC).")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="one_read_count_per_hour")]
        indexes = [models.Index(fields=["hour"], name="article_reads_hour_idx")]
        verbose_name_plural = "article reads"

    def __str__(self):
        return f"article {self.article_id}, {self.hour:%Y-%m-%d %H}:00: {self.reads}"
