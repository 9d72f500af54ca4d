import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_wire_and_takedowns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StaticPage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("about", "About us"), ("contact", "Contact"), ("privacy", "Privacy notice"), ("corrections-policy", "Corrections policy"), ("advertise", "Advertise")], help_text="Which page this is; it sets the address.", max_length=20, unique=True, verbose_name="page")),
                ("title", models.CharField(max_length=120)),
                ("summary", models.CharField(blank=True, help_text="One sentence, shown to search engines.", max_length=200)),
                ("body", models.TextField(blank=True, help_text="Cleaned on every save: scripts, styles and unsafe links are removed.")),
                ("is_published", models.BooleanField(default=False, help_text="Unticked, the address answers “not found” and no link shows.", verbose_name="shown to readers")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"verbose_name": "site page", "ordering": ["kind"]},
        ),
        migrations.CreateModel(
            name="ArticleReads",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hour", models.DateTimeField(help_text="The start of the hour (UTC).")),
                ("reads", models.PositiveIntegerField(default=0)),
                ("article", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.article")),
            ],
            options={
                "verbose_name_plural": "article reads",
                "indexes": [models.Index(fields=["hour"], name="article_reads_hour_idx")],
                "constraints": [models.UniqueConstraint(fields=("article", "hour"), name="one_read_count_per_hour")],
            },
        ),
        migrations.CreateModel(
            name="BreakingNews",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("headline", models.CharField(blank=True, help_text="What the banner says; left blank, the story's headline.", max_length=140, verbose_name="banner text")),
                ("starts_at", models.DateTimeField(default=django.utils.timezone.now, help_text="The banner appears at this time (once the story is live).", verbose_name="shown from")),
                ("ends_at", models.DateTimeField(help_text="The banner disappears from every page at this time, by itself.", verbose_name="shown until")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="breaking_windows", to="articles.article", verbose_name="story")),
                ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "breaking news banner",
                "verbose_name_plural": "breaking news banners",
                "ordering": ["-starts_at"],
                "indexes": [models.Index(fields=["ends_at", "starts_at"], name="breaking_window_idx")],
                "constraints": [models.CheckConstraint(condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="breaking_ends_after_it_starts")],
            },
        ),
    ]
