from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

SEARCH_TABLE = import_module("articles.migrations.0008_sqlite_search_table")


def restore_search_triggers(apps, schema_editor):
    """SQLite rebuilds a table to add a column, and the rebuild drops the table's triggers: the search
    index's (0008) are made again."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SEARCH_TABLE.FORWARD:
            if statement.startswith("CREATE TRIGGER "):
                schema_editor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


def fill_listing_labels(apps, schema_editor):
    """Names and slugs of each article's bylines, regions and topics, in the order pages show them."""
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    labels = {pk: {"authors": [], "regions": [], "topics": []} for pk in Article.objects.using(alias).values_list("pk", flat=True)}
    links = {
        "authors": apps.get_model("articles", "Byline").objects.order_by("position", "id").values_list("article_id", "author__name", "author__slug"),
        "regions": apps.get_model("articles", "TaggedRegion").objects.order_by("tag__name").values_list("content_object_id", "tag__name", "tag__slug"),
        "topics": apps.get_model("articles", "TaggedTopic").objects.order_by("tag__name").values_list("content_object_id", "tag__name", "tag__slug"),
    }
    for name, rows in links.items():
        for pk, label, slug in rows.using(alias).iterator():
            labels[pk][name].append([label, slug])
    Article.objects.using(alias).bulk_update(
        [Article(pk=pk, listing_labels=value) for pk, value in labels.items()], ["listing_labels"], batch_size=500
    )


def fill_listing_entries(apps, schema_editor):
    """One row per published story on each of its lists, from its public moment (`LIVE.moment` at this point)."""
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    ListingEntry = apps.get_model("articles", "ListingEntry")
    links = {
        "region": apps.get_model("articles", "TaggedRegion").objects.using(alias).values_list("content_object_id", "tag_id"),
        "topic": apps.get_model("articles", "TaggedTopic").objects.using(alias).values_list("content_object_id", "tag_id"),
        "author": apps.get_model("articles", "Byline").objects.using(alias).values_list("article_id", "author_id"),
    }
    moments = {
        pk: max(publish_at, embargo_ends_at or publish_at)
        for pk, publish_at, embargo_ends_at in Article.objects.using(alias)
        .filter(status="published", publish_at__isnull=False)
        .values_list("pk", "publish_at", "embargo_ends_at")
        .iterator()
    }
    rows = [ListingEntry(kind="all", key=0, article_id=pk, public_at=moment) for pk, moment in moments.items()]
    for kind, pairs in links.items():
        rows += [
            ListingEntry(kind=kind, key=key, article_id=pk, public_at=moments[pk])
            for pk, key in pairs.iterator()
            if pk in moments
        ]
    ListingEntry.objects.using(alias).bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_desk_notifications'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='listing_labels',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(fill_listing_labels, migrations.RunPython.noop),
        migrations.CreateModel(
            name='ListingEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('all', 'every story'), ('region', 'region'), ('topic', 'topic'), ('author', 'author')], max_length=6)),
                ('key', models.PositiveBigIntegerField()),
                ('public_at', models.DateTimeField()),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
            ],
            options={
                'verbose_name_plural': 'listing entries',
                'indexes': [models.Index(fields=['kind', 'key', '-public_at', '-article'], name='listing_order_idx')],
                'constraints': [models.UniqueConstraint(fields=('article', 'kind', 'key'), name='unique_listing_entry')],
            },
        ),
        migrations.RunPython(fill_listing_entries, migrations.RunPython.noop),
    ]
