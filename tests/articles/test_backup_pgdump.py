"""Backups through PostgreSQL's own pg_dump and pg_restore: the dump split into bounded members with checksums,
verified before anything is written, and loaded in one transaction that a failure anywhere rolls back whole."""

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from articles import backup_pg
from articles.models import Article, StaticPage
from tests.articles.test_backup import build_site, counts, empty_the_site, snapshot, write_zip
from tests.articles.test_backup_streaming import flip_a_bit_inside, media_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump archives need PostgreSQL; run with DATABASE_URL=postgres://…"
    ),
]


def made_by_migrate():
    """The rows a migrated database holds before any content: a restore that fails must leave them as they were."""
    return (
        sorted(ContentType.objects.values_list("pk", "app_label", "model")),
        sorted(Permission.objects.values_list("pk", "codename")),
        sorted(Group.objects.values_list("pk", "name")),
    )


def rewrite(archive, target, change):
    """Copy archive to target with change(manifest, members) applied; listed sizes and checksums follow the content."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
        members = {name: source.read(name) for name in source.namelist() if name != "manifest.json"}
    change(manifest, members)
    for member in manifest["members"]:
        content = members[member["name"]]
        member.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
    write_zip(target, {**members, "manifest.json": json.dumps(manifest)})
    return target


def test_the_dump_is_split_into_bounded_members_that_pg_restore_reads_joined(tmp_path, media_root, monkeypatch):
    monkeypatch.setattr(backup_pg, "MEMBER_BYTES", 16 * 1024)
    build_site()
    before, before_counts = snapshot(), counts()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        dump = [m for m in manifest["members"] if m["name"].startswith("database/")]
        assert not [name for name in opened.namelist() if name.startswith("data/")]
        joined = b""
        for member in dump:
            content = opened.read(member["name"])
            assert len(content) == member["size"] <= 16 * 1024
            assert hashlib.sha256(content).hexdigest() == member["sha256"]
            joined += content
    assert len(dump) >= 3 and [m["name"] for m in dump] == [f"database/pgdump.{n:03d}" for n in range(len(dump))]
    assert (manifest["version"], manifest["data_format"]) == (3, "pgdump")
    assert manifest["counts"]["articles.article"] == 2 and manifest["counts"]["auth.user"] == 2
    assert "sessions.session" not in manifest["counts"] and "articles.listingentry" not in manifest["counts"]
    # Joined, the members are an ordinary custom-format dump.
    (tmp_path / "site.dump").write_bytes(joined)
    listing = subprocess.run(
        [backup_pg.tool("pg_restore", connection), "--list", str(tmp_path / "site.dump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA public articles_article " in listing

    empty_the_site(media_root)
    call_command("restore_site", str(archive), verbosity=0)
    assert counts() == before_counts
    assert snapshot() == before


def test_a_damaged_dump_member_is_refused_before_anything_changes(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    flip_a_bit_inside(archive, "database/pgdump.000")
    empty_the_site(media_root)
    (Path(media_root) / "kept.txt").write_bytes(b"an existing file")
    before, files_before = made_by_migrate(), media_bytes(media_root)

    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(archive), verbosity=0)

    message = str(error.value)
    assert "is damaged: database/pgdump.000" in message and "nothing was restored" in message
    assert not Article.objects.exists()
    assert made_by_migrate() == before
    assert media_bytes(media_root) == files_before


def test_a_dump_pg_restore_cannot_read_leaves_the_database_as_it_was(tmp_path, media_root):
    """A dump cut short (its manifest rewritten to match, as a faulty backup job could have written it):
    pg_restore fails partway through the rows, and everything already loaded is rolled back."""
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)

    def cut_short(manifest, members):
        # The last blocks of rows go missing: pg_restore has already given most tables' rows when it fails.
        members["database/pgdump.000"] = members["database/pgdump.000"][:-200]

    cut = rewrite(archive, tmp_path / "cut.zip", cut_short)
    empty_the_site(media_root)
    before = made_by_migrate()

    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(cut), verbosity=0)

    message = str(error.value)
    assert message.startswith("pg_restore failed: pg_restore: error: ") and message.endswith("nothing was restored.")
    assert not Article.objects.exists()
    assert made_by_migrate() == before
    assert not any(Path(media_root).rglob("*"))


def test_a_restore_whose_counts_differ_is_rolled_back_whole(tmp_path, media_root):
    """pg_restore loads every row, then the count check fails: the whole load, rebuild included, is undone."""
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    wrong = rewrite(
        archive, tmp_path / "wrong.zip", lambda manifest, _: manifest["counts"].update({"articles.article": 3})
    )
    empty_the_site(media_root)
    before = made_by_migrate()

    with pytest.raises(
        CommandError, match=r"Restored 2 rows of articles\.article but the archive lists 3; the restore"
    ):
        call_command("restore_site", str(wrong), verbosity=0)

    assert not Article.objects.exists()
    assert made_by_migrate() == before
    assert not any(Path(media_root).rglob("*"))
    call_command("restore_site", str(archive), verbosity=0)
    assert Article.objects.count() == 2


def test_a_dump_is_not_restored_over_rows_a_json_restore_would_not_check(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), verbosity=0)
    empty_the_site(media_root)
    StaticPage.objects.create(kind=StaticPage.Kind.ABOUT, title="About us")
    with pytest.raises(CommandError, match=r"The database is not empty \(1 site pages\).*nothing was changed"):
        call_command("restore_site", str(archive), verbosity=0)
    assert not Article.objects.exists()
