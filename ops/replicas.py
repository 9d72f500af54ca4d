"""PostgreSQL read replicas: which database each read goes to.

`DATABASE_REPLICA_URLS` adds replicas (aliases `replica1`, `replica2`, …). Reads go to the
primary (`default`) unless the request being answered is a reader's anonymous GET or HEAD,
outside the desk and previews, and a replica has replayed the last committed change readers
may see. Every write, every read inside a transaction and everything outside a request
(commands, workers) uses the primary.

Replica lag never reaches the page cache: each change announced through
`articles.signals.content_changed` records the primary's WAL position once it commits, before
the page cache moves to the new generation (this app's receiver runs first). A request reads
from a replica only if the replica has replayed at least that position, so a page stored under
the new generation was never rendered from a replica that had not yet seen the change.
"""

import contextvars
import random

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

# The WAL position readers' reads must have seen, shared by every app server through the page cache's store.
FLOOR_KEY = "ops:replica-floor-lsn"
_read_alias = contextvars.ContextVar("read_alias", default=DEFAULT_DB_ALIAS)
PRIMARY_ONLY_PREFIXES = ("/admin/", "/preview/")


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def _floor_store():
    return caches[settings.PAGE_CACHE_GENERATION_ALIAS]


def record_floor(using=DEFAULT_DB_ALIAS):
    """Remember the primary's current WAL position (called after a change readers may see commits)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not replica_aliases():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        _floor_store().set(FLOOR_KEY, cursor.fetchone()[0], timeout=None)


def content_changed(sender, using=None, **kwargs):
    """Receiver of `articles.signals.content_changed`: record the floor once the change commits."""
    if replica_aliases():
        transaction.on_commit(lambda: record_floor(using or DEFAULT_DB_ALIAS), using=using, robust=True)


def caught_up_replica():
    """A replica that has replayed the floor, or None (then the primary serves the read)."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    floor = _floor_store().get(FLOOR_KEY)
    for alias in aliases:
        try:
            with connections[alias].cursor() as cursor:
                if floor is None:
                    return alias
                cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [floor])
                if cursor.fetchone()[0]:
                    return alias
        except DatabaseError:
            continue
    return None


def reads_from_replica(request):
    return (
        request.method in {"GET", "HEAD"}
        and not request.path.startswith(PRIMARY_ONLY_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadMiddleware:
    """Choose the database for a request's reads (after the page cache, so a cache hit costs nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases() or not reads_from_replica(request):
            return self.get_response(request)
        token = _read_alias.set(caught_up_replica() or DEFAULT_DB_ALIAS)
        try:
            return self.get_response(request)
        finally:
            _read_alias.reset(token)


class ReplicaRouter:
    """Writes and reads in a transaction to the primary; other reads where the middleware chose."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias != DEFAULT_DB_ALIAS and connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
