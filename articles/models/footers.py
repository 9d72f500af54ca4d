"""Promo footers: the outlet's tagline and a teaser for another story, shown under articles."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .. import validators

HEADLINE_MAX_LENGTH = 200


class PromoFooterQuerySet(models.QuerySet):
    def active(self, at=None):
        """Footers whose optional active window contains `at` (default: now)."""
        at = at or timezone.now()
        return self.filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at)).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at)
        )

    def site_default(self, at=None):
        """The site default footer, if one is active at `at` (default: now)."""
        return self.active(at).filter(is_default=True).select_related("teaser_article").first()

    def next_window_changes(self, at):
        """The first moment after `at` when a footer's active window opens, and when one closes: each a query of
        at most one row, for a schedule to read with others."""
        return [self.filter(**{f"{name}__gt": at}).order_by(name).values(name)[:1] for name in ("starts_at", "ends_at")]


class PromoFooter(models.Model):
    """A reusable block under articles: the site tagline and a teaser for another story."""

    name = models.CharField(max_length=120, help_text="For editors only, e.g. “Danish Christmas teaser”.")
    tagline = models.TextField(help_text="The outlet's tagline, shown before the teaser.")
    teaser_article = models.ForeignKey(
        "Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Tease one of our own stories: its headline is shown, and only while it is live.",
    )
    teaser_text = models.CharField(
        max_length=HEADLINE_MAX_LENGTH, blank=True, help_text="Or a custom teaser text, used when no article is chosen."
    )
    teaser_url = models.URLField(blank=True, help_text="Where the custom teaser text links to (optional).")
    is_default = models.BooleanField(
        "site default",
        default=False,
        help_text="Shown under every article that has no footer of its own. Only one footer can be the default.",
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Not shown before this time (optional).")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Not shown from this time on (optional).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PromoFooterQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="single_default_footer"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="footer_window_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        for field, what in (("starts_at", "start of the active window"), ("ends_at", "end of the active window")):
            if problem := validators.datetime_problem(getattr(self, field), what=what):
                errors[field] = problem
        if self.teaser_article_id and self.teaser_text:
            errors["teaser_text"] = "Choose either an article to tease or a custom text, not both."
        if self.teaser_url and not self.teaser_text:
            errors["teaser_text"] = "A teaser link needs a text to show."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end of the active window must come after its start."
        if self.is_default:
            others = PromoFooter.objects.filter(is_default=True).exclude(pk=self.pk)
            if others.exists():
                errors["is_default"] = f"“{others.first()}” is already the site default; untick it there first."
        if errors:
            raise ValidationError(errors)

    def is_active(self, at=None):
        at = at or timezone.now()
        return (self.starts_at is None or self.starts_at <= at) and (self.ends_at is None or self.ends_at > at)

    def teaser(self, *, exclude=None):
        """The teaser as (text, url), or None when there is nothing public to show.

        A teaser for one of our own articles is shown only while that article is
        live, and never under the very article it teases.
        """
        if self.teaser_article_id:
            target = self.teaser_article
            if target is None or not target.is_live or target == exclude:
                return None
            return target.headline, target.get_absolute_url()
        if self.teaser_text:
            return self.teaser_text, self.teaser_url
        return None
