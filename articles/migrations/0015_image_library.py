from importlib import import_module

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import articles.images

SEARCH_TABLE = import_module("articles.migrations.0008_sqlite_search_table")


def restore_search_triggers(apps, schema_editor):
    """SQLite rebuilds the article table to add a column with a default, dropping its triggers: the search
    index's (0008) are made again."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SEARCH_TABLE.FORWARD:
            if statement.startswith("CREATE TRIGGER "):
                schema_editor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


def _size(storage, name, fallback):
    """The stored image's pixel size from its header, or fallback when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with storage.open(name, "rb") as handle, Image.open(handle) as image:
            return image.size
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError):
        return fallback


def hero_images_into_library(apps, schema_editor):
    """Every stored hero image becomes a library image (one per file), keeping its renditions."""
    Article = apps.get_model("articles", "Article")
    LibraryImage = apps.get_model("articles", "LibraryImage")
    Through = Article.images.through
    storage = LibraryImage._meta.get_field("file").storage
    by_file = {}
    articles = Article.objects.using(schema_editor.connection.alias).exclude(hero_image="").order_by("pk")
    for article in articles.iterator():
        name = article.hero_image.name
        image = by_file.get(name)
        if image is None:
            renditions = article.hero_renditions or {}
            width, height = _size(storage, name, (renditions.get("width", 0), renditions.get("height", 0)))
            image = LibraryImage.objects.create(
                file=name,
                width=width or 0,
                height=height or 0,
                caption=article.hero_caption,
                credit=article.hero_credit,
                alt=article.hero_alt,
                renditions={"width": width, "height": height, "crops": {"full": renditions}} if renditions else {},
                uploaded_by_id=article.created_by_id,
            )
            by_file[name] = image
        Article.objects.filter(pk=article.pk).update(hero=image)
        Through.objects.get_or_create(article_id=article.pk, libraryimage_id=image.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_hostile_input_two"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_media",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="planned_for",
            field=models.DateTimeField(
                blank=True,
                help_text="When the desk plans to run this story; shown on the planning calendar. Publishes nothing.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="LibraryImage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "file",
                    articles.images.CleanImageField(
                        help_text="JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels. Location and camera "
                        "details are removed on upload, and sizes for phones to large screens are made from it.",
                        upload_to="library/%Y/%m/",
                        verbose_name="image file",
                    ),
                ),
                ("width", models.PositiveIntegerField(default=0, editable=False)),
                ("height", models.PositiveIntegerField(default=0, editable=False)),
                (
                    "caption",
                    models.CharField(blank=True, help_text="Shown under the image wherever it appears.", max_length=300),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Photographer or agency; a story cannot be published without one.",
                        max_length=200,
                    ),
                ),
                (
                    "alt",
                    models.CharField(
                        blank=True,
                        help_text="Describes the image for readers who cannot see it; a story cannot be published "
                        "without it.",
                        max_length=300,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text="Where the subject is, from the left edge (0) to the right edge (1); crops keep it "
                        "in view.",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        help_text="Where the subject is, from the top (0) to the bottom (1).",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                    ),
                ),
                ("renditions", models.JSONField(blank=True, default=dict, editable=False)),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "image",
                "verbose_name_plural": "image library",
                "ordering": ["-uploaded_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="hero",
            field=models.ForeignKey(
                blank=True,
                help_text="Pick an image from the library, or upload a new one below (it joins the library).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="hero_of",
                to="articles.libraryimage",
                verbose_name="hero image from the library",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="images",
            field=models.ManyToManyField(
                blank=True, editable=False, related_name="stories", to="articles.libraryimage"
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                blank=True,
                help_text="Cleaned on every save: scripts, styles and unsafe links are removed. Drop or paste a "
                "picture to add it to the image library and the text; paste a YouTube, X, Instagram, … address to "
                "embed it.",
            ),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(hero_images_into_library, migrations.RunPython.noop),
    ]
