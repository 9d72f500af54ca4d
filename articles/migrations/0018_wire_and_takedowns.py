from django.db import migrations, models

STATUS_CHOICES = [
    ("draft", "Draft"),
    ("in_review", "In review"),
    ("published", "Published"),
    ("unpublished", "Unpublished"),
    ("taken_down", "Taken down"),
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_region_hierarchy")]

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
    ]
