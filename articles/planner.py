"""The database planner's statistics, gathered at once after a bulk write.

PostgreSQL chooses each plan from per-table statistics that autovacuum gathers only some time after rows change.
Until then a freshly loaded archive is planned as if its tables were nearly empty: on 100,000 stories the related
stories of an article took 97 ms to read instead of a few. Whatever writes in bulk (the synthetic archive, the
WordPress import, a restore) calls `refresh_statistics()` once its rows are committed. SQLite plans the site's reads well
without statistics (the plans are pinned by tests), so it is left as it is.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(*, using=DEFAULT_DB_ALIAS):
    """Analyse every table of the database now; True where the database plans from such statistics (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
