"""A stored, indexed search document on PostgreSQL, kept up to date by the database.

The weighted vector (headline A, standfirst B, body C) used to be computed
from the text of every candidate row on every search. It now lives in the
column `search_document`, filled by a trigger on every insert and on every
update of the three texts, so saves, bulk inserts (the archive generator),
restores and raw updates all keep it right. The GIN index is over the column.

The column is not a model field: the model never reads or writes it, so lists
and pages never load it. On SQLite there is nothing to do (search falls back there).
"""

from django.db import migrations

FUNCTION = "articles_article_search_document"
TRIGGER = "articles_article_search_document_trigger"
DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce({row}headline, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce({row}standfirst, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, coalesce({row}body, '')), 'C')"
)

FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN search_document tsvector",
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := {DOCUMENT.format(row="NEW.")};
    RETURN NEW;
END
$$""",
    f"""CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF headline, standfirst, body ON articles_article
FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    f"UPDATE articles_article SET search_document = {DOCUMENT.format(row='')}",
    "DROP INDEX IF EXISTS article_search_idx",
    "CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS article_search_document_idx",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON articles_article",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document",
    f"CREATE INDEX article_search_idx ON articles_article USING gin (({DOCUMENT.format(row='')}))",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_scale_indexes"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
