import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_image_library")]

    operations = [
        migrations.CreateModel(
            name="OldAddress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("path", models.CharField(max_length=500, unique=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_addresses",
                        to="articles.article",
                    ),
                ),
            ],
            options={"verbose_name_plural": "old addresses"},
        ),
        migrations.CreateModel(
            name="ImportedPost",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        help_text="The exported site's address without its scheme, e.g. “example.com/blog”.",
                        max_length=300,
                    ),
                ),
                ("post_id", models.PositiveBigIntegerField(help_text="The post's id on that site.")),
                (
                    "checksum",
                    models.CharField(
                        help_text="Fingerprint of the post as last imported; an unchanged post is left alone.",
                        max_length=64,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        help_text="The state the last import gave the article; a state changed in the desk is kept.",
                        max_length=20,
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        help_text="The article's version after the last import; a story edited in the desk since "
                        "is left alone."
                    ),
                ),
                ("imported_at", models.DateTimeField(auto_now=True)),
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="imported_from",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("source", "post_id"), name="unique_imported_post")],
            },
        ),
    ]
