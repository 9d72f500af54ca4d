"""The release a process runs: part of every cache key, so a deploy never reads another release's entries."""

import functools
import hashlib
from pathlib import Path

from django.conf import settings

CODE_SUFFIXES = {".py", ".html", ".xml", ".txt", ".css", ".js"}


@functools.cache
def current_release():
    """`PAGE_CACHE_RELEASE` when set, else a fingerprint of the code, read once per process."""
    configured = getattr(settings, "PAGE_CACHE_RELEASE", "")
    if configured:
        return configured
    return code_fingerprint(getattr(settings, "PAGE_CACHE_CODE_PATHS", []))


def code_fingerprint(paths):
    """A short hash of the names and contents of the code files under paths (files or folders).

    Names are taken relative to each path's parent, so the same code installed in
    two places (two app servers) has the same fingerprint.
    """
    digest = hashlib.sha256()
    for name, file in sorted(_code_files(paths)):
        digest.update(name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _code_files(paths):
    for path in map(Path, paths):
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for file in files:
            if file.suffix in CODE_SUFFIXES and "__pycache__" not in file.parts and file.is_file():
                yield file.relative_to(path.parent).as_posix(), file
