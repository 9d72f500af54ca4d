"""Backup archives kept in the backup storage (`STORAGES["backups"]`, set by BACKUP_STORAGE_URL): a private bucket.

The archive is always written and read as a local file first (a zip is read from its end, and restore checks
every member before writing anything), then copied to or from the storage in blocks, so memory stays flat
whatever its size.
"""

import shutil
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import InvalidStorageError, storages

from .exceptions import BackupError

ALIAS = "backups"
BLOCK = 1024 * 1024


def backup_storage():
    try:
        return storages[ALIAS]
    except InvalidStorageError:
        raise BackupError(
            "No backup storage is configured: set BACKUP_STORAGE_URL (s3://bucket/prefix?endpoint_url=…)."
        ) from None


def archive_name_problems(name):
    """Why `name` cannot be an archive's name in the backup storage, or None."""
    parts = Path(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name or not name.endswith(".zip"):
        return f"“{name}” is not a usable archive name: a relative name ending in .zip, e.g. site-2026-11-30.zip."
    return None


def upload_archive(local_path, name):
    """Copy the archive at local_path into the backup storage as name; the name it was stored under.

    The storage never replaces an archive: when name is taken, it picks a free one (and says so by returning it).
    """
    if problem := archive_name_problems(name):
        raise BackupError(problem)
    storage = backup_storage()
    with open(local_path, "rb") as archive:
        return storage.save(name, File(archive, name=name))


def download_archive(name, folder):
    """Copy the archive `name` from the backup storage into a new file in folder; its local path."""
    if problem := archive_name_problems(name):
        raise BackupError(problem)
    storage = backup_storage()
    if not storage.exists(name):
        raise BackupError(f"The backup storage has no archive named “{name}”.")
    handle, local = tempfile.mkstemp(suffix=".zip", dir=folder)
    with storage.open(name, "rb") as remote, open(handle, "wb") as copy:
        shutil.copyfileobj(remote, copy, BLOCK)
    return Path(local)
