"""GIN index over the weighted search vector, on PostgreSQL only.

The index expression is built by the same function as the search query, so the
planner can use it; on SQLite there is nothing to do (search falls back there).
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from articles.search import search_vector

INDEX_NAME = "article_search_idx"


def search_index():
    return GinIndex(search_vector(), name=INDEX_NAME)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_roles"),
    ]

    operations = [
        migrations.RunPython(add_search_index, remove_search_index),
    ]
