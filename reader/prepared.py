"""Reads whose SQL the ORM composes once per process, then runs with the moments of each read.

For the small reads every page makes, composing and compiling a queryset costs far more CPU than the
database spends running it: the frame's furniture (banner, sections, the outlet's pages in one UNION)
took about 2 ms to compose and compile against 0.1 ms to run at 100,000 articles, on every page
rendered cold. A `PreparedRead` asks its builder for the queryset once per database and per key, with
stand-in moments, keeps the compiled statement, and runs it with the real moments in the stand-ins'
places. Rows go through the queryset's own converters, so they are what the queryset itself returns.

A builder may use each moment only as given (in filters or annotations), never a moment computed from
one. Values (ids, slugs) go in as stand-ins too, under the same rule; everything else that shapes its
SQL (a setting, a limit, a model) must be in the key.
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.db import connections, router
from django.db.backends.postgresql.base import ServerBindingCursor

# Moments no story, window or read carries: each stands for one of a read's moments while its SQL is built.
STAND_IN = datetime(2000, 1, 1, 0, 0, 0, 100001, tzinfo=UTC)


# Stand-ins for values, by type: text no one types, and numbers no query writes out itself that every
# integer column but the smallest accepts (Django drops a lookup whose number a column cannot hold).
STAND_IN_NUMBER = 2_147_000_000
STAND_IN_TEXT = "\x1fstand-in-"


def stand_in(value, index):
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"A prepared read takes numbers and text as values, not {type(value).__name__}.")
    return STAND_IN_NUMBER + index if isinstance(value, int) else f"{STAND_IN_TEXT}{index}"


class PreparedRead:
    def __init__(self, build):
        """build(*moments, *values, *key) returns a `values_list()` queryset."""
        self.build = build
        self.models = {}
        self.statements = {}

    def __call__(self, moments, key=(), values=()):
        """The rows of build(*moments, *values, *key): a list of tuples."""
        return list(self.rows(moments, key, values))

    def rows(self, moments, key=(), values=()):
        """The rows of build(*moments, *values, *key), each converted only when reached: for a reader who
        stops at the first that will do."""
        moments, values, key = tuple(moments), tuple(values), tuple(key)
        stand_ins = tuple(STAND_IN + timedelta(microseconds=index) for index in range(len(moments)))
        stand_ins += tuple(stand_in(value, index) for index, value in enumerate(values))
        shape = (key, tuple(type(value) for value in values))
        queryset = None
        if shape not in self.models:
            queryset = self.build(*stand_ins, *key)
            self.models[shape] = queryset.model
        # The database the ORM would read from now: the router may send reads to a replica, or not.
        using = router.db_for_read(self.models[shape])
        statement = self.statements.get((using, shape))
        if statement is None:
            queryset = queryset if queryset is not None else self.build(*stand_ins, *key)
            statement = self.statements[(using, shape)] = self.prepare(queryset, stand_ins, len(moments), using)
        compiler, converters, sql, params, slots = statement
        operations = connections[using].ops
        given = [operations.adapt_datetimefield_value(moment) for moment in moments] + list(values)
        bound = [given[slots[index]] if index in slots else param for index, param in enumerate(params)]
        with statement_cursor(connections[using]) as cursor:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
        # As the compiler's results_iter() converts them, with the converters it would look up for every read.
        return map(tuple, compiler.apply_converters(rows, converters)) if converters else iter(rows)

    @staticmethod
    def prepare(queryset, stand_ins, moment_count, using):
        """(compiler, converters, sql, params, {parameter index: stand-in index}) of queryset on the database
        `using`."""
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("A prepared read cannot return a composite primary key.")
        converters = compiler.get_converters(columns)
        operations = connections[using].ops
        adapted = [operations.adapt_datetimefield_value(moment) for moment in stand_ins[:moment_count]]
        adapted += stand_ins[moment_count:]
        slots = {index: adapted.index(param) for index, param in enumerate(params) if param in adapted}
        if set(slots.values()) != set(range(len(stand_ins))):
            raise ValueError("A prepared read's builder must use every moment and value it is given, as given.")
        return compiler, converters, sql, params, slots


@contextmanager
def statement_cursor(connection):
    """A cursor for a statement run again and again with new values: on PostgreSQL the server plans it once per
    connection and keeps the plan (a prepared statement), unless the connection's `prepare_threshold` option
    is None; elsewhere the usual cursor.

    Planning cost more than running for every small read of a page (0.1 to 0.4 ms each against 0.02 to 0.08
    at 100,000 stories). The values are bound on the server, so the query log (DEBUG, or a test's
    CaptureQueriesContext) gets the statement with its values written in, as for any other cursor.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    logged = connection.queries_logged
    cursor = connection.make_debug_cursor(raw) if logged else connection.make_cursor(raw)
    with cursor:
        yield _LoggedInFull(cursor, connection) if logged else cursor


class _LoggedInFull:
    """A logging cursor whose log entries show each statement with its values, as client-side binding logs it."""

    def __init__(self, cursor, connection):
        self.cursor, self.connection = cursor, connection

    def execute(self, sql, params=None):
        result = self.cursor.execute(sql, params)
        entry = self.connection.queries_log[-1]
        if entry["sql"] is None:
            entry["sql"] = self.connection.ops.compose_sql(sql, params)
        return result

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def column_names(model):
    """The attribute names of model's columns, in the order `Model.from_db()` takes a row of them."""
    return [field.attname for field in model._meta.concrete_fields]
