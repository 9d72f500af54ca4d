"""The database planner's statistics and visibility map, brought up to date at once after a bulk write.

PostgreSQL chooses each plan from per-table statistics that autovacuum gathers only some time after rows change,
and an index-only scan still visits the table for every row until a vacuum has marked its page visible to all.
Until then a freshly loaded archive is planned as if its tables were nearly empty (on 100,000 stories the related
stories of an article took 97 ms to read instead of 2), and a deep section page visits 4,000 table rows to skip
them. Whatever writes in bulk (the synthetic archive, the WordPress import, a restore) calls `refresh_statistics()`
once its rows are committed. SQLite plans the site's reads well without statistics (the plans are pinned by tests)
and has no visibility map, so it is left as it is.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(*, using=DEFAULT_DB_ALIAS):
    """VACUUM ANALYZE every table (ANALYZE alone inside a transaction, where VACUUM cannot run); True where
    the database has such statistics (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return True
