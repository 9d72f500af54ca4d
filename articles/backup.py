"""Whole-site backup and restore: one zip archive, written and read as a stream in bounded memory.

The archive holds:

- on PostgreSQL (format version 3), `database/pgdump.NNN`: pg_dump's custom-format dump of the rows, in
  members of bounded size (`articles/backup_pg.py`);
- elsewhere, or with `data_format="json"` (format version 2), `data/NNNNN-app.model.json`: the rows, in
  members of at most `BACKUP_ROWS_PER_MEMBER` rows of one model each (Django's serialised JSON, times
  to the microsecond), in dependency order;
- `media/<name>`: with `include_media`, every file of the media storage, copied in blocks;
- `manifest.json`, written last: format, counts per model, applied migrations, the media the
  rows refer to, and every member with its size and SHA-256.

A restore reads the manifest, then checks every member against it (presence, size and
checksum; nothing unlisted) before it touches the database or a single media file, so a
damaged or tampered archive is refused in plain words. The rows are then loaded (member by
member, or through pg_restore) in one transaction and the counts compared with the manifest; media files are staged
under temporary names and moved into place only once the database has committed. Nothing is
ever held whole in memory: the biggest thing read at once is one data member.

Archives of format version 1 (one `data.json`, no checksums) are still read.
"""

import gc
import io
import itertools
import json
import os
import tempfile
import zipfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import backup_pg, listings, planner
from .backup_archive import ARCHIVE_FORMAT, ARCHIVE_VERSION, PGDUMP_VERSION, open_archive, verify_members, write_member
from .backup_media import discard_staged, media_files, media_references, place_media, read_blocks, stage_media
from .exceptions import BackupError

# Django's JSON with times to the microsecond (articles/serializers.py, registered in settings).
BACKUP_FORMAT = "json-exact"
# Groups may already exist in a freshly migrated database, so they are matched by name.
BY_NATURAL_KEY = ["auth.group"]
# Everything else keeps its primary key, so history (which stores keys) stays exact.
BY_PRIMARY_KEY = ["auth.user", "articles", "taggit", "reversion", "admin.logentry"]
DUMPED_APPS = {"auth", "articles", "taggit", "reversion", "admin"}
# A database holding any of these is not empty: restoring would mix two sites.
CONTENT_MODELS = [
    "articles.Article",
    "articles.Author",
    "articles.RegionTag",
    "articles.TopicTag",
    "articles.PromoFooter",
    "articles.Correction",
    "auth.User",
    "reversion.Revision",
]
# Rebuilt from the restored rows (`articles.listings`), never archived.
DERIVED_MODELS = ["articles.ListingEntry", "articles.ListingCount", "articles.RegionAncestry"]
# Rows per data member: what a restore holds in memory at once (a story with its history is a few KB).
ROWS_PER_MEMBER = getattr(settings, "BACKUP_ROWS_PER_MEMBER", 2000)
# How the rows are written: PostgreSQL's own dump, or Django's JSON (any database reads it).
FORMATS = ("pgdump", "json")
# Counts that may come out higher than archived: rows migrate made for models the archive did not know.
AT_LEAST = {*BY_NATURAL_KEY, "contenttypes.contenttype", "auth.permission"}


@dataclass
class BackupSummary:
    path: Path
    counts: dict
    media_references: list
    media_files: list = field(default_factory=list)
    missing_media: list = field(default_factory=list)


# Reading the rows ----------------------------------------------------------------------------------------------------


def _dumped_models():
    """(model, by natural key) for every archived model, in an order where references come first."""
    chosen = {}
    for label in BY_NATURAL_KEY + BY_PRIMARY_KEY:
        if "." in label:
            app_label, model_name = label.split(".")
            chosen.setdefault(apps.get_app_config(app_label), []).append(apps.get_model(app_label, model_name))
        else:
            config = apps.get_app_config(label)
            chosen.setdefault(config, []).extend(config.get_models())
    excluded = {apps.get_model(label) for label in DERIVED_MODELS if _model_exists(label)}
    ordered = serializers.sort_dependencies(chosen.items(), allow_cycles=True)
    natural = {apps.get_model(label) for label in BY_NATURAL_KEY}
    return [(model, model in natural) for model in ordered if model not in excluded and not model._meta.proxy]


def _model_exists(label):
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _batches(model, size):
    """The model's rows in key order, as lists of at most size instances (one server-side cursor)."""
    auto_m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    queryset = model._default_manager.order_by(model._meta.pk.name)
    if auto_m2m:
        queryset = queryset.prefetch_related(*auto_m2m)
    rows = queryset.iterator(chunk_size=size)
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _serialise(objects, *, natural_primary):
    return serializers.serialize(
        BACKUP_FORMAT,
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=natural_primary,
        ensure_ascii=False,
    )


def _record_batches(size=None):
    """(model label, JSON text of up to size rows) for every archived row, in dependency order."""
    for model, natural_primary in _dumped_models():
        for batch in _batches(model, size or ROWS_PER_MEMBER):
            rows, text = len(batch), _serialise(batch, natural_primary=natural_primary)
            del batch
            # Model instances hold reference cycles: free each member's rows now, not at the collector's leisure.
            gc.collect()
            yield model._meta.label_lower, rows, text


def dump_records():
    """Every row the site archives, serialised, as a list (for small sites and tests)."""
    with _snapshot():
        return [record for _label, _rows, text in _record_batches() for record in json.loads(text)]


class _snapshot:
    """One consistent, read-only snapshot of the database while the backup reads it (PostgreSQL)."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def _applied_migrations():
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations() if app in DUMPED_APPS)


# Writing the archive -------------------------------------------------------------------------------------------------


def default_format():
    return "pgdump" if connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else "json"


def _write_rows(archive):
    """The JSON data members, written from the current snapshot; (members, counts)."""
    members, counts = [], Counter()
    for number, (label, rows, text) in enumerate(_record_batches(), start=1):
        name = f"data/{number:05d}-{label}.json"
        size, sha256 = write_member(archive, name, [text.encode()])
        members.append({"name": name, "model": label, "rows": rows, "size": size, "sha256": sha256})
        counts[label] += rows
    return members, counts


def backup_site(*, path, include_media=False, storage=None, data_format=None):
    """Write the whole site to a zip archive at path (written to a temporary name, then moved).

    The rows are read in one snapshot, streamed from pg_dump or a member of JSON at a time; media
    files are copied from the storage in blocks. Memory stays flat however large the site is.
    """
    storage = storage or default_storage
    connection = connections[DEFAULT_DB_ALIAS]
    data_format = data_format or default_format()
    if data_format not in FORMATS:
        raise BackupError(f"Unknown backup format {data_format!r}; choose {' or '.join(FORMATS)}.")
    if data_format == "pgdump" and connection.vendor != "postgresql":
        raise BackupError(f"The pgdump format needs PostgreSQL, and this site runs on {connection.display_name}.")
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the name of the archive to write, e.g. {path}/site.zip.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            with _snapshot():
                if data_format == "pgdump":
                    members, counts = backup_pg.dump(
                        archive, connection, dumped_apps=DUMPED_APPS, derived=DERIVED_MODELS
                    )
                else:
                    members, counts = _write_rows(archive)
                references = media_references()
                migrations = _applied_migrations()
            files = media_files(storage) if include_media else []
            for name in files:
                with storage.open(name, "rb") as source:
                    size, sha256 = write_member(archive, f"media/{name}", read_blocks(source))
                members.append({"name": f"media/{name}", "size": size, "sha256": sha256})
            manifest = {
                "format": ARCHIVE_FORMAT,
                "version": PGDUMP_VERSION if data_format == "pgdump" else ARCHIVE_VERSION,
                "data_format": data_format,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "counts": dict(sorted(counts.items())),
                "migrations": migrations,
                "media_references": references,
                "media_included": include_media,
                "members": members,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return BackupSummary(path=path, counts=manifest["counts"], media_references=references, media_files=files)


def database_contents():
    """Counts of content rows present now, only those above zero."""
    found = {}
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        count = model._default_manager.count()
        if count:
            found[str(model._meta.verbose_name_plural)] = count
    return found


# Restoring -----------------------------------------------------------------------------------------------------------


def _load_member(archive, name, natural):
    """Insert the rows of one data member (rows matched by natural key are saved one by one)."""
    with archive.open(name) as source:
        objects = list(
            serializers.deserialize("json", io.TextIOWrapper(source, encoding="utf-8"), ignorenonexistent=False)
        )
    by_model = {}
    for item in objects:
        by_model.setdefault(type(item.object), []).append(item)
    for model, items in by_model.items():
        if model._meta.label_lower in natural or model._meta.parents:
            for item in items:
                item.save()
            continue
        _insert_raw(model, [item.object for item in items])
        for item in items:
            for field_name, values in (item.m2m_data or {}).items():
                getattr(item.object, field_name).set(values)
    return len(objects)


def _insert_raw(model, objects):
    """Insert rows exactly as archived, as a raw save would (no auto_now, no signals), many per statement."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    size = max(connection.ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True, using=connection.alias)


def restore_site(*, path, storage=None):
    """Load an archive written by backup_site into an empty database, and its media into the media storage."""
    storage = storage or default_storage
    archive, manifest = open_archive(path)
    pgdump = manifest["version"] == PGDUMP_VERSION
    connection = connections[DEFAULT_DB_ALIAS]
    # Content types are looked up by name while loading; never trust keys cached before the database was emptied.
    ContentType.objects.clear_cache()
    with archive, ExitStack() as cleanup:
        if pgdump and connection.vendor != "postgresql":
            raise BackupError(
                f"{path} holds a PostgreSQL dump (made by pg_dump), which only PostgreSQL can restore: restore it "
                f"into a PostgreSQL database, or back the site up with `backup_site --format json` to restore it "
                f"into {connection.display_name}; nothing was changed."
            )
        existing = database_contents()
        for name, count in backup_pg.occupied(manifest.get("counts", {})).items() if pgdump else ():
            existing.setdefault(name, count)
        if existing:
            listed = ", ".join(f"{count} {name}" for name, count in existing.items())
            raise BackupError(
                f"The database is not empty ({listed}). Restore only into a freshly migrated, empty database "
                "(for example a new database after `manage.py migrate`); nothing was changed."
            )
        applied = {tuple(item) for item in _applied_migrations()}
        missing = sorted(tuple(item) for item in manifest.get("migrations", []) if tuple(item) not in applied)
        if missing:
            listed = ", ".join(f"{app}.{name}" for app, name in missing[:5])
            raise BackupError(
                f"The archive was made by a newer version of the site (migrations not applied here: {listed}). "
                "Update the code and run `manage.py migrate` first; nothing was changed."
            )
        verify_members(path, archive, manifest)
        media = [m["name"].removeprefix("media/") for m in manifest["members"] if m["name"].startswith("media/")]
        if pgdump:
            dump = backup_pg.join_members(archive, manifest, cleanup.enter_context(tempfile.TemporaryDirectory()))
        staged = cleanup.enter_context(_discarded_on_exit([]))
        with transaction.atomic():
            try:
                restored = _load_pgdump(dump, manifest) if pgdump else _load_json(archive, manifest)
                _reset_sequences(connection, restored)
                # Rows loaded raw send no signals that keep the readers' lists: rebuilt here.
                listings.rebuild()
            except (DeserializationError, DatabaseError, LookupError, ValueError, TypeError) as error:
                reason = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
                raise BackupError(f"The archive's data could not be loaded ({reason}); nothing was restored.") from None
            counts = _check_counts(manifest)
            staged += stage_media(archive, media, storage)
        place_media(archive, staged, storage)
    planner.refresh_statistics(using=connection.alias)
    references = manifest.get("media_references", [])
    return BackupSummary(
        path=Path(path),
        counts=counts,
        media_references=references,
        media_files=media,
        missing_media=[name for name in references if not storage.exists(name)],
    )


def _load_json(archive, manifest):
    """Insert the rows of every JSON data member; the models restored."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.constraint_checks_disabled():
        for member in manifest["members"]:
            if not member["name"].startswith("media/"):
                _load_member(archive, member["name"], set(BY_NATURAL_KEY))
                gc.collect()
    connection.check_constraints()
    return [model for model, _natural in _dumped_models()]


def _load_pgdump(dump, manifest):
    """Load the dump through pg_restore; content types and permissions of models it did not know are added."""
    backup_pg.load(dump, connections[DEFAULT_DB_ALIAS], manifest)
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
    return [apps.get_model(label) for label in manifest["counts"]]


class _discarded_on_exit:
    """The list of staged media files, whose leftovers are removed however the restore ends."""

    def __init__(self, staged):
        self.staged = staged

    def __enter__(self):
        return self.staged

    def __exit__(self, *exc):
        discard_staged(self.staged)


def _reset_sequences(connection, restored):
    """Keys keep counting after the restored ones (PostgreSQL sequences; SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(_NoStyle(), restored)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def _check_counts(manifest):
    counts = {}
    for label, expected in manifest.get("counts", {}).items():
        counts[label] = apps.get_model(label)._default_manager.count()
        # Rows matched by natural key may have existed already (groups made by migrations).
        short_by = expected - counts[label] if label in AT_LEAST else abs(expected - counts[label])
        if short_by > 0:
            raise BackupError(
                f"Restored {counts[label]} rows of {label} but the archive lists {expected}; "
                "the restore was rolled back."
            )
    return counts
