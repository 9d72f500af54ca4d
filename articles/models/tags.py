"""The two tag vocabularies, regions and topics, on django-taggit."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import ItemBase, TagBase

from .. import text, validators


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
        return reverse("reader:region", kwargs={"slug": self.slug})


class TopicTag(VocabularyTag):
    class Meta(VocabularyTag.Meta):
        verbose_name = "topic"
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_case_insensitive")]

    def get_absolute_url(self):
        return reverse("reader:topic", kwargs={"slug": self.slug})


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
