"""The media side of a site backup: which files the rows use, and copying them in and out in blocks.

A restore stages local files under temporary names beside their final ones and moves them into
place only once the database has committed, so a refused or failed restore leaves every existing
file as it was.
"""

import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import models

from .exceptions import BackupError

COPY_BLOCK = 1024 * 1024


def media_references():
    """Names of the media files the current rows point to (uploads and their renditions)."""
    names = set()
    media_url = settings.MEDIA_URL

    def urls(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "url" and isinstance(item, str) and item.startswith(media_url):
                    names.add(item.removeprefix(media_url))
                else:
                    urls(item)
        elif isinstance(value, list):
            for item in value:
                urls(item)

    for model in apps.get_app_config("articles").get_models():
        fields = model._meta.concrete_fields
        file_fields = [f.attname for f in fields if isinstance(f, models.FileField)]
        rendition_fields = [f.attname for f in fields if isinstance(f, models.JSONField) and "rendition" in f.name]
        if not file_fields and not rendition_fields:
            continue
        for values in model._default_manager.values_list(*file_fields, *rendition_fields).iterator():
            names.update(value for value in values[: len(file_fields)] if value)
            urls(list(values[len(file_fields) :]))
    return sorted(names)


def media_files(storage):
    """Every file name in the media storage, sorted (links on a local disk are left out)."""
    found = []

    def walk(prefix):
        try:
            folders, files = storage.listdir(prefix)
        except FileNotFoundError:
            return
        for name in files:
            path = f"{prefix}{name}"
            if isinstance(storage, FileSystemStorage) and os.path.islink(storage.path(path)):
                continue
            found.append(path)
        for folder in folders:
            walk(f"{prefix}{folder}/")

    walk("")
    return sorted(found)


def read_blocks(handle):
    while block := handle.read(COPY_BLOCK):
        yield block


def stage_media(archive, media, storage):
    """Write the media members beside their final names (local disk), or return them for later upload."""
    staged = []
    local = isinstance(storage, FileSystemStorage)
    for name in media:
        if not local:
            staged.append((name, None))
            continue
        target = Path(storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".restoring")
        staged.append((name, temporary))
        with os.fdopen(handle, "wb") as destination, archive.open(f"media/{name}") as source:
            for block in read_blocks(source):
                destination.write(block)
        os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
    return staged


def place_media(archive, staged, storage):
    for name, temporary in staged:
        if temporary is not None:
            os.replace(temporary, storage.path(name))
            continue
        if storage.exists(name):
            storage.delete(name)
        with archive.open(f"media/{name}") as source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; the media restore is incomplete.")


def discard_staged(staged):
    for _name, temporary in staged:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
