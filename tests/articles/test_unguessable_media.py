"""A draft's pictures cannot be fetched before publication by guessing their addresses: every stored upload and
every rendition has a random name (128 bits), the uploaded file's name shows in no URL nor in the preview, readers
asking for the old-style path get a 404, and the desk still shows and finds the picture."""

import json
import math
import re
import urllib.error
import urllib.request
from pathlib import PurePosixPath

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles import image_library, images
from articles.admin.forms import HERO_STASH_SALT, stash_upload
from articles.models import LibraryImage
from articles.services import article_save, preview_link_create
from tests.helpers.factories import make_article, make_author, make_user
from tests.helpers.images import image_bytes, upload

pytestmark = pytest.mark.django_db

ORIGINAL = "minister-resigns.jpg"
TOKEN = re.compile(r"[0-9a-f]{32}")
LIBRARY = "/admin/articles/libraryimage/"


@pytest.fixture
def media_served(settings):
    """Uploads served from MEDIA_ROOT as the production web server serves them."""
    settings.ROOT_URLCONF = "tests.helpers.media_urls"


def picture(size=(1200, 800)):
    return image_bytes("JPEG", size=size)


def library_upload(name=ORIGINAL):
    return image_library.create_library_image(file=ContentFile(picture()), name=name).file.name


def desk_upload(name=ORIGINAL):
    """A picture dropped into the text editor (the body's inline pictures)."""
    client = Client()
    client.force_login(make_user("Reporter"))
    response = client.post(f"{LIBRARY}upload/", {"file": SimpleUploadedFile(name, picture())})
    assert response.status_code == 201
    return LibraryImage.objects.get(pk=response.json()["id"]).file.name


def hero_upload(name=ORIGINAL):
    return make_article(hero_image=upload(name, picture()), hero_alt="A photograph").hero_image.name


def author_photo(name=ORIGINAL):
    return make_author(photo=upload(name, picture((300, 300)))).photo.name


def draft_with_pictures():
    """A draft with a hero and a body picture, both uploaded under the photographer's telling file name."""
    article = make_article(hero_image=upload(ORIGINAL, picture()), hero_alt="A man leaving a building")
    inline = image_library.create_library_image(file=ContentFile(picture((900, 600))), name=ORIGINAL, alt="Doors")
    article.body = f'<p>Text.</p><figure data-image="{inline.pk}"></figure>'
    article_save(article=article, user=make_user("Editor"))
    article.refresh_from_db()
    return article, inline


def stored_files(*library_images):
    return [name for image in library_images for name in [image.file.name, *image.renditions["files"]]]


def fetch(client, url):
    """(status, body) of a GET; reading a streamed file to its end closes it (the test client does)."""
    response = client.get(url)
    return response.status_code, b"".join(response.streaming_content) if response.streaming else response.content


# Stored names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("store", [library_upload, desk_upload, hero_upload, author_photo])
def test_two_uploads_with_the_same_name_get_two_unguessable_names(media_root, store):
    first, second = store(), store()
    assert first != second
    for name in (first, second):
        stored = PurePosixPath(name)
        assert stored.name != ORIGINAL and not stored.name.startswith("minister")
        assert "minister" not in name and "resigns" not in name
        assert TOKEN.fullmatch(stored.stem) and stored.suffix == ".jpg"
        assert default_storage.exists(name)


def test_the_random_part_has_at_least_128_bits(media_root):
    tokens = {images.name_token() for _ in range(500)}
    assert len(tokens) == 500
    for token in tokens:
        assert TOKEN.fullmatch(token)
        assert len(token) * math.log2(len("0123456789abcdef")) >= 128
    name = library_upload()
    assert re.fullmatch(r"library/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name)


def test_the_uploaded_name_is_kept_for_the_desk_only(media_root):
    image = image_library.create_library_image(file=ContentFile(picture()), name="../Camera Roll/Minister Resigns.JPG")
    assert image.original_name == "minister-resigns.jpg"
    assert str(image) == "minister-resigns.jpg"
    assert list(LibraryImage.objects.search("resigns")) == [image]


def test_a_kept_hero_upload_waits_in_an_unguessable_folder(media_root):
    path = signing.loads(stash_upload(upload("harbour.jpg", picture())), salt=HERO_STASH_SALT)
    folder, token, name = path.split("/")
    assert (folder, name) == ("stash", "harbour.jpg") and TOKEN.fullmatch(token)


# Renditions -------------------------------------------------------------------------------------------------------


def test_renditions_of_a_draft_image_are_not_derivable_from_its_names(media_root):
    article, inline = draft_with_pictures()
    hero = article.hero
    for image in (hero, inline):
        own = PurePosixPath(image.file.name).stem
        shared = set()
        for name in image.renditions["files"]:
            found = re.fullmatch(r"renditions/library/\d{4}/\d{2}/([0-9a-f]{32})-[a-z]+(-\d+)?\.(webp|jpg)", name)
            assert found, name
            shared.add(found.group(1))
        # One fresh token per set of crops: neither the uploaded name nor the stored original's name gives it away.
        assert len(shared) == 1 and own not in shared
    urls = json.dumps([article.hero_renditions, article.body_media])
    assert "minister" not in urls and "resigns" not in urls

    before = set(hero.renditions["files"])
    image_library.image_update(image=hero, focal_x=0.1)
    assert not before & set(hero.renditions["files"])


# What readers and the desk get ------------------------------------------------------------------------------------


def test_a_guessed_original_name_path_is_404(client, media_root, media_served):
    article, inline = draft_with_pictures()
    folder = PurePosixPath(article.hero.file.name).parent
    guesses = [
        f"{folder}/{ORIGINAL}",
        f"heroes/{folder.parent.name}/{folder.name}/{ORIGINAL}",
        f"renditions/{folder}/minister-resigns-full-800.jpg",
        f"renditions/{folder}/minister-resigns-thumb.jpg",
    ]
    for guess in guesses:
        assert fetch(client, f"/media/{guess}")[0] == 404, guess
    for name in stored_files(article.hero, inline):
        with default_storage.open(name) as stored:
            assert fetch(client, default_storage.url(name)) == (200, stored.read())
    assert client.get(article.get_absolute_url()).status_code == 404


def test_previews_of_a_draft_do_not_show_the_uploaded_file_name(media_root):
    article, inline = draft_with_pictures()
    editor = make_user("Editor")
    link = preview_link_create(article=article, user=editor)
    staff = Client()
    staff.force_login(editor)
    pages = [
        Client().get(link.get_absolute_url()),
        staff.get(reverse("reader:staff_preview", kwargs={"pk": article.pk})),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert article.hero_renditions["jpeg"][0]["url"] in html
        assert inline.renditions["crops"]["full"]["jpeg"][0]["url"] in html
        assert "minister" not in html.lower() and "resigns" not in html.lower()


def test_the_desk_still_shows_and_finds_the_picture(client, media_root, media_served):
    article, _inline = draft_with_pictures()
    hero = article.hero
    client.force_login(make_user("Editor"))
    change_page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f'src="{hero.thumbnail_url}"' in change_page
    library = client.get(LIBRARY, {"q": "minister"}).content.decode()
    assert f'src="{hero.thumbnail_url}"' in library
    found = client.get(f"{LIBRARY}search/", {"q": "resigns"}).json()["results"]
    assert hero.pk in [item["id"] for item in found]
    status, body = fetch(client, hero.thumbnail_url)
    assert status == 200 and body.startswith(b"\xff\xd8\xff")


# On S3-compatible storage -----------------------------------------------------------------------------------------


def http_status(url):
    try:
        with urllib.request.urlopen(url) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_on_s3_a_drafts_pictures_have_unguessable_keys(bucket):
    s3, name = bucket
    article = make_article(hero_image=upload(ORIGINAL, picture()), hero_alt="A man leaving a building")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert len(keys) == 1 + len(article.hero.renditions["files"])
    for key in keys:
        assert "minister" not in key and TOKEN.search(PurePosixPath(key).name), key
    folder = PurePosixPath(article.hero.file.name).parent
    assert http_status(default_storage.url(f"{folder}/{ORIGINAL}")) in {403, 404}
    assert http_status(default_storage.url(article.hero.file.name)) == 200
