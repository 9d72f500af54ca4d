import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATUS_CHOICES = [
    ("draft", "Draft"),
    ("in_review", "In review"),
    ("published", "Published"),
    ("unpublished", "Unpublished"),
    ("taken_down", "Taken down"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_region_hierarchy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Takedowns: a status of their own and the two permissions (editors take down, admins reinstate).
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-publish_at", "-pk"],
                "permissions": [
                    ("edit_any_article", "Can edit articles written by anyone"),
                    ("review_article", "Can send articles in review back with changes requested"),
                    ("publish_article", "Can publish, schedule and unpublish articles"),
                    ("share_preview", "Can create and revoke shareable preview links"),
                    ("take_down_article", "Can take a story down: its address answers 410 Gone"),
                    ("reinstate_article", "Can reinstate a story that was taken down"),
                ],
                "verbose_name": "story",
                "verbose_name_plural": "stories",
            },
        ),
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, db_index=True, default="draft", max_length=20),
        ),
        migrations.AlterField(
            model_name="articletransition",
            name="from_status",
            field=models.CharField(choices=STATUS_CHOICES, max_length=20),
        ),
        migrations.AlterField(
            model_name="articletransition",
            name="to_status",
            field=models.CharField(choices=STATUS_CHOICES, max_length=20),
        ),
        # The wire inbox.
        migrations.CreateModel(
            name="WireItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("text", "Plain text"), ("ninjs", "ninjs (JSON)")], max_length=10)),
                (
                    "source_name",
                    models.CharField(help_text="The name of the file it arrived in.", max_length=255, verbose_name="file"),
                ),
                (
                    "checksum",
                    models.CharField(
                        help_text="Fingerprint of the copy, so the same copy never arrives twice.",
                        max_length=64,
                        unique=True,
                    ),
                ),
                ("headline", models.CharField(max_length=200)),
                ("standfirst", models.TextField(blank=True)),
                ("body", models.TextField()),
                (
                    "footer_line",
                    models.TextField(
                        blank=True,
                        help_text="The outlet's promo line found at the end of the copy; it becomes the story's footer.",
                    ),
                ),
                ("source_attribution", models.CharField(blank=True, max_length=300)),
                (
                    "regions",
                    models.JSONField(blank=True, default=list, help_text="Region names, all existing when it arrived."),
                ),
                (
                    "topics",
                    models.JSONField(blank=True, default=list, help_text="Topic names, all existing when it arrived."),
                ),
                ("authors", models.JSONField(blank=True, default=list, help_text="Byline names.")),
                (
                    "status",
                    models.CharField(
                        choices=[("new", "New"), ("drafted", "Made a draft"), ("discarded", "Discarded")],
                        db_index=True,
                        default="new",
                        max_length=10,
                    ),
                ),
                ("received_at", models.DateTimeField(auto_now_add=True)),
                ("handled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        help_text="The draft made from it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "handled_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "received_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "wire item", "verbose_name_plural": "wire", "ordering": ["-received_at", "-pk"]},
        ),
    ]
