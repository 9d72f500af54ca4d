"""The image library: every picture a story shows, with its caption, credit, alt text and focal point."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ..images import CleanImageField

FOCAL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class LibraryImageQuerySet(models.QuerySet):
    def search(self, query):
        """Images whose caption, credit, alt text or uploaded file name holds every word of query."""
        queryset = self
        for word in (query or "").split()[:8]:
            queryset = queryset.filter(
                Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(alt__icontains=word)
                | Q(original_name__icontains=word)
                # Files stored before names were random still carry the uploaded name.
                | Q(file__icontains=word)
            )
        return queryset


class LibraryImage(models.Model):
    """One uploaded picture, reused by any number of stories (as hero or inside the body)."""

    file = CleanImageField(
        "image file",
        upload_to="library/%Y/%m/",
        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. Location and camera details are "
        "removed on upload, and sizes for phones to large screens are made from it.",
    )
    # The file is stored under a random name, so its address cannot be guessed before the story is out; the name it
    # was uploaded with (made safe) is kept here for the desk's search and lists, and never shown to readers.
    original_name = models.CharField(
        "uploaded file name",
        max_length=100,
        blank=True,
        editable=False,
        help_text="The name the file had when it was uploaded; only the desk sees it.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the image wherever it appears.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Photographer or agency; a story cannot be published without one."
    )
    alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Describes the image for readers who cannot see it; a story cannot be published without it.",
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text="Where the subject is, from the left edge (0) to the right edge (1); crops keep it in view.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text="Where the subject is, from the top (0) to the bottom (1).",
    )
    # {"width", "height", "thumb": {...}, "crops": {"full"|"card"|"square": {"width", "height", "webp", "jpeg"}},
    #  "files": [stored names]}; written by `articles.image_library` whenever the file or focal point changes.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LibraryImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "image"
        verbose_name_plural = "image library"

    def __str__(self):
        stored = self.file.name.rsplit("/", 1)[-1] if self.file else ""
        return self.caption or self.alt or self.original_name or stored or f"Image {self.pk}"

    @property
    def thumbnail_url(self):
        """The small uncropped JPEG the desk shows, or the original before renditions exist."""
        thumb = (self.renditions or {}).get("thumb") or {}
        return thumb.get("url") or (self.file.url if self.file else "")
