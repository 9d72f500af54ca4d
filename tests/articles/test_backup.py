import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Revision, Version

from articles.backup import dump_records
from articles.models import Article, Author, Correction, PromoFooter, RegionTag, TopicTag
from tests.helpers.factories import make_article, make_author, make_footer
from tests.helpers.images import image_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

COUNTED_MODELS = [Article, Author, RegionTag, TopicTag, PromoFooter, Correction, Revision, Version, LogEntry, Group]

# pg_dump archives, on PostgreSQL only; JSON archives on either database (a JSON archive restores into PostgreSQL too).
needs_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump archives need PostgreSQL; run with DATABASE_URL=postgres://…"
    ),
]
FORMATS = [pytest.param("json", id="json"), pytest.param("pgdump", id="pgdump", marks=needs_postgres)]


def build_site():
    """A small newsroom with one of everything the backup must carry."""
    User = get_user_model()
    editors, _ = Group.objects.get_or_create(name="Editor")
    editors.permissions.add(Permission.objects.get(codename="change_article"))
    editor = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    editor.groups.add(editors)
    User.objects.create_user("gone", password="x")
    User.objects.filter(username="gone").delete()  # leaves a gap in user keys
    reporter = User.objects.create_user("reporter", password="pw-reporter-123", is_staff=True)
    amira = make_author(
        "Amira Patel", user=reporter, title="Westminster reporter", photo=upload("amira.png", image_bytes("PNG"))
    )
    tom = make_author("Tom Whitaker")
    live = make_article(
        "Lantern walk returns",
        status=Article.Status.PUBLISHED,
        authors=[amira, tom],
        regions=["London", "Pimlico"],
        topics=["Culture"],
        hero_image=upload("lanterns.jpg", image_bytes("JPEG", size=(1000, 600))),
        hero_alt="Lanterns by the river",
        body='<p>Café <a href="https://example.com">link</a> “quotes” 🎄</p>',
    )
    make_article("A draft", authors=[tom], regions=["Westminster"], topics=["Politics"])
    Correction.objects.create(article=live, text="An earlier version misspelt Warwick Square.", created_by=editor)
    make_footer(name="Default", teaser_article=live, is_default=True)
    with reversion.create_revision():
        live.standfirst = "Revised standfirst."
        live.save()
        reversion.set_user(editor)
        reversion.set_comment("Tightened the standfirst")
    LogEntry.objects.log_actions(editor.pk, [live], CHANGE, change_message="Edited")
    return live


def snapshot():
    records = dump_records()
    return sorted(json.dumps(record, sort_keys=True) for record in records)


def counts():
    result = {model._meta.label: model.objects.count() for model in COUNTED_MODELS}
    result["auth.User"] = get_user_model().objects.count()
    return result


def empty_the_site(media_root):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(media_root).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.parametrize("data_format", FORMATS)
def test_round_trip_restores_identical_counts_content_and_media(tmp_path, media_root, data_format):
    live = build_site()
    before, before_counts = snapshot(), counts()
    media_before = {p.relative_to(media_root): p.read_bytes() for p in Path(media_root).rglob("*") if p.is_file()}
    assert len(media_before) >= 1 + 1 + 6  # photo, hero, renditions
    archive = tmp_path / "site.zip"

    call_command("backup_site", str(archive), "--with-media", "--format", data_format, verbosity=0)
    with zipfile.ZipFile(archive) as opened:
        assert json.loads(opened.read("manifest.json"))["data_format"] == data_format
    empty_the_site(media_root)
    assert not Article.objects.exists()
    assert not any(Path(media_root).rglob("*"))
    call_command("restore_site", str(archive), verbosity=0)

    assert counts() == before_counts
    assert snapshot() == before
    media_after = {p.relative_to(media_root): p.read_bytes() for p in Path(media_root).rglob("*") if p.is_file()}
    assert media_after == media_before

    restored = Article.objects.get(pk=live.pk)
    assert restored.hero_renditions == live.hero_renditions
    assert [a.name for a in restored.authors] == ["Amira Patel", "Tom Whitaker"]
    assert sorted(restored.regions.names()) == ["London", "Pimlico"]
    assert restored.is_live
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("pw-editor-123")
    assert editor.has_perm("articles.change_article")
    version = Version.objects.get_for_object(restored).first()
    assert version.revision.user == editor
    assert version.field_dict["standfirst"] == "Revised standfirst."
    # Keys keep counting after the restore (sequences reset on PostgreSQL).
    assert make_article("After the restore").pk > live.pk
    assert get_user_model().objects.create_user("new").pk > editor.pk


def test_backup_without_media_lists_the_references(tmp_path, media_root):
    build_site()
    archive = tmp_path / "data-only.zip"
    call_command("backup_site", str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        assert not [name for name in opened.namelist() if name.startswith("media/")]
    assert manifest["media_included"] is False
    assert any(name.startswith(("heroes/", "library/")) for name in manifest["media_references"])
    assert any(name.startswith("renditions/") for name in manifest["media_references"])
    assert manifest["counts"]["articles.article"] == 2


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), verbosity=0)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(archive), verbosity=0)
    message = str(error.value)
    assert "The database is not empty (2 stories" in message
    assert "nothing was changed" in message
    assert snapshot() == before


def test_restore_into_a_migrated_database_with_groups_already_made(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    before = snapshot()
    empty_the_site(media_root)
    Group.objects.get_or_create(name="Editor")  # the role migration makes it after every flush
    call_command("restore_site", str(archive), verbosity=0)
    assert snapshot() == before


def write_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


GOOD_MANIFEST = json.dumps({"format": "newsroom-site-backup", "version": 1, "counts": {}, "migrations": []})

# One row per archive that must be refused with a clear message and nothing written.
BAD_ARCHIVES = [
    ("missing", None, "no such file"),
    ("not-a-zip", b"just some text", "not a backup archive"),
    ("no-manifest", {"data.json": "[]"}, "has no manifest.json"),
    ("foreign-zip", {"manifest.json": "{}", "data.json": "[]"}, "not a site backup made by backup_site"),
    ("bad-json", {"manifest.json": "{nope", "data.json": "[]"}, "is damaged"),
    (
        "future-version",
        {"manifest.json": GOOD_MANIFEST.replace('"version": 1', '"version": 9'), "data.json": "[]"},
        "format version 9",
    ),
    (
        "newer-schema",
        {
            "manifest.json": GOOD_MANIFEST.replace('"migrations": []', '"migrations": [["articles", "9999_future"]]'),
            "data.json": "[]",
        },
        "made by a newer version",
    ),
    (
        "path-escape",
        {"manifest.json": GOOD_MANIFEST, "data.json": "[]", "media/../../evil.txt": "x"},
        "unsafe file name",
    ),
    (
        "unknown-model",
        {"manifest.json": GOOD_MANIFEST, "data.json": '[{"model": "nowhere.thing", "pk": 1, "fields": {}}]'},
        "could not be loaded",
    ),
    (
        "bad-rows",
        {"manifest.json": GOOD_MANIFEST, "data.json": '[{"model": "articles.article", "pk": 1, "fields": {}}]'},
        "could not be loaded",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_ARCHIVES, ids=[row[0] for row in BAD_ARCHIVES])
def test_bad_archives_are_refused_in_plain_words(tmp_path, media_root, name, content, message):
    path = tmp_path / f"{name}.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        write_zip(path, content)
    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(path), verbosity=0)
    assert message in str(error.value)
    assert not Article.objects.exists()
    assert not (tmp_path / "evil.txt").exists()


def test_backup_refuses_a_folder_or_missing_parent(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup_site", str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup_site", str(tmp_path / "nope" / "site.zip"), verbosity=0)


def test_content_types_are_not_dumped_but_referenced_by_name():
    build_site()
    models = {record["model"] for record in dump_records()}
    assert "contenttypes.contenttype" not in models and "auth.permission" not in models
    assert {"articles.article", "articles.byline", "articles.taggedregion", "reversion.version", "auth.user"} <= models
    assert ContentType.objects.exists()


def test_times_survive_a_round_trip_to_the_microsecond(tmp_path, media_root):
    build_site()
    # Django's own JSON keeps milliseconds: 12:00:00.000123 would come back as 12:00:00.
    exact = datetime(2026, 3, 1, 12, 0, 0, 123, tzinfo=UTC)
    Article.objects.update(created_at=exact)
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    before = snapshot()
    empty_the_site(media_root)
    call_command("restore_site", str(archive), verbosity=0)
    assert set(Article.objects.values_list("created_at", flat=True)) == {exact}
    assert snapshot() == before


@pytest.mark.sqlite
@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks what SQLite does with a PostgreSQL archive")
def test_sqlite_refuses_a_pg_dump_archive_and_the_pgdump_format_in_plain_words(tmp_path):
    manifest = {"format": "newsroom-site-backup", "version": 3, "data_format": "pgdump", "counts": {}}
    manifest["members"] = [{"name": "database/pgdump.000", "size": 5, "sha256": hashlib.sha256(b"PGDMP").hexdigest()}]
    path = write_zip(tmp_path / "pg.zip", {"database/pgdump.000": b"PGDMP", "manifest.json": json.dumps(manifest)})
    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(path), verbosity=0)
    assert "restore it into a PostgreSQL database, or back the site up with `backup_site --format json`" in str(
        error.value
    )
    with pytest.raises(CommandError, match="The pgdump format needs PostgreSQL, and this site runs on SQLite"):
        call_command("backup_site", str(tmp_path / "site.zip"), "--format", "pgdump", verbosity=0)
    assert not (tmp_path / "site.zip").exists()
