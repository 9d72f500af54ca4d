"""Articles, their bylines, and the one rule for what readers may see."""

import functools
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.functional import cached_property
from django_prose_editor.fields import ProseEditorField

from .. import text, validators
from ..images import CleanImageField
from ..sanitizer import sanitize_html
from ..signals import announce, written_in_bulk
from ..slugs import slug_url, unique_slug
from .body import BODY_EDITOR_CONFIG
from .footers import HEADLINE_MAX_LENGTH, PromoFooter
from .library import LibraryImage
from .live import LIVE
from .people import Author
from .tags import NormalizingTagManager, RegionTag, TaggedRegion, TaggedTopic, TopicTag, VocabularyManager

SLUG_MAX_LENGTH = 120


class SanitizedHTMLField(ProseEditorField):
    """Rich text edited with the prose editor and sanitised on every save.

    The form sanitises what the editor sends; `pre_save` sanitises again so
    that writes from services, imports and the shell are cleaned too.
    """

    def __init__(self, *args, **kwargs):
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


# The columns a story card reads: its text, image, public time and labels, and what `is_live` reads.
CARD_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "excerpt",
    "hero_image",
    "hero_alt",
    "hero_renditions",
    "listing_labels",
    "status",
    "publish_at",
    "embargo_ends_at",
]

# The columns the desk's article list reads (state badge, times, last editor).
DESK_LIST_FIELDS = ["headline", "status", "publish_at", "embargo_ends_at", "updated_by", "updated_at"]


class ArticleQuerySet(models.QuerySet):
    def live(self, at=None):
        """What readers may see: published, its publish time reached and any embargo lifted (see `LiveRule`)."""
        return self.filter(LIVE.q(at or timezone.now()))

    def with_listing_related(self):
        """Bylines (with their authors), regions and topics in three queries, whatever the list length."""
        return self.prefetch_related(
            models.Prefetch("byline_set", queryset=Byline.objects.select_related("author")), "regions", "topics"
        )

    def for_desk_list(self):
        """What the desk's article list shows: a few columns, the last editor, and bylines, regions and
        topics as plain lists (`desk_bylines`, `desk_regions`, `desk_topics`) in three queries.

        Plain lists, not prefetched managers: a manager per row builds a queryset per row, which
        costs more than the queries themselves on a 100-row page.
        """
        return (
            self.only(*DESK_LIST_FIELDS)
            .select_related("updated_by")
            .prefetch_related(
                models.Prefetch("byline_set", queryset=Byline.objects.select_related("author"), to_attr="desk_bylines"),
                models.Prefetch("regions", to_attr="desk_regions"),
                models.Prefetch("topics", to_attr="desk_topics"),
            )
        )

    # Bulk writes send no post_save signal: announce them, and move the stories on their lists, here instead.
    def update(self, **kwargs):
        moved = list(self.values_list("pk", flat=True)) if set(LIVE.fields) & kwargs.keys() else []
        announce(self.model, using=self.db)
        count = super().update(**kwargs)
        written_in_bulk.send(self.model, article_ids=moved, using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        announce(self.model, using=self.db)
        created = super().bulk_create(objs, *args, **kwargs)
        written_in_bulk.send(
            self.model, article_ids=[article.pk for article in created if article.pk is not None], using=self.db
        )
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        announce(self.model, using=self.db)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        moved = [article.pk for article in objs] if set(LIVE.fields) & set(fields) else []
        written_in_bulk.send(self.model, article_ids=moved, using=self.db)
        return count


class Label(NamedTuple):
    """An author, region or topic as a card or page shows it: a name and a link, no model instance."""

    name: str
    slug: str
    model: type

    def get_absolute_url(self):
        return _url_of(self.model, self.slug, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def public_at(story):
    """The time readers are shown of a story (an article, or a row with LIVE.fields): when it went (or goes)
    live, so an embargo's end when one held it back."""
    return LIVE.moment(story) or story.publish_at


LABELLED_MODELS = {"authors": Author, "regions": RegionTag, "topics": TopicTag}


def shown_labels(listing_labels, name):
    """The authors, regions or topics (name) of a story's stored `listing_labels`, as Labels."""
    return [Label(label, slug, LABELLED_MODELS[name]) for label, slug in listing_labels.get(name, ())]


@functools.lru_cache(maxsize=4096)
def _url_of(model, slug, urlconf, script_prefix):
    # A card shows the same few sections over and over; the URLconf and prefix are part of the key.
    return model(slug=slug).get_absolute_url()


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        # Withdrawn for good (a legal request): its address answers 410 Gone; only an admin reinstates it.
        TAKEN_DOWN = "taken_down", "Taken down"

    headline = models.CharField(max_length=HEADLINE_MAX_LENGTH)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        help_text="The article's address. Made from the headline; it cannot change once the article has been published.",
    )
    standfirst = models.TextField(
        max_length=600, blank=True, help_text="One or two sentences under the headline that sum up the story."
    )
    body = SanitizedHTMLField(
        blank=True,
        config=BODY_EDITOR_CONFIG,
        help_text="Cleaned on every save: scripts, styles and unsafe links are removed. Drop or paste a picture to "
        "add it to the image library and the text; paste a YouTube, X, Instagram, … address to embed it.",
    )
    bylines = models.ManyToManyField(Author, through="Byline", related_name="articles")
    source_attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the story comes from, e.g. “citing Bloomberg and diplomatic sources”.",
    )
    hero_image = CleanImageField(
        upload_to="heroes/%Y/%m/",
        blank=True,
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. Location and camera details are removed "
        "on upload, and sizes for phones to large screens are made from it.",
    )
    hero_caption = models.CharField(max_length=300, blank=True)
    hero_credit = models.CharField(
        max_length=200, blank=True, help_text="Photographer or agency; required to publish with an image."
    )
    hero_alt = models.CharField(
        "hero alt text",
        max_length=300,
        blank=True,
        help_text="Describes the image for readers who cannot see it; required to publish with an image.",
    )
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    hero = models.ForeignKey(
        LibraryImage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hero_of",
        verbose_name="hero image from the library",
        help_text="Pick an image from the library, or upload a new one below (it joins the library).",
    )
    # The library images the body shows, resolved on save (`articles.image_library.body_media`): renditions,
    # caption, credit and alt text by image id, so the page renders its figures without a query of its own.
    body_media = models.JSONField(default=dict, blank=True, editable=False)
    images = models.ManyToManyField(LibraryImage, blank=True, related_name="stories", editable=False)
    planned_for = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the desk plans to run this story; shown on the planning calendar. Publishes nothing.",
    )
    # {"authors": [[name, slug], …], "regions": […], "topics": […]}, in the order pages show them; written by
    # `articles.listings` whenever a byline, tag link or a name changes, so a card needs no query of its own.
    listing_labels = models.JSONField(default=dict, blank=True, editable=False)
    regions = VocabularyManager(
        through=TaggedRegion, manager=NormalizingTagManager, blank=True, related_name="articles", verbose_name="regions"
    )
    topics = VocabularyManager(
        through=TaggedTopic, manager=NormalizingTagManager, blank=True, related_name="articles", verbose_name="topics"
    )
    promo_footer = models.ForeignKey(
        PromoFooter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="Leave empty to show the site default footer.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the article goes live. A time in the future schedules it."
    )
    embargo_ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="If set, the article stays hidden everywhere until this time, even when published.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    wire_checksum = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the imported wire copy, so it is never imported twice.",
    )
    excerpt = models.TextField(blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        # The desk's word for an article.
        verbose_name = "story"
        verbose_name_plural = "stories"
        indexes = [
            # Everything `live()` filters on and the listing order, so lists and
            # counts of live articles are read from the index alone, never the rows.
            models.Index(fields=["status", "-publish_at", "-id", "embargo_ends_at"], name="article_live_order_idx"),
            # The desk lists every state in the default order: read newest first from here, then stop.
            models.Index(fields=["-publish_at", "-id"], name="article_desk_order_idx"),
            # The newest edit among live articles (the sitemaps' lastmod): read newest first from here, then stop.
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
            # The desk's list opens on the last changed first: read from here, then stop.
            models.Index(fields=["-updated_at", "-id"], name="article_desk_changed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["wire_checksum"], condition=~Q(wire_checksum=""), name="unique_wire_copy"),
        ]
        permissions = [
            ("edit_any_article", "Can edit articles written by anyone"),
            ("review_article", "Can send articles in review back with changes requested"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("share_preview", "Can create and revoke shareable preview links"),
            ("take_down_article", "Can take a story down: its address answers 410 Gone"),
            ("reinstate_article", "Can reinstate a story that was taken down"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.headline = text.normalize_name(self.headline)
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, fallback_prefix="article", exclude_pk=self.pk)
        self.excerpt = text.excerpt(self.standfirst or self.body)
        self.reading_minutes = text.reading_minutes(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("reader:detail", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # Remembered so that the save service knows when the hero image changed (None: not loaded).
        article._stored_hero_image = article.__dict__.get("hero_image")
        return article

    def clean(self):
        errors = validators.nul_byte_errors(self)
        typed_headline = self.headline
        self.headline = text.normalize_name(self.headline)
        if typed_headline and not self.headline:
            errors.setdefault("headline", "A headline is required; spaces and invisible characters alone do not count.")
        elif self.headline and not any(character.isalnum() for character in self.headline):
            errors.setdefault("headline", "A headline needs at least one letter or digit.")
        if problem := validators.slug_problem(self.slug):
            errors.setdefault("slug", problem)
        if len(self.body or "") > validators.MAX_BODY_CHARACTERS:
            errors["body"] = (
                f"The text is longer than {validators.MAX_BODY_CHARACTERS:,} characters; split it into a series."
            )
        for field, what in (("publish_at", "publish time"), ("embargo_ends_at", "embargo end")):
            if problem := validators.datetime_problem(getattr(self, field), what=what):
                errors[field] = problem
        if not errors.get("embargo_ends_at") and (
            problem := self.embargo_problem(self.publish_at, self.embargo_ends_at)
        ):
            errors["embargo_ends_at"] = problem
        if self.pk and self.address_is_fixed:
            stored_slug = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if stored_slug and self.slug != stored_slug:
                errors["slug"] = "The address of a published article cannot change: links to it would break."
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def embargo_problem(publish_at, embargo_ends_at):
        """Why an embargo cannot go with this publish time, or None: one that ends first holds nothing back."""
        if publish_at and embargo_ends_at and embargo_ends_at <= publish_at:
            return (
                "The embargo ends before the article is due to go live, so it would hold nothing back. "
                "Clear it or choose a later time."
            )
        return None

    @property
    def address_is_fixed(self):
        """Whether the slug may no longer change: the story has been published, even if it carries no first
        publication time (a row imported or loaded as published)."""
        return self.first_published_at is not None or self.status not in {self.Status.DRAFT, self.Status.IN_REVIEW}

    @property
    def is_live(self):
        """Instance twin of `ArticleQuerySet.live()`."""
        return LIVE.holds(self, timezone.now())

    @property
    def public_at(self):
        return public_at(self)

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_live

    @property
    def desk_state(self):
        """The state editors see: a published article is "scheduled" until it is live."""
        if self.status == self.Status.PUBLISHED:
            return "live" if self.is_live else "scheduled"
        return self.status

    # What each version holds (`ARTICLE_VERSION_FOLLOWS`), read with what it names each row by: one query, not two a row.
    byline_items = property(lambda self: self.byline_set.select_related("author"))
    region_items = property(lambda self: self._tag_rows(TaggedRegion))
    topic_items = property(lambda self: self._tag_rows(TaggedTopic))

    def _tag_rows(self, through):
        return through.objects.filter(content_object=self).select_related("tag", "content_object")

    def missing_for_publication(self):
        """Everything still missing before review or publication, in plain words (empty when ready)."""
        missing = []
        if not self.headline.strip():
            missing.append("a headline")
        if not self.standfirst.strip():
            missing.append("a standfirst")
        if not text.html_to_text(self.body).strip():
            missing.append("body text")
        if self.pk is None or not self.regions.exists():
            missing.append("at least one region")
        if self.pk is None or not self.topics.exists():
            missing.append("at least one topic")
        if self.pk is None or not self.byline_set.exists():
            missing.append("at least one byline")
        if self.hero_image:
            if not self.hero_alt.strip():
                missing.append("alt text for the hero image")
            if not self.hero_credit.strip():
                missing.append("a credit for the hero image")
        return missing

    @cached_property
    def shown_corrections(self):
        """The corrections and updates readers see, oldest first (the reader's page read sets them)."""
        return list(self.corrections.all())

    @property
    def shown_authors(self):
        """Byline authors as pages show them (name and link), from `listing_labels`, without a query."""
        return shown_labels(self.listing_labels, "authors")

    @property
    def shown_regions(self):
        """Regions by name as pages show them, from `listing_labels`."""
        return shown_labels(self.listing_labels, "regions")

    @property
    def shown_topics(self):
        return shown_labels(self.listing_labels, "topics")

    @property
    def authors(self):
        """Byline authors in byline order (prefetch `byline_set__author` for lists)."""
        return [byline.author for byline in self.byline_set.all()]

    def footer(self, *, site_default=None):
        """The footer shown under this article: its own while active, else the site default.

        site_default, if given, is called instead of looking the default up (e.g. a remembered copy).
        """
        if self.promo_footer_id and self.promo_footer.is_active():
            return self.promo_footer
        return (site_default or PromoFooter.objects.site_default)()


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_byline")]
        indexes = [models.Index(fields=["author", "article"], name="byline_author_article_idx")]

    def __str__(self):
        return f"{self.author} on {self.article}"
