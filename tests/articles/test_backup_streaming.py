"""Backups that restore at any size: bounded members with checksums, verified before anything is written,
media moved into place only after the database committed, memory flat as the archive grows."""

import hashlib
import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles import backup
from articles.models import Article
from devtools.archive import generate_archive
from tests.articles.test_backup import build_site, counts, empty_the_site, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def media_bytes(media_root):
    return {p.relative_to(media_root).as_posix(): p.read_bytes() for p in Path(media_root).rglob("*") if p.is_file()}


def flip_a_bit_inside(archive_path, member_name):
    """Flip one bit in the middle of a member's stored data, as a failing disk or a bad copy would."""
    with zipfile.ZipFile(archive_path) as archive:
        info = archive.getinfo(member_name)
    data = bytearray(Path(archive_path).read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0x10
    Path(archive_path).write_bytes(bytes(data))


def largest_media_member(archive_path):
    with zipfile.ZipFile(archive_path) as archive:
        media = [info for info in archive.infolist() if info.filename.startswith("media/")]
    return max(media, key=lambda info: info.compress_size).filename


def test_damaged_backup_destroys_media(tmp_path, media_root):
    """Finding: a bit flip inside one media file of an archive crashed the restore with a raw traceback and left
    the existing file of that name truncated to 0 bytes. The restore now refuses the archive in plain words before
    it touches the database or any file."""
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    member = largest_media_member(archive)
    flip_a_bit_inside(archive, member)
    call_command("flush", interactive=False, verbosity=0)
    files_before = media_bytes(media_root)
    assert files_before[member.removeprefix("media/")]

    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(archive), verbosity=0)

    message = str(error.value)
    assert "is damaged" in message and member in message and "nothing was restored" in message
    assert media_bytes(media_root) == files_before  # every existing file intact, none truncated
    assert not Article.objects.exists()
    assert not [p for p in Path(media_root).rglob("*") if ".restoring" in p.name]


def test_a_member_that_does_not_match_its_checksum_is_refused(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", "--format", "json", verbosity=0)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        data_member = next(m for m in manifest["members"] if m["model"] == "articles.article")
        for info in source.infolist():
            content = source.read(info)
            if info.filename == data_member["name"]:
                # Same length (so the size check passes), a valid zip CRC, different content.
                content = content.replace(b"Lantern walk returns", b"Lantern walk RETURNS")
            target.writestr(info, content)
    empty_the_site(media_root)
    with pytest.raises(CommandError, match="does not match its checksum; nothing was restored"):
        call_command("restore_site", str(tampered), verbosity=0)
    assert not Article.objects.exists()
    assert not any(Path(media_root).rglob("*"))


@pytest.mark.parametrize("change", ["missing", "unlisted", "resized"])
def test_an_archive_that_differs_from_its_manifest_is_refused(tmp_path, media_root, change):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(changed, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        dropped = manifest["members"][-1]["name"]
        for info in source.infolist():
            if change == "missing" and info.filename == dropped:
                continue
            content = source.read(info)
            if change == "resized" and info.filename == dropped:
                content += b"\0"
            target.writestr(info, content)
        if change == "unlisted":
            target.writestr("media/extra.txt", b"not in the manifest")
    empty_the_site(media_root)
    expected = {"missing": "is incomplete", "unlisted": "does not list", "resized": "where the manifest lists"}[change]
    with pytest.raises(CommandError, match=expected):
        call_command("restore_site", str(changed), verbosity=0)
    assert not Article.objects.exists()
    assert not any(Path(media_root).rglob("*"))


def test_rows_are_split_into_bounded_members_listed_with_counts_and_checksums(tmp_path, media_root, monkeypatch):
    monkeypatch.setattr(backup, "ROWS_PER_MEMBER", 2)
    build_site()
    for number in range(5):
        Article.objects.create(headline=f"Extra story {number}", slug=f"extra-story-{number}", body="<p>x</p>")
    before, before_counts = snapshot(), counts()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", "--format", "json", verbosity=0)

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        data = [m for m in manifest["members"] if m["name"].startswith("data/")]
        assert "data.json" not in opened.namelist()
        for member in manifest["members"]:
            content = opened.read(member["name"])
            assert len(content) == member["size"]
            assert hashlib.sha256(content).hexdigest() == member["sha256"]
    article_members = [m for m in data if m["model"] == "articles.article"]
    assert len(article_members) == 4 and all(m["rows"] <= 2 for m in data)
    assert sum(m["rows"] for m in article_members) == manifest["counts"]["articles.article"] == 7
    assert manifest["version"] == 2

    empty_the_site(media_root)
    call_command("restore_site", str(archive), verbosity=0)
    assert counts() == before_counts
    assert snapshot() == before


def test_restore_replaces_an_existing_media_file_only_after_success(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    originals = media_bytes(media_root)
    call_command("flush", interactive=False, verbosity=0)
    name = sorted(originals)[0]
    (Path(media_root) / name).write_bytes(b"a different file of the same name")
    call_command("restore_site", str(archive), verbosity=0)
    assert media_bytes(media_root) == originals


def peak_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def round_trip_peaks(tmp_path, media_root, articles):
    generate_archive(articles=articles, seed=articles)
    archive = tmp_path / f"site-{articles}.zip"
    expected = Article.objects.count()
    backup_peak = peak_memory(lambda: backup.backup_site(path=archive))
    empty_the_site(media_root)
    restore_peak = peak_memory(lambda: backup.restore_site(path=archive))
    assert Article.objects.count() == expected
    call_command("flush", interactive=False, verbosity=0)
    return backup_peak, restore_peak


def test_memory_stays_flat_as_the_archive_grows(tmp_path, media_root, monkeypatch):
    """Four times the articles, about the same peak memory: nothing is held whole (the old backup kept every row
    in memory as one JSON document and the old restore read that document whole)."""
    monkeypatch.setattr(backup, "ROWS_PER_MEMBER", 50)
    small = round_trip_peaks(tmp_path, media_root, 150)
    large = round_trip_peaks(tmp_path, media_root, 600)
    print(f"peak memory (backup, restore): 150 articles {small}, 600 articles {large}")
    for small_peak, large_peak in zip(small, large, strict=True):
        assert large_peak < small_peak * 1.6, (small, large)
