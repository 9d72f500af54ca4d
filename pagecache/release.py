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
    """A short hash of the names and contents of the code files under paths (files or folders)."""
    digest = hashlib.sha256()
    for path in sorted(_code_files(paths)):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _code_files(paths):
    for path in map(Path, paths):
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (
                file
                for file in path.rglob("*")
                if file.suffix in CODE_SUFFIXES and "__pycache__" not in file.parts and file.is_file()
            )
