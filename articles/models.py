import secrets
from datetime import timedelta

import reversion
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from . import cache as page_cache
from . import images, text, validators
from .images import CleanImageField
from .sanitizer import sanitize_html

HEADLINE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 120


class Author(models.Model):
    """A byline: a person who writes for the outlet, with or without an account."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=140,
        unique=True,
        help_text="Used in the author page address, /author/<slug>/. Filled from the name if left blank.",
    )
    title = models.CharField(
        "role or title",
        max_length=120,
        blank=True,
        help_text="Shown under the byline, e.g. “Westminster correspondent”.",
    )
    bio = models.TextField(blank=True, help_text="A few sentences shown on the author page.")
    photo = CleanImageField(
        upload_to="authors/%Y/",
        blank=True,
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB. Location and camera details are removed on upload.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The login account of this author, if they have one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = text.normalize_name(self.name)
        if not self.slug:
            self.slug = unique_slug(Author, self.name, fallback_prefix="author")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def clean(self):
        errors = validators.nul_byte_errors(self)
        for field, what in (("name", "name"), ("title", "role or title")):
            if problems := validators.name_problems(getattr(self, field), what=what):
                errors.setdefault(field, problems)
        self.name = text.normalize_name(self.name)
        if self.name and not any(character.isalnum() for character in self.name):
            errors.setdefault("name", "A name needs at least one letter or digit.")
        if problem := validators.slug_problem(self.slug):
            errors.setdefault("slug", problem)
        validators.raise_if(errors)


class VocabularyTag(TagBase):
    """A tag in one of the two vocabularies, with a description for its section page.

    Names are normalised (NFC, trimmed, no invisible characters) and unique
    regardless of case; slugs are ASCII and never empty.
    """

    description = models.TextField(blank=True, help_text="Introduces the section page for this tag.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def clean(self):
        problems = validators.name_problems(self.name, what="tag name")
        self.name = text.normalize_name(self.name)
        if not problems and not any(character.isalnum() for character in self.name):
            problems.append("A tag name needs at least one letter or digit.")
        if not problems:
            clash = type(self).objects.filter(name__iexact=self.name).exclude(pk=self.pk).first()
            if clash:
                problems.append(f"There is already a {self._meta.verbose_name} called “{clash.name}”; use that one.")
        if problems:
            raise ValidationError({"name": problems})

    def save(self, *args, **kwargs):
        self.name = text.normalize_name(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = text.ascii_slug(tag, max_length=90, fallback_prefix="tag")
        return slug if i is None else f"{slug}-{i + 1}"


class RegionTag(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = "region"
        constraints = [models.UniqueConstraint(Lower("name"), name="region_name_case_insensitive")]

    def get_absolute_url(self):
        return reverse("articles:region", kwargs={"slug": self.slug})


class TopicTag(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = "topic"
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_case_insensitive")]

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


class NormalizingTagManager(_TaggableManager):
    """Normalise tag names given as strings before taggit looks them up."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        normalized = []
        for tag in tags:
            if isinstance(tag, str):
                tag = text.normalize_name(tag)
                if not tag:
                    continue
            normalized.append(tag)
        return super()._to_tag_model_instances(normalized, tag_kwargs)


class VocabularyManager(TaggableManager):
    """Tag manager whose form box checks every name it is given."""

    def formfield(self, form_class=validators.VocabularyTagField, **kwargs):
        return super().formfield(form_class=form_class, **kwargs)


class TaggedRegion(ItemBase):
    tag = models.ForeignKey(RegionTag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_region")]
        # A section page walks one tag's articles: the tag first, covering the join.
        indexes = [models.Index(fields=["tag", "content_object"], name="region_tag_article_idx")]


class TaggedTopic(ItemBase):
    tag = models.ForeignKey(TopicTag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic")]
        indexes = [models.Index(fields=["tag", "content_object"], name="topic_tag_article_idx")]


class PromoFooterQuerySet(models.QuerySet):
    def active(self, at=None):
        """Footers whose optional active window contains `at` (default: now)."""
        at = at or timezone.now()
        return self.filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at)).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at)
        )

    def site_default(self, at=None):
        """The active site default footer; for now, looked up once per content generation."""
        if at is None:
            return page_cache.per_generation("site-default-footer", lambda: self._site_default(timezone.now()))
        return self._site_default(at)

    def _site_default(self, at):
        return self.active(at).filter(is_default=True).select_related("teaser_article").first()

    def next_window_change(self, at):
        """The first moment after `at` when a footer's active window opens or closes, or None."""
        moments = self.aggregate(
            starts=Min("starts_at", filter=Q(starts_at__gt=at)), ends=Min("ends_at", filter=Q(ends_at__gt=at))
        )
        return min((moment for moment in moments.values() if moment is not None), default=None)


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


# The columns the desk's article list reads (state badge, times, last editor).
DESK_LIST_FIELDS = ["headline", "status", "publish_at", "embargo_ends_at", "updated_by"]


class ArticleQuerySet(models.QuerySet):
    def live(self, at=None):
        """The one definition of what readers may see.

        Published, its publish time reached and any embargo lifted. Scheduling
        needs no worker: a scheduled article simply starts matching.
        """
        at = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=at).filter(
            Q(embargo_ends_at__isnull=True) | Q(embargo_ends_at__lte=at)
        )

    def next_live_change(self, at):
        """The first moment after `at` when `live()` starts matching another article, or None.

        A published article goes live when both its publish time and its
        embargo have passed, so the candidates are those times still ahead.
        """
        moments = self.filter(status=Article.Status.PUBLISHED).aggregate(
            publish=Min("publish_at", filter=Q(publish_at__gt=at)),
            embargo=Min("embargo_ends_at", filter=Q(embargo_ends_at__gt=at)),
        )
        return min((moment for moment in moments.values() if moment is not None), default=None)

    def with_listing_related(self):
        """Bylines (with their authors), regions and topics in three queries, whatever the list length."""
        return self.prefetch_related(
            models.Prefetch("byline_set", queryset=Byline.objects.select_related("author")), "regions", "topics"
        )

    def for_listing(self):
        """What a list of teasers shows: everything but the body, with `with_listing_related()`."""
        return self.defer("body").with_listing_related()

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

    # Bulk writes send no post_save signal: invalidate reader pages here instead.
    def update(self, **kwargs):
        page_cache.content_changed(using=self.db)
        return super().update(**kwargs)

    def bulk_create(self, *args, **kwargs):
        page_cache.content_changed(using=self.db)
        return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        page_cache.content_changed(using=self.db)
        return super().bulk_update(*args, **kwargs)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

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
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Underline": True,
                "Strike": True,
                "Subscript": True,
                "Superscript": True,
                "Heading": {"levels": [2, 3, 4]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "HorizontalRule": True,
                "HardBreak": True,
                "Link": {"protocols": ["http", "https", "mailto"], "enableTarget": True},
                "History": True,
            }
        },
        help_text="Cleaned on every save: scripts, styles and unsafe links are removed.",
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
        indexes = [
            # Everything `live()` filters on and the listing order, so lists and
            # counts of live articles are read from the index alone, never the rows.
            models.Index(fields=["status", "-publish_at", "-id", "embargo_ends_at"], name="article_live_order_idx"),
            # The desk lists every state in the default order: read newest first from here, then stop.
            models.Index(fields=["-publish_at", "-id"], name="article_desk_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["wire_checksum"], condition=~Q(wire_checksum=""), name="unique_wire_copy"),
        ]
        permissions = [
            ("edit_any_article", "Can edit articles written by anyone"),
            ("review_article", "Can send articles in review back with changes requested"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("share_preview", "Can create and revoke shareable preview links"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.headline = text.normalize_name(self.headline)
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, fallback_prefix="article", exclude_pk=self.pk)
        self.excerpt = text.excerpt(self.standfirst or self.body)
        self.reading_minutes = text.reading_minutes(self.body)
        hero_changed = images.hero_image_changed(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if hero_changed:
            images.refresh_hero_renditions(self)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # Remembered so that save() knows when the hero image changed (None: not loaded).
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
        if (
            self.publish_at
            and self.embargo_ends_at
            and self.embargo_ends_at <= self.publish_at
            and not errors.get("embargo_ends_at")
        ):
            errors["embargo_ends_at"] = (
                "The embargo ends before the article is due to go live, so it would hold nothing back. "
                "Clear it or choose a later time."
            )
        if self.pk and self.first_published_at:
            stored_slug = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if stored_slug and self.slug != stored_slug:
                errors["slug"] = "The address of a published article cannot change: links to it would break."
        if self.hero_image and not self.hero_alt:
            errors.setdefault("hero_alt", "Describe the hero image for readers who cannot see it.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self):
        """Instance twin of `ArticleQuerySet.live()`."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.embargo_ends_at is None or self.embargo_ends_at <= now)
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_live

    @property
    def desk_state(self):
        """The state editors see: a published article is "scheduled" until it is live."""
        if self.status == self.Status.PUBLISHED:
            return "live" if self.is_live else "scheduled"
        return self.status

    @property
    def region_items(self):
        """Tag rows followed by revisions, so a restored version brings its regions back."""
        return TaggedRegion.objects.filter(content_object=self)

    @property
    def topic_items(self):
        return TaggedTopic.objects.filter(content_object=self)

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

    @property
    def authors(self):
        """Byline authors in byline order (prefetch `byline_set__author` for lists)."""
        return [byline.author for byline in self.byline_set.all()]

    def footer(self):
        """The footer shown under this article: its own while active, else the site default."""
        if self.promo_footer_id and self.promo_footer.is_active():
            return self.promo_footer
        return PromoFooter.objects.site_default()


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


def unique_slug(model, value, *, fallback_prefix, exclude_pk=None):
    """A slug for value that no other row of model uses yet ("x", "x-2", "x-3"…)."""
    max_length = model._meta.get_field("slug").max_length - 6
    base = text.ascii_slug(value, max_length=max_length, fallback_prefix=fallback_prefix)
    taken = set(
        model._default_manager.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


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

    def __str__(self):
        return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"


PREVIEW_LINK_SALT = "articles.preview-link"
PREVIEW_LINK_HOURS = 48


def new_preview_key():
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Links that still open: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class PreviewLink(models.Model):
    """A signed, expiring, revocable link that shows an unpublished article to someone without an account."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    key = models.CharField(max_length=64, unique=True, default=new_preview_key, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Preview of {self.article}"

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

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
        return self.revoked_at is None and self.expires_at > at


# Every saved version keeps the article with its bylines and tags; the promo
# footer and hero image are fields of the article row itself. Corrections and
# transitions are a log, not content, so restoring a version never touches them.
ARTICLE_VERSION_FOLLOWS = ["byline_set", "region_items", "topic_items"]
reversion.register(Article, follow=ARTICLE_VERSION_FOLLOWS)
reversion.register(Byline)
reversion.register(TaggedRegion)
reversion.register(TaggedTopic)
