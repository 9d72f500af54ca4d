"""The database part of a site backup on PostgreSQL: written by pg_dump, read back by pg_restore.

A backup runs `pg_dump --format=custom` on the snapshot that the backup's own transaction exported, so
the row counts, media references and migrations in the manifest describe exactly the dumped data, and
streams its output into members `database/pgdump.000`, `.001`, … of at most `BACKUP_PGDUMP_MEMBER_BYTES`.
Joined, the members are an ordinary custom-format dump that `pg_restore` reads as it is.

A restore joins the members into a temporary file, has `pg_restore --data-only` turn it into SQL and runs
that SQL on the site's own connection, inside the restore's one transaction: the rows the migrations made
(content types, permissions, the role groups) are replaced by the archived ones, and whatever fails (the
dump, a row, a constraint, the rebuild of the derived tables, the counts) rolls everything back.

Connection settings reach the tools through the environment (PGHOST, PGPASSWORD, …), never their command line.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings

from .backup_archive import write_member
from .backup_media import COPY_BLOCK, read_blocks
from .exceptions import BackupError

MEMBER_PREFIX = "database/pgdump."
# Each member of the dump is at most this big, so no single member is unwieldy to copy or check.
MEMBER_BYTES = getattr(settings, "BACKUP_PGDUMP_MEMBER_BYTES", 64 * 1024 * 1024)
# Besides the apps a JSON archive holds, the keys that their rows refer to (JSON names them instead).
REFERENCED_APPS = {"contenttypes"}
# Filled by `migrate` in every new database; the restore replaces them with the archived rows (emptied in this order).
MADE_BY_MIGRATIONS = ["auth.group_permissions", "auth.group", "auth.permission", "contenttypes.contenttype"]
# Each database keeps its own record of applied migrations; the manifest lists the archive's.
MIGRATIONS_TABLE = "django_migrations"
# libpq connection keywords and the environment variables the tools read them from.
ENVIRONMENT = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "user": "PGUSER",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
SETTING = re.compile(r"^SET (\w+) =|set_config\('(\w+)'")


# Finding and running the tools ---------------------------------------------------------------------------------------


def tool(name, connection):
    """Path of pg_dump or pg_restore of the server's major version (Debian's layout), else the one on PATH."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    folders = [getattr(settings, "BACKUP_PG_BIN_DIR", None), f"/usr/lib/postgresql/{major}/bin"]
    for folder in filter(None, folders):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} (PostgreSQL {major}) was not found; install PostgreSQL's client programs "
            "(Debian: postgresql-client) or set BACKUP_PG_BIN_DIR."
        )
    return found


def environment(connection):
    """The process environment with this connection's parameters as PG* variables (the password too)."""
    connection.ensure_connection()
    info = connection.connection.info
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for keyword, value in info.get_parameters().items():
        if keyword in ENVIRONMENT and value:
            env[ENVIRONMENT[keyword]] = value
    env.update(PGHOST=info.host, PGPORT=str(info.port), PGUSER=info.user, PGDATABASE=info.dbname)
    if info.password:
        env["PGPASSWORD"] = info.password
    return env


def _failure(name, stderr):
    stderr.seek(0)
    lines = [line.strip() for line in stderr.read().decode(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return f"{name} failed: {errors[0][:300] if errors else 'no message'}"


# Which rows are archived ---------------------------------------------------------------------------------------------


def archived_models(dumped_apps, derived):
    """Every model whose table's rows go in the dump: those of the dumped apps and content types, less derived ones.

    Sessions, sign-in attempt records and newsletter subscribers (personal data) stay out, as in a JSON archive.
    """
    skipped = {apps.get_model(label) for label in derived}
    chosen = set(dumped_apps) | REFERENCED_APPS
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in chosen and model not in skipped and model._meta.managed and not model._meta.proxy
    ]


def unarchived_tables(dumped_apps, derived):
    archived = {model._meta.db_table for model in archived_models(dumped_apps, derived)}
    every = {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed}
    return sorted(every - archived)


def occupied(labels):
    """{name: rows} of the archived tables that hold rows now, other than those migrate fills."""
    found = {}
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # a model this code no longer has: the load says so
        if label in MADE_BY_MIGRATIONS:
            continue
        count = model._base_manager.count()
        if count:
            found[str(model._meta.verbose_name_plural)] = count
    return found


# Backing up ----------------------------------------------------------------------------------------------------------


def dump(archive, connection, *, dumped_apps, derived):
    """Write pg_dump's custom-format output of the current snapshot into members; (members, counts).

    Call inside a repeatable-read transaction: its snapshot is exported to pg_dump, and the counts are read in it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    counts = {}
    for model in sorted(archived_models(dumped_apps, derived), key=lambda model: model._meta.label_lower):
        counts[model._meta.label_lower] = model._base_manager.count()
    command = [tool("pg_dump", connection), "--format=custom", f"--snapshot={snapshot}"]
    command += [f"--exclude-table-data={table}" for table in unarchived_tables(dumped_apps, derived)]
    members = []
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=environment(connection))
        try:
            while first := process.stdout.read(min(COPY_BLOCK, MEMBER_BYTES)):
                name = f"{MEMBER_PREFIX}{len(members):03d}"
                size, sha256 = write_member(archive, name, _member_blocks(process.stdout, first), stored=True)
                members.append({"name": name, "size": size, "sha256": sha256})
        finally:
            process.stdout.close()
            returncode = process.wait()
        if returncode != 0 or not members:
            raise BackupError(_failure("pg_dump", stderr) + "; no archive was written.")
    return members, counts


def _member_blocks(stream, first):
    """first, then blocks of stream until the member holds MEMBER_BYTES."""
    yield first
    left = MEMBER_BYTES - len(first)
    while left > 0 and (block := stream.read(min(COPY_BLOCK, left))):
        left -= len(block)
        yield block


# Restoring -----------------------------------------------------------------------------------------------------------


def dump_members(manifest):
    return [member["name"] for member in manifest["members"] if member["name"].startswith(MEMBER_PREFIX)]


def join_members(archive, manifest, folder):
    """The members, verified before, joined in their order into one dump file in folder."""
    path = Path(folder) / "site.dump"
    with open(path, "wb") as target:
        for name in dump_members(manifest):
            with archive.open(name) as source:
                for block in read_blocks(source):
                    target.write(block)
    return path


def load(dump_path, connection, manifest):
    """Replace the rows migrate made, then run pg_restore's data-only SQL, in the caller's transaction."""
    restore = tool("pg_restore", connection)
    env = environment(connection)
    listing = _restore_list(restore, dump_path, env)
    command = [restore, "--data-only", "--no-owner", "--no-privileges", f"--use-list={listing}", "--file=-"]
    command.append(str(dump_path))
    with connection.connection.cursor() as cursor, tempfile.TemporaryFile() as stderr:
        for label in MADE_BY_MIGRATIONS:
            if label in manifest["counts"]:
                # DELETE, not TRUNCATE … CASCADE: a row elsewhere still pointing at them fails the restore.
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)
        try:
            _run_script(cursor, process.stdout)
        except _EndedEarly:
            # The SQL stopped short: pg_restore's own message says why, when it failed.
            if process.wait() != 0:
                raise BackupError(_failure("pg_restore", stderr) + "; nothing was restored.") from None
            raise
        finally:
            # Stopped early, pg_restore ends with a broken pipe.
            process.stdout.close()
            returncode = process.wait()
        if returncode != 0:
            raise BackupError(_failure("pg_restore", stderr) + "; nothing was restored.")
    connection.check_constraints()


class _EndedEarly(BackupError):
    pass


def _restore_list(restore, dump_path, env):
    """pg_restore's table of contents of the dump, with the rows of the migrations table left out."""
    with tempfile.TemporaryFile() as stderr:
        result = subprocess.run([restore, "--list", str(dump_path)], stdout=subprocess.PIPE, stderr=stderr, env=env)
        if result.returncode != 0:
            raise BackupError(_failure("pg_restore", stderr) + "; nothing was restored.")
    skipped = re.compile(rf"^\d+; \d+ \d+ TABLE DATA \S+ {MIGRATIONS_TABLE} ")
    lines = [f";{line}" if skipped.match(line) else line for line in result.stdout.decode().splitlines()]
    path = Path(dump_path).with_suffix(".list")
    path.write_text("\n".join(lines) + "\n")
    return path


def _run_script(cursor, lines):
    """Run pg_restore's SQL: statements one by one, COPY blocks streamed; the session settings it changes restored."""
    saved, statement = {}, []
    for line in lines:
        if not statement:
            if not line.strip() or line.startswith(b"--"):
                continue
            if line.startswith(b"\\"):
                # psql's guard against meta-commands hidden in the data: nothing to guard here, as none are run.
                if line.split()[0] in (b"\\restrict", b"\\unrestrict"):
                    continue
                raise BackupError(
                    f"The database dump holds an unexpected command ({line[:60]!r}); nothing was restored."
                )
            if line.startswith(b"COPY ") and line.rstrip().endswith(b" FROM stdin;"):
                _copy(cursor, line.decode(), lines)
                continue
        statement.append(line)
        if line.rstrip().endswith(b";"):
            sql, statement = b"".join(statement).decode(), []
            if match := SETTING.search(sql):
                name = match.group(1) or match.group(2)
                if name not in saved:
                    saved[name] = cursor.execute("SELECT current_setting(%s)", [name]).fetchone()[0]
            cursor.execute(sql)
    if statement:
        raise _EndedEarly("The database dump ends inside a statement; nothing was restored.")
    for name, value in saved.items():
        cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def _copy(cursor, statement, lines):
    with cursor.copy(statement) as copy:
        block, size = [], 0
        for row in lines:
            if row == b"\\.\n":
                break
            block.append(row)
            size += len(row)
            if size >= COPY_BLOCK:
                copy.write(b"".join(block))
                block, size = [], 0
        else:
            raise _EndedEarly("The database dump ends inside the rows of a table; nothing was restored.")
        if block:
            copy.write(b"".join(block))
