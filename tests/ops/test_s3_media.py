"""Media on an S3-compatible bucket (django-storages, boto3) against a real S3 server (moto in server mode):
uploads and renditions land in the bucket with the right headers and are served from MEDIA_URL; backups
copy media from the bucket and restores put it back, refusing a damaged archive before writing anything."""

import hashlib
import io
import struct
import urllib.request
import uuid
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles import backup
from articles.models import Article
from ops.storage import MEDIA_CACHE_CONTROL
from tests.helpers.factories import make_article
from tests.helpers.images import image_bytes, upload
from tests.helpers.s3 import use_bucket

pytestmark = pytest.mark.django_db(transaction=True)


def objects(client, bucket_name):
    listing = client.list_objects_v2(Bucket=bucket_name).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket_name, Key=item["Key"])["Body"].read() for item in listing}


def test_uploads_and_renditions_go_to_the_bucket_with_headers_and_are_served(bucket, client):
    s3, name = bucket
    article = make_article(
        "Bridge lights",
        status=Article.Status.PUBLISHED,
        hero_image=upload("bridge.jpg", image_bytes("JPEG", size=(1200, 800))),
        hero_alt="The bridge lit up",
    )
    stored = objects(s3, name)
    assert stored and all(key.startswith("site/") for key in stored)
    webp = [key for key in stored if key.endswith(".webp")]
    jpeg = [key for key in stored if key.endswith(".jpg")]
    assert webp and jpeg
    for key in webp[:1] + jpeg[:1]:
        head = s3.head_object(Bucket=name, Key=key)
        assert head["ContentType"] == ("image/webp" if key.endswith(".webp") else "image/jpeg")
        assert head["CacheControl"] == MEDIA_CACHE_CONTROL
    page = client.get(article.get_absolute_url()).content.decode()
    served = [key for key in stored if f"/{name}/{key}" in page]
    assert served, "the page links its images on the bucket's address"
    with urllib.request.urlopen(f"{default_storage.url(served[0].removeprefix('site/'))}") as response:
        assert response.read() == stored[served[0]]


def test_backup_and_restore_through_the_bucket(bucket, s3_endpoint, settings, tmp_path):
    s3, name = bucket
    make_article("Market day", status=Article.Status.PUBLISHED, hero_image=upload("market.jpg", image_bytes("JPEG")))
    before = objects(s3, name)
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--with-media", verbosity=0)
    with zipfile.ZipFile(archive) as opened:
        archived = {n.removeprefix("media/") for n in opened.namelist() if n.startswith("media/")}
    assert {f"site/{n}" for n in archived} == set(before)

    call_command("flush", interactive=False, verbosity=0)
    restored_bucket = f"restored-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=restored_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    use_bucket(settings, s3_endpoint, restored_bucket)
    call_command("restore_site", str(archive), verbosity=0)
    assert objects(s3, restored_bucket) == before
    assert Article.objects.get().hero_image.name


def test_a_damaged_archive_leaves_the_bucket_untouched(bucket, tmp_path):
    s3, name = bucket
    make_article("Canal boats", status=Article.Status.PUBLISHED, hero_image=upload("boats.jpg", image_bytes("JPEG")))
    archive = tmp_path / "site.zip"
    backup.backup_site(path=archive, include_media=True)
    with zipfile.ZipFile(archive) as opened:
        info = max((i for i in opened.infolist() if i.filename.startswith("media/")), key=lambda i: i.compress_size)
    data = bytearray(archive.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    call_command("flush", interactive=False, verbosity=0)
    before = {key: hashlib.sha256(value).hexdigest() for key, value in objects(s3, name).items()}
    with pytest.raises(CommandError, match="is damaged"):
        call_command("restore_site", str(archive), verbosity=0)
    assert {key: hashlib.sha256(value).hexdigest() for key, value in objects(s3, name).items()} == before


def test_backups_go_to_a_private_bucket_of_their_own_and_restore_from_it(bucket, s3_endpoint, settings, tmp_path):
    """`--to-backup-storage` / `--from-backup-storage`: the archive lives in BACKUP_STORAGE_URL's bucket, private,
    never replaced by a later backup of the same name; the restore reads it back from there."""
    from ops.storage import s3_backup_storage

    s3, media_bucket = bucket
    backups = f"backups-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=backups, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": s3_backup_storage(f"s3://{backups}/nightly?endpoint_url={s3_endpoint}&region=eu-west-2"),
    }
    make_article("Harbour fair", status=Article.Status.PUBLISHED, hero_image=upload("fair.jpg", image_bytes("JPEG")))
    media_before = objects(s3, media_bucket)
    out = io.StringIO()
    call_command("backup_site", "site-2026-11-30.zip", "--with-media", "--to-backup-storage", stdout=out)
    assert "nightly/site-2026-11-30.zip" in {item["Key"] for item in s3.list_objects_v2(Bucket=backups)["Contents"]}
    assert "site-2026-11-30.zip" in out.getvalue()
    acl = s3.get_object_acl(Bucket=backups, Key="nightly/site-2026-11-30.zip")
    assert not [grant for grant in acl["Grants"] if grant["Grantee"].get("URI", "").endswith("AllUsers")]

    again = io.StringIO()
    call_command("backup_site", "site-2026-11-30.zip", "--to-backup-storage", stdout=again)
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=backups)["Contents"]}
    assert len(keys) == 2 and "nightly/site-2026-11-30.zip" in keys, "the first archive is never replaced"
    assert (set(keys) - {"nightly/site-2026-11-30.zip"}).pop().removeprefix("nightly/") in again.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    restored_bucket = f"restored-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=restored_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    use_bucket(settings, s3_endpoint, restored_bucket)
    call_command("restore_site", "site-2026-11-30.zip", "--from-backup-storage", verbosity=0)
    assert objects(s3, restored_bucket) == media_before
    assert Article.objects.get().headline == "Harbour fair"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["restore_site", "missing.zip", "--from-backup-storage"], "has no archive named “missing.zip”"),
        (["restore_site", "../etc/site.zip", "--from-backup-storage"], "is not a usable archive name"),
        (["backup_site", "/tmp/site.zip", "--to-backup-storage"], "is not a usable archive name"),
    ],
)
def test_backup_storage_refuses_what_it_cannot_do_in_plain_words(arguments, message, bucket, s3_endpoint, settings):
    from ops.storage import s3_backup_storage

    s3, _name = bucket
    backups = f"backups-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=backups, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": s3_backup_storage(f"s3://{backups}?endpoint_url={s3_endpoint}"),
    }
    with pytest.raises(CommandError, match=message):
        call_command(*arguments, verbosity=0)


def test_without_backup_storage_the_commands_say_what_to_set(tmp_path, settings):
    settings.STORAGES = {key: value for key, value in settings.STORAGES.items() if key != "backups"}
    with pytest.raises(CommandError, match="set BACKUP_STORAGE_URL"):
        call_command("backup_site", "site.zip", "--to-backup-storage", verbosity=0)
