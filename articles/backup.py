"""Whole-site backup and restore: one zip archive with the data, a manifest and optionally the media.

The archive holds `manifest.json` (format, counts per model, applied
migrations, media references), `data.json` (Django's serialised rows) and,
when asked, `media/<name>` for every file under MEDIA_ROOT. Restoring refuses
any database that already holds content, loads everything in one
transaction, and checks that the counts match the manifest before committing.
"""

import io
import json
import os
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import listings
from .exceptions import BackupError

ARCHIVE_FORMAT = "newsroom-site-backup"
ARCHIVE_VERSION = 1
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
MAX_MEMBER_BYTES = 200 * 1024 * 1024
# Rebuilt from the restored rows (`articles.listings`), never archived.
DERIVED_MODELS = ["articles.ListingEntry"]


@dataclass
class BackupSummary:
    path: Path
    counts: dict
    media_references: list
    media_files: list = field(default_factory=list)
    missing_media: list = field(default_factory=list)


def _dump(labels, *, natural_primary):
    output = io.StringIO()
    call_command(
        "dumpdata",
        *labels,
        exclude=DERIVED_MODELS,
        natural_foreign=True,
        natural_primary=natural_primary,
        format=BACKUP_FORMAT,
        stdout=output,
        verbosity=0,
    )
    return json.loads(output.getvalue() or "[]")


def dump_records():
    """Every row the site needs, serialised; one consistent snapshot on PostgreSQL."""
    with transaction.atomic():
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _dump(BY_NATURAL_KEY, natural_primary=True) + _dump(BY_PRIMARY_KEY, natural_primary=False)


def media_references():
    """Names of the media files the current rows point to (uploads and their renditions)."""
    names = set()
    media_url = settings.MEDIA_URL
    for model in apps.get_app_config("articles").get_models():
        file_fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for values in model._default_manager.values_list(*file_fields) if file_fields else []:
            names.update(value for value in values if value)
    for renditions in apps.get_model("articles", "Article")._default_manager.values_list("hero_renditions", flat=True):
        for key in ("webp", "jpeg"):
            for entry in (renditions or {}).get(key, []):
                if entry.get("url", "").startswith(media_url):
                    names.add(entry["url"].removeprefix(media_url))
    return sorted(names)


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file() and not path.is_symlink()
    )


def _applied_migrations():
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations() if app in DUMPED_APPS)


def backup_site(*, path, include_media=False):
    """Write the whole site to a zip archive at path (written to a temporary name, then moved)."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the name of the archive to write, e.g. {path}/site.zip.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    records = dump_records()
    counts = dict(sorted(Counter(record["model"] for record in records).items()))
    references = media_references()
    files = _media_files() if include_media else []
    manifest = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "created_at": timezone.now().isoformat(),
        "counts": counts,
        "migrations": _applied_migrations(),
        "media_references": references,
        "media_included": include_media,
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.writestr("data.json", json.dumps(records, ensure_ascii=False))
            for name in files:
                archive.write(Path(settings.MEDIA_ROOT) / name, f"media/{name}")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return BackupSummary(path=path, counts=counts, media_references=references, media_files=files)


def _read_archive(path):
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{path} is not a backup archive (not a zip file).") from None
    names = set(archive.namelist())
    if not {"manifest.json", "data.json"} <= names:
        archive.close()
        raise BackupError(f"{path} is not a site backup: it has no manifest.json and data.json.")
    for info in archive.infolist():
        if info.file_size > MAX_MEMBER_BYTES:
            archive.close()
            raise BackupError(f"{path}: {info.filename} is implausibly large; the archive is not trusted.")
    try:
        manifest = json.loads(archive.read("manifest.json"))
        records = json.loads(archive.read("data.json"))
    except (ValueError, zipfile.BadZipFile, OSError):
        archive.close()
        raise BackupError(f"{path} is damaged: its manifest or data cannot be read.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        archive.close()
        raise BackupError(f"{path} is not a site backup made by backup_site.")
    if manifest.get("version") != ARCHIVE_VERSION:
        archive.close()
        raise BackupError(f"{path} has backup format version {manifest.get('version')}; this site reads version 1.")
    return archive, manifest, records


def _safe_media_members(archive):
    """Media members as (member, relative name); refuse absolute paths, '..' and links."""
    members = []
    for info in archive.infolist():
        if not info.filename.startswith("media/") or info.is_dir():
            continue
        name = info.filename.removeprefix("media/")
        parts = PurePosixPath(name).parts
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        if not parts or name.startswith("/") or "\\" in name or ".." in parts or is_link:
            raise BackupError(f"The archive holds an unsafe file name ({info.filename!r}); nothing was restored.")
        members.append((info, name))
    return members


def database_contents():
    """Counts of content rows present now, only those above zero."""
    found = {}
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        count = model._default_manager.count()
        if count:
            found[str(model._meta.verbose_name_plural)] = count
    return found


def restore_site(*, path):
    """Load an archive written by backup_site into an empty database, and its media into MEDIA_ROOT."""
    archive, manifest, records = _read_archive(path)
    # Content types are looked up by name while loading; never trust keys cached before the database was emptied.
    ContentType.objects.clear_cache()
    with archive:
        existing = database_contents()
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
        media_members = _safe_media_members(archive)
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as folder:
                fixture = Path(folder) / "site.json"
                fixture.write_text(json.dumps(records), encoding="utf-8")
                try:
                    call_command("loaddata", str(fixture), verbosity=0)
                    # Rows loaded raw send no signals that keep the readers' lists: rebuilt here.
                    listings.rebuild()
                except (DeserializationError, DatabaseError, LookupError, ValueError, TypeError) as error:
                    reason = str(error).splitlines()[0][:300]
                    raise BackupError(
                        f"The archive's data could not be loaded ({reason}); nothing was restored."
                    ) from None
            counts = {}
            for label, expected in manifest.get("counts", {}).items():
                counts[label] = apps.get_model(label)._default_manager.count()
                # Rows matched by natural key may have existed already (groups made by migrations).
                short_by = expected - counts[label] if label in BY_NATURAL_KEY else abs(expected - counts[label])
                if short_by > 0:
                    raise BackupError(
                        f"Restored {counts[label]} rows of {label} but the archive lists {expected}; "
                        "the restore was rolled back."
                    )
            written = []
            for info, name in media_members:
                target = Path(settings.MEDIA_ROOT) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as destination:
                    destination.write(source.read())
                written.append(name)
    references = manifest.get("media_references", [])
    return BackupSummary(
        path=Path(path),
        counts=counts,
        media_references=references,
        media_files=written,
        missing_media=[name for name in references if not default_storage.exists(name)],
    )
