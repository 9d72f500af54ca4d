"""A real database outage for one block of a test: the next connection attempt is refused."""

import socket
from contextlib import contextmanager

from django.db import connection


def closed_port():
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_down():
    """Drop the default connection and point it somewhere that refuses to connect; restore on exit.

    PostgreSQL: a closed port on 127.0.0.1 ("connection refused"). SQLite: a file
    in a folder that does not exist ("unable to open database file"); the
    in-memory test database is only set aside, since closing it would lose it.
    Needs a test with `transaction=True`, so no transaction is open.
    """
    settings = connection.settings_dict
    saved = dict(settings)
    kept = None
    if connection.vendor == "sqlite":
        kept, connection.connection = connection.connection, None
        settings["NAME"] = "/nonexistent-folder/newsroom/db.sqlite3"
    else:
        connection.close()
        settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        if connection.vendor != "sqlite":
            connection.close()
        settings.clear()
        settings.update(saved)
        if kept is not None:
            connection.connection = kept
