"""Reading a backup archive and checking it against its manifest before anything is trusted; writing its members."""

import hashlib
import json
import re
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .backup_media import read_blocks
from .exceptions import BackupError

ARCHIVE_FORMAT = "newsroom-site-backup"
# Version 2 holds the rows as JSON (`data/`), version 3 a PostgreSQL dump (`database/pgdump.NNN`).
ARCHIVE_VERSION = 2
PGDUMP_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
DUMP_MEMBER = re.compile(r"database/pgdump\.\d{3,6}")
# The manifest is read whole before anything is trusted; a real one is well under this.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


def write_member(archive, name, chunks, *, stored=False):
    """Stream chunks (bytes) into a new member (kept as it is if stored); (size, sha256) of what was written."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w", force_zip64=True) as member:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            member.write(chunk)
    return size, digest.hexdigest()


def open_archive(path):
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{path} is not a backup archive (not a zip file).") from None
    try:
        manifest = read_manifest(path, archive)
    except BaseException:
        archive.close()
        raise
    return archive, manifest


def read_manifest(path, archive):
    names = set(archive.namelist())
    if "manifest.json" not in names:
        raise BackupError(f"{path} is not a site backup: it has no manifest.json.")
    if archive.getinfo("manifest.json").file_size > MAX_MANIFEST_BYTES:
        raise BackupError(f"{path}: its manifest is implausibly large; the archive is not trusted.")
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (ValueError, zipfile.BadZipFile, OSError):
        raise BackupError(f"{path} is damaged: its manifest cannot be read.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is not a site backup made by backup_site.")
    if manifest.get("version") not in READABLE_VERSIONS:
        raise BackupError(
            f"{path} has backup format version {manifest.get('version')}; this site reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS[:-1]))} and {READABLE_VERSIONS[-1]}."
        )
    if manifest["version"] == 1:
        # One data.json and the media, checked by the zip's own CRCs only.
        if "data.json" not in names:
            raise BackupError(f"{path} is not a site backup: it has no manifest.json and data.json.")
        manifest["members"] = [{"name": "data.json", "model": None}] + [
            {"name": name} for name in sorted(names) if name.startswith("media/")
        ]
    members = manifest.get("members")
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("name"), str) for m in members
    ):
        raise BackupError(f"{path} is damaged: its manifest lists no members.")
    for member in members:
        check_member_name(member["name"])
    counts = manifest.get("counts", {})
    if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
        raise BackupError(f"{path} is damaged: its manifest's row counts cannot be read.")
    return manifest


def check_member_name(name):
    if name.startswith("media/"):
        relative = name.removeprefix("media/")
        parts = PurePosixPath(relative).parts
        if not parts or relative.startswith("/") or "\\" in relative or ".." in parts or "\x00" in relative:
            raise BackupError(f"The archive holds an unsafe file name ({name!r}); nothing was restored.")
    elif DUMP_MEMBER.fullmatch(name):
        return
    elif not (name == "data.json" or (name.startswith("data/") and "/" not in name[5:] and ".." not in name)):
        raise BackupError(f"The archive lists an unexpected member ({name!r}); nothing was restored.")


def verify_members(path, archive, manifest):
    """Read every member once and compare it with the manifest, before anything is written."""
    listed = {member["name"] for member in manifest["members"]}
    for info in archive.infolist():
        if info.is_dir() or info.filename == "manifest.json":
            continue
        if info.filename.startswith("media/"):
            check_member_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise BackupError(f"The archive holds an unsafe file name ({info.filename!r}); nothing was restored.")
        if info.filename not in listed:
            raise BackupError(f"{path} holds {info.filename}, which its manifest does not list; nothing was restored.")
    for member in manifest["members"]:
        name = member["name"]
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise BackupError(f"{path} is incomplete: {name} is missing; nothing was restored.") from None
        expected_size = member.get("size")
        if expected_size is not None and info.file_size != expected_size:
            raise BackupError(
                f"{path} is damaged: {name} holds {info.file_size} bytes where the manifest lists {expected_size}; "
                "nothing was restored."
            )
        digest = hashlib.sha256()
        try:
            with archive.open(info) as source:
                for block in read_blocks(source):
                    digest.update(block)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise BackupError(
                f"{path} is damaged: {name} cannot be read ({str(error)[:120]}); nothing was restored."
            ) from None
        if member.get("sha256") is not None and digest.hexdigest() != member["sha256"]:
            raise BackupError(f"{path} is damaged: {name} does not match its checksum; nothing was restored.")
