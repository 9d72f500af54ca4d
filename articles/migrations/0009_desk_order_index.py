"""An index in the desk's default order (newest publish time first), so the admin's
article list reads its first page from the index instead of sorting every article."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_sqlite_search_table"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-publish_at", "-id"], name="article_desk_order_idx"),
        ),
    ]
