"""Authors: the people bylines credit, with or without an account."""

from django.conf import settings
from django.db import models

from .. import text, validators
from ..images import CleanImageField
from ..slugs import slug_url, unique_slug


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
        return slug_url("reader:author", self.slug)

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
