"""The two tag vocabularies, regions and topics, on django-taggit."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from .. import slugs, text, validators


class VocabularyTag(TagBase):
    """A tag in one of the two vocabularies, with a description for its section page.

    Names are normalised (NFC, trimmed, no invisible characters) and unique
    regardless of case in any alphabet (`name_key`); slugs are ASCII and never empty.
    """

    # taggit's slug allows any letters; ours are ASCII, as the reader's addresses are (the admin's slug box follows).
    slug = models.SlugField(
        "slug",
        unique=True,
        max_length=100,
        help_text="The section's address: ASCII letters, digits and dashes (accents are dropped: “zurich-nord”).",
    )
    # The name's case-folded NFC form: what "the same name" means, on every database (SQLite's LOWER() folds ASCII only).
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    description = models.TextField(blank=True, help_text="Introduces the section page for this tag.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def clean(self):
        problems = validators.tag_name_problems(self.name)
        self.name = text.normalize_name(self.name)
        if not problems:
            clash = type(self).objects.filter(name_key=text.name_key(self.name)).exclude(pk=self.pk).first()
            if clash:
                problems.append(f"There is already a {self._meta.verbose_name} called “{clash.name}”; use that one.")
        if problems:
            raise ValidationError({"name": problems})

    def save(self, *args, **kwargs):
        self.name = text.normalize_name(self.name)
        self.name_key = text.name_key(self.name)
        if self.slug and not self.slug.isascii():
            # Written around the form (shell, import): folded to ASCII like a new tag's slug, and kept unique.
            self.slug = slugs.free_slug(type(self), self.slugify(self.slug), exclude_pk=self.pk)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "slug"}
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = text.ascii_slug(tag, max_length=90, fallback_prefix="tag")
        return slug if i is None else f"{slug}-{i + 1}"


class RegionTag(VocabularyTag):
    """A place. Regions form a tree (World › Europe › United Kingdom › London › …): a story tagged with a
    region is listed under it and every region above it (`RegionAncestry`, kept by `articles.regions`)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="part of",
        help_text="The region this one lies in. Its stories are also listed on that region's page and on every "
        "region above it. Leave empty for a top-level region.",
    )

    class Meta(VocabularyTag.Meta):
        verbose_name = "region"
        constraints = [models.UniqueConstraint(Lower("name"), name="region_name_case_insensitive")]

    def clean(self):
        super().clean()
        problem = self.parent_problem()
        if problem:
            raise ValidationError({"parent": problem})

    def get_absolute_url(self):
        return slugs.slug_url("reader:region", self.slug)

    def parent_problem(self):
        """Why the chosen parent cannot be this region's parent (it would make a cycle), or None."""
        if self.parent_id is None or self.pk is None:
            return None
        if self.parent_id == self.pk:
            return "A region cannot be part of itself."
        if RegionAncestry.objects.filter(region_id=self.parent_id, ancestor_id=self.pk).exists():
            return f"“{self.parent}” lies within “{self.name}”; choose a region that is not inside this one."
        return None


class RegionAncestry(models.Model):
    """One region and one region it lies in (itself at depth 0, its parent at 1, …): the tree, stored.

    Derived from `RegionTag.parent` by `articles.regions` whenever a region is created or moved, so that
    listing a region's stories with its descendants' is one index range, never a walk of the tree.
    """

    region = models.ForeignKey(RegionTag, on_delete=models.CASCADE, related_name="ancestry")
    ancestor = models.ForeignKey(RegionTag, on_delete=models.CASCADE, related_name="descendant_links")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "ancestor"], name="unique_region_ancestor")]
        indexes = [models.Index(fields=["ancestor", "region"], name="region_descendants_idx")]
        verbose_name_plural = "region ancestries"

    def __str__(self):
        return f"{self.region_id} in {self.ancestor_id} ({self.depth})"


class TopicTag(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = "topic"
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_case_insensitive")]

    def get_absolute_url(self):
        return slugs.slug_url("reader:topic", self.slug)


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
        # A name matches the tag with the same key (taggit's own lookup folds case for ASCII only on SQLite).
        keys = {text.name_key(tag) for tag in normalized if isinstance(tag, str)}
        model = self.through.tag_model()
        existing = {tag.name_key: tag for tag in model._default_manager.filter(name_key__in=keys)} if keys else {}
        normalized = [existing.get(text.name_key(tag), tag) if isinstance(tag, str) else tag for tag in normalized]
        tags = super()._to_tag_model_instances(normalized, tag_kwargs)
        self._refuse_too_many(tags)
        return tags

    def _refuse_too_many(self, tags):
        """The cap on tags per article holds for every write (form, import, service, shell), not only the form."""
        linked = set(self.through._default_manager.filter(**self._lookup_kwargs()).values_list("tag_id", flat=True))
        what = self.through.tag_model()._meta.verbose_name_plural
        if problem := validators.tag_count_problem(len(linked | {tag.pk for tag in tags}), what=what):
            raise ValidationError({self.prefetch_cache_name: problem})


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
