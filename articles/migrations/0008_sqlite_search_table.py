"""A stored full-text index for search on SQLite: an FTS5 table kept by triggers.

The SQLite fallback used to strip the HTML of every article and look for each
word in it on every search. The plain text of headline, standfirst and body is
now stored once per article in the FTS5 table `articles_article_search` (rowid
= article id), written by triggers on insert, on edits of the three texts and
on delete, so saves, bulk inserts, restores and deletes all keep it right.

The triggers call `newsroom_plain_text()`, which the app registers on every
SQLite connection (see articles/search.py). On PostgreSQL there is nothing to
do: the stored tsvector of 0007_stored_search_document serves there.
"""

from django.db import migrations

TABLE = "articles_article_search"
PLAIN = "newsroom_plain_text"
ROW = f"{PLAIN}({{row}}headline), {PLAIN}({{row}}standfirst), {PLAIN}({{row}}body)"

FORWARD = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(headline, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON articles_article BEGIN
    INSERT INTO {TABLE} (rowid, headline, standfirst, body) VALUES (new.id, {ROW.format(row="new.")});
END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF headline, standfirst, body ON articles_article BEGIN
    DELETE FROM {TABLE} WHERE rowid = old.id;
    INSERT INTO {TABLE} (rowid, headline, standfirst, body) VALUES (new.id, {ROW.format(row="new.")});
END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_article BEGIN
    DELETE FROM {TABLE} WHERE rowid = old.id;
END""",
    f"INSERT INTO {TABLE} (rowid, headline, standfirst, body) SELECT id, {ROW.format(row='')} FROM articles_article",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_stored_search_document"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
