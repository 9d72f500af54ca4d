"""Writing many rows fast: many rows a statement on SQLite, and the search index written by the caller.

Used by the archive generator; the rows must already be what a save would store.
"""

import sqlite3
from contextlib import contextmanager

from django.db import connection

from articles import search
from articles.models import Article

# The trigger of migration 0008_sqlite_search_table that indexes each inserted article for search.
SEARCH_INSERT_TRIGGER = f"{search.SQLITE_SEARCH_TABLE}_insert"
# Articles per INSERT statement on SQLite (fewer if its limit on parameters is lower).
ROWS_PER_STATEMENT = 1000


def article_inserter(attnames):
    """A function that inserts articles given as tuples of `attnames` values and returns their pks.

    The values must be what Article.save() would store: bodies are not sanitised
    again (the composer's are already clean, see `prose.Pool`), and every other column
    gets its default, as in a new Article. On SQLite, rows go in with their ids
    (taken in order: the write transaction keeps other writers out) many to a
    statement; elsewhere through bulk_create, which reads the ids back.
    """
    if connection.vendor != "sqlite":

        def bulk_create(rows):
            batch = [Article(**dict(zip(attnames, row, strict=True))) for row in rows]
            Article._base_manager.bulk_create(batch)  # announced, and listed, once for the whole archive
            return [article.pk for article in batch]

        return bulk_create

    meta, quote = Article._meta, connection.ops.quote_name
    given = [meta.get_field(name) for name in attnames]
    others = [field for field in meta.local_concrete_fields if not field.primary_key and field not in given]
    # Aware datetimes, so the backend's adapter alone gives what the field would store.
    timestamps = [1 + position for position, field in enumerate(given) if field.get_internal_type() == "DateTimeField"]
    adapt = connection.ops.adapt_datetimefield_value
    json_columns = [
        (1 + position, field) for position, field in enumerate(given) if field.get_internal_type() == "JSONField"
    ]
    insert_rows = row_inserter(meta.db_table, [field.column for field in [meta.pk, *given, *others]])
    with connection.cursor() as cursor:
        # The next id AUTOINCREMENT would give: past the highest id ever used, even if since deleted.
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        (sequence,) = cursor.fetchone()
    next_pk = max(highest or 0, sequence or 0) + 1

    def insert(rows):
        nonlocal next_pk
        blank = Article()
        defaults = [field.get_db_prep_save(field.pre_save(blank, add=True), connection) for field in others]
        pks = range(next_pk, next_pk + len(rows))
        values = []
        for pk, row in zip(pks, rows, strict=True):
            row = [pk, *row, *defaults]
            for position in timestamps:
                row[position] = adapt(row[position])
            for position, json_field in json_columns:
                row[position] = json_field.get_db_prep_save(row[position], connection)
            values.append(row)
        insert_rows(values)
        next_pk += len(rows)
        return pks

    return insert


def through_inserter(model, *attnames):
    """Insert rows of a small through model given as plain tuples of `attnames` values.

    Hundreds of thousands of three-column rows: building a model instance and
    an INSERT statement for each costs most of the archive's time, and these
    rows have no defaults, save() logic or signals to honour.
    """
    return row_inserter(model._meta.db_table, [model._meta.get_field(name).column for name in attnames])


def row_inserter(table, columns):
    """A function that inserts rows (tuples of values for `columns`) into `table`.

    On SQLite many rows a statement: its executemany runs one statement per row,
    which takes about twice as long, and with a trigger writing an FTS5 table (as
    the search index's did) each statement flushes a new index segment to merge.
    Elsewhere one executemany.
    """
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) VALUES "
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    if connection.vendor != "sqlite":

        def executemany(rows):
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(head + placeholders, rows)

        return executemany

    parameters = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = min(ROWS_PER_STATEMENT, parameters // len(columns))

    def insert(rows):
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                part = rows[start : start + per_statement]
                cursor.execute(head + ", ".join([placeholders] * len(part)), [value for row in part for value in row])

    return insert


@contextmanager
def search_index_written_here():
    """On SQLite, write the search index's rows here rather than through its insert trigger.

    Yields a row inserter for the FTS table (rowid, then the plain texts of headline,
    standfirst and body), or None where the trigger does not exist. The trigger calls
    `search.plain_text()` from SQLite three times per article, which costs more than
    the inserts; the composer has these texts already (see `prose.Pool`). The trigger is
    dropped inside the transaction and created again from its own stored definition;
    if anything fails on the way, the transaction's rollback restores it.
    """
    found = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SEARCH_INSERT_TRIGGER]
            )
            found = cursor.fetchone()
    if found is None:
        yield None
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(SEARCH_INSERT_TRIGGER)}")
    yield row_inserter(search.SQLITE_SEARCH_TABLE, ["rowid", "headline", "standfirst", "body"])
    with connection.cursor() as cursor:
        cursor.execute(found[0])


def sqlite_bulk_load_pragmas():
    """A big page cache for this connection: the transaction touches about 13 KB per article.

    The indexes on slug and publish time take rows in random order; once the cache is
    full, their pages are written out and read back again and again (100,000 articles
    took half as long again with a 256 MiB cache as with this one).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1048576")  # 1 GiB, in KiB; a limit, not an allocation
