"""The image library: crops around the focal point, heroes from the library, body references, in-use deletes."""

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from PIL import Image, ImageChops, ImageDraw, ImageStat

from articles import image_library
from articles.exceptions import ImageInUseError
from articles.models import Article, LibraryImage
from articles.services import article_save
from tests.helpers.factories import make_article, make_user
from tests.helpers.images import draw_scene, encode, image_bytes, upload

pytestmark = pytest.mark.django_db


def stored(url, media_root):
    return Image.open(Path(media_root) / url.removeprefix("/media/"))


def two_tone(size, split_at, *, vertical=True, first="red", second="blue"):
    """A JPEG whose top (or left) part up to split_at is one colour and the rest another."""
    picture = Image.new("RGB", size, second)
    box = (0, 0, size[0], split_at) if vertical else (0, 0, split_at, size[1])
    ImageDraw.Draw(picture).rectangle(box, fill=first)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def library_image(size=(1600, 900), content=None, **fields):
    return image_library.create_library_image(
        file=ContentFile(content or image_bytes("JPEG", size=size)), name="picture.jpg", **fields
    )


CROP_CASES = [
    # width, height, focal, min, max ratio -> box
    ((1600, 900), (0.5, 0.5), (9 / 16, 9 / 16), (0, 0, 1600, 900)),
    ((1000, 1000), (0.5, 0.0), (9 / 16, 9 / 16), (0, 0, 1000, 562)),
    ((1000, 1000), (0.5, 1.0), (9 / 16, 9 / 16), (0, 438, 1000, 1000)),
    ((1000, 1000), (0.5, 0.5), (9 / 16, 9 / 16), (0, 219, 1000, 781)),
    ((2000, 500), (0.9, 0.5), (1.0, 1.0), (1500, 0, 2000, 500)),
    ((2000, 500), (0.1, 0.5), (1.0, 1.0), (0, 0, 500, 500)),
    ((600, 4000), (0.5, 0.2), (0.4, 1.25), (0, 425, 600, 1175)),
]


@pytest.mark.parametrize(("size", "focal", "ratios", "box"), CROP_CASES)
def test_crop_box_keeps_the_focal_point_in_view(size, focal, ratios, box):
    assert image_library.crop_box(*size, *focal, *ratios) == box


def test_a_library_image_gets_every_crop_in_webp_and_jpeg(media_root):
    image = library_image((2000, 1500), caption="Lanterns", credit="A. Photographer", alt="Lanterns on the river")
    renditions = image.renditions
    assert (image.width, image.height) == (2000, 1500)
    assert set(renditions["crops"]) == {"full", "card", "square"}
    card, square = renditions["crops"]["card"], renditions["crops"]["square"]
    assert [item["width"] for item in card["jpeg"]] == [480, 800, 1200]
    assert (card["width"], card["height"]) == (1200, 675)
    assert (square["width"], square["height"]) == (480, 480)
    for crop in renditions["crops"].values():
        for key, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
            for item in crop[key]:
                with stored(item["url"], media_root) as picture:
                    assert picture.format == fmt
                    assert picture.width == item["width"]
    with stored(renditions["thumb"]["url"], media_root) as thumb:
        assert thumb.size == (320, 240)
    assert image.thumbnail_url == renditions["thumb"]["url"]


def test_a_crop_looks_like_a_plain_resample_of_the_original(media_root):
    """A large reduction is shrunk by a whole factor first (Pillow's reducing_gap), then resampled: the stored crop
    must look like the slow, plain Lanczos resample of the whole picture, stored the same way."""
    content = encode(draw_scene(4000, 2250, seed=3), "JPEG")
    image = library_image(content=content)
    smallest = image.renditions["crops"]["card"]["jpeg"][0]
    size = (smallest["width"], round(2250 * smallest["width"] / 4000))
    plain = Image.open(io.BytesIO(content)).convert("RGB").resize(size, Image.Resampling.LANCZOS)
    with (
        stored(smallest["url"], media_root) as rendition,
        Image.open(io.BytesIO(image_library._encode(plain, "JPEG"))) as expected,
    ):
        difference = ImageStat.Stat(ImageChops.difference(rendition.convert("RGB"), expected.convert("RGB"))).mean
    # Measured: 1.3 levels at most per channel (the encoder's own noise); bilinear is 4.5 off, nearest-pixel 7.7.
    assert max(difference) < 2, difference


def test_a_tall_picture_is_cropped_never_shown_thousands_of_pixels_tall(media_root):
    image = library_image((600, 4000))
    full = image.renditions["crops"]["full"]
    assert (full["width"], full["height"]) == (600, 750)
    with stored(full["jpeg"][-1]["url"], media_root) as picture:
        assert picture.size == (600, 750)


def test_moving_the_focal_point_moves_the_card_crop(media_root, django_capture_on_commit_callbacks):
    # Top quarter red, the rest blue: the card crop shows red only while the focal point is near the top.
    image = library_image(content=two_tone((1000, 1000), 250))
    image_library.image_update(image=image, focal_y=0.05)
    with stored(image.renditions["crops"]["card"]["jpeg"][0]["url"], media_root) as picture:
        top = picture.convert("RGB").getpixel((picture.width // 2, 5))
    assert top[0] > 200 and top[2] < 60  # red
    old_files = list(image.renditions["files"])
    with django_capture_on_commit_callbacks(execute=True):
        image_library.image_update(image=image, focal_y=0.95)
    with stored(image.renditions["crops"]["card"]["jpeg"][0]["url"], media_root) as picture:
        top = picture.convert("RGB").getpixel((picture.width // 2, 5))
    assert top[2] > 200 and top[0] < 60  # blue
    assert not any((Path(media_root) / name).exists() for name in old_files if name not in image.renditions["files"])


def test_a_new_hero_upload_joins_the_library(media_root):
    article = make_article(
        hero_image=upload("hero.jpg", image_bytes("JPEG", size=(1600, 900))),
        hero_alt="Lanterns",
        hero_credit="A. Photographer",
        hero_caption="The lantern parade",
    )
    article.refresh_from_db()
    image = LibraryImage.objects.get()
    assert article.hero_id == image.pk
    assert article.hero_image.name == image.file.name
    assert (image.alt, image.credit, image.caption) == ("Lanterns", "A. Photographer", "The lantern parade")
    assert article.hero_renditions["card"] == image.renditions["crops"]["card"]
    assert list(article.images.all()) == [image]


def test_picking_a_hero_from_the_library_copies_its_words_and_crops(media_root):
    image = library_image(alt="Crowds on Whitehall", credit="Agency", caption="Marchers")
    article = make_article()
    article.hero = image
    article_save(article=article, user=make_user("Editor"))
    article.refresh_from_db()
    assert (article.hero_alt, article.hero_credit, article.hero_caption) == (
        "Crowds on Whitehall",
        "Agency",
        "Marchers",
    )
    assert article.hero_renditions["webp"] == image.renditions["crops"]["full"]["webp"]
    article.hero = None
    article_save(article=article, user=make_user("Editor"))
    article.refresh_from_db()
    assert (article.hero_image.name or "", article.hero_renditions) == ("", {})
    assert not article.images.exists()


def test_a_hero_narrower_than_the_smallest_rendition_is_refused():
    with pytest.raises(ValidationError) as refused:
        image_library.check_hero_upload(upload("small.jpg", image_bytes("JPEG", size=(120, 80))))
    assert "only 120 pixels wide" in refused.value.messages[0]
    image_library.check_hero_upload(upload("wide.jpg", image_bytes("JPEG", size=(480, 300))))


def test_body_references_are_resolved_and_missing_images_dropped(media_root):
    image = library_image(alt="River", caption="The river", credit="Staff")
    article = make_article(
        body=f'<p>Before</p><figure data-image="{image.pk}" data-caption="At dusk"></figure>'
        '<figure data-image="999999"></figure><p>After</p>'
    )
    article.refresh_from_db()
    assert article.body == f'<p>Before</p><figure data-image="{image.pk}" data-caption="At dusk"></figure><p>After</p>'
    entry = article.body_media["images"][str(image.pk)]
    assert (entry["alt"], entry["caption"], entry["credit"]) == ("River", "The river", "Staff")
    assert entry["jpeg"] == image.renditions["crops"]["full"]["jpeg"]
    assert list(article.images.all()) == [image]


def test_changing_an_image_refreshes_every_story_showing_it(media_root):
    image = library_image(caption="Old caption")
    article = make_article(body=f'<figure data-image="{image.pk}"></figure><p>Text</p>')
    image_library.image_update(image=image, caption="New caption", focal_x=0.1)
    article.refresh_from_db()
    assert article.body_media["images"][str(image.pk)]["caption"] == "New caption"


def test_an_image_in_use_is_not_deleted_and_the_stories_are_named(media_root):
    image = library_image()
    hero_story = make_article("Hero story")
    hero_story.hero = image
    article_save(article=hero_story, user=make_user("Editor"))
    body_story = make_article("Body story", body=f'<figure data-image="{image.pk}"></figure>')
    with pytest.raises(ImageInUseError) as refused:
        image_library.image_delete(image=image)
    assert "“Hero story”" in str(refused.value) and "“Body story”" in str(refused.value)
    assert LibraryImage.objects.filter(pk=image.pk).exists()
    assert {story.pk for story in refused.value.stories} == {hero_story.pk, body_story.pk}


def test_an_unused_image_is_deleted_with_its_files(media_root, django_capture_on_commit_callbacks):
    image = library_image()
    files = [Path(media_root) / name for name in [image.file.name, *image.renditions["files"]]]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        image_library.image_delete(image=image)
    assert not LibraryImage.objects.exists()
    assert not any(path.exists() for path in files)


def test_refused_uploads_keep_their_plain_words(media_root):
    with pytest.raises(ValidationError) as refused:
        image_library.create_library_image(file=ContentFile(b"<svg><script>alert(1)</script></svg>"), name="x.svg")
    assert "SVG" in refused.value.messages[0]
    assert not LibraryImage.objects.exists()


def test_existing_hero_images_migrate_into_the_library(media_root):
    """The data step of the migration: one library image per stored hero file, renditions kept."""
    article = make_article()
    other = make_article()
    name = "heroes/2026/01/old.jpg"
    path = Path(media_root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image_bytes("JPEG", size=(1000, 600)))
    old_renditions = {"width": 1000, "height": 600, "webp": [{"width": 1000, "url": "/media/renditions/x.webp"}]}
    Article.objects.filter(pk__in=[article.pk, other.pk]).update(
        hero_image=name, hero_alt="Old alt", hero_credit="Old credit", hero_renditions=old_renditions
    )
    migration = importlib.import_module("articles.migrations.0015_image_library")
    migration.hero_images_into_library(global_apps, connection.schema_editor())
    image = LibraryImage.objects.get()
    assert (image.file.name, image.width, image.height, image.alt, image.credit) == (
        name,
        1000,
        600,
        "Old alt",
        "Old credit",
    )
    assert image.renditions["crops"]["full"] == old_renditions
    assert set(Article.objects.values_list("hero_id", flat=True)) == {image.pk}
    assert set(image.stories.values_list("pk", flat=True)) == {article.pk, other.pk}


def test_rebuild_renditions_gives_migrated_images_their_crops(media_root):
    image = library_image()
    article = make_article()
    article.hero = image
    article_save(article=article, user=make_user("Editor"))
    full = image.renditions["crops"]["full"]
    LibraryImage.objects.filter(pk=image.pk).update(renditions={"crops": {"full": full}})
    Article.objects.filter(pk=article.pk).update(hero_renditions=full)
    call_command("rebuild_renditions", stdout=io.StringIO())
    image.refresh_from_db()
    article.refresh_from_db()
    assert image.renditions["crops"]["card"]["jpeg"]
    assert article.hero_renditions["card"] == image.renditions["crops"]["card"]
