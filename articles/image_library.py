"""The image library's writes and the crops made from each image.

Every image gets renditions when it is stored or its focal point moves: the
whole picture (tall or very wide pictures cropped to a sensible shape), a 16:9
card and a square, each in WebP and JPEG at several widths and each cut
around the focal point, plus a small uncropped thumbnail for the desk. Files
go through the file field's storage, whatever backend that is, under random
names (`images.unguessable_name`, and one fresh token per set of crops).

Stories copy what they show of an image (`hero_renditions`, `body_media`)
when they are saved, so a page renders its pictures without a query of its
own; `image_update` refreshes the stories using an image when it changes.
"""

import io
import logging
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from . import images
from .exceptions import ImageInUseError
from .models import Article, LibraryImage
from .sanitizer import sanitize_html

logger = logging.getLogger(__name__)

LIBRARY_RENDITIONS_FOLDER = "renditions"
THUMB_WIDTH = 320
# Pillow's reducing_gap for renditions: from 3, its documentation says, alike to a plain resize in most cases.
RESIZE_REDUCING_GAP = 3.0
# The narrowest rendition: a hero smaller than this would be blown up on every screen.
MIN_HERO_WIDTH = images.RENDITION_WIDTHS[0]


@dataclass(frozen=True)
class Crop:
    """A shape cut from the image: height/width kept between min_ratio and max_ratio, at these widths."""

    name: str
    min_ratio: float
    max_ratio: float
    widths: tuple


CROPS = (
    # The picture as taken, but never taller than 5:4 nor wider than 5:2, so a portrait is not 5,000 px tall.
    Crop("full", 0.4, 1.25, images.RENDITION_WIDTHS),
    Crop("card", 9 / 16, 9 / 16, (480, 800, 1200)),
    Crop("square", 1.0, 1.0, (240, 480)),
)


def crop_box(width, height, focal_x, focal_y, min_ratio, max_ratio):
    """The (left, top, right, bottom) box of the given shape that keeps the focal point as central as it can."""
    ratio = height / width
    if ratio > max_ratio:
        new_height = max(1, round(width * max_ratio))
        top = min(max(round(focal_y * height - new_height / 2), 0), height - new_height)
        return (0, top, width, top + new_height)
    if ratio < min_ratio:
        new_width = max(1, round(height / min_ratio))
        left = min(max(round(focal_x * width - new_width / 2), 0), width - new_width)
        return (left, 0, left + new_width, height)
    return (0, 0, width, height)


def _widths(steps, width):
    """Rendition widths for a crop this wide: the steps it reaches, and its own width when below the largest."""
    widths = [step for step in steps if step <= width]
    if width < steps[-1] and width not in widths:
        widths.append(width)
    return widths


def _encode(picture, fmt):
    buffer = io.BytesIO()
    if fmt == "WEBP":
        picture.save(buffer, "WEBP", quality=images.WEBP_QUALITY)
    else:
        picture.save(buffer, "JPEG", quality=images.JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _resized(picture, size):
    """picture at size (itself when already that size). A large reduction first shrinks by a whole factor, then
    resamples the rest with Lanczos: faster, and alike to the eye (Pillow's `reducing_gap`)."""
    if size == picture.size:
        return picture
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=RESIZE_REDUCING_GAP)


def _flatten(source):
    if source.mode != "RGBA":
        return source
    # JPEG has no transparency: flatten onto white, as the page background is.
    flat = Image.new("RGB", source.size, "white")
    flat.paste(source, mask=source.getchannel("A"))
    return flat


def build_library_renditions(image):
    """Write every crop of image in WebP and JPEG; return the `renditions` mapping (file names included)."""
    storage = image.file.storage
    # A fresh random token per build, never the image's own name: a crop's address cannot be worked out from the
    # uploaded file's name, nor from the stored original's, and a rebuild never reuses an old address.
    base = f"{LIBRARY_RENDITIONS_FOLDER}/{PurePosixPath(image.file.name).parent}/{images.name_token()}"
    with image.file.open("rb") as handle, Image.open(handle, formats=list(images.FORMATS)) as opened:
        opened.seek(0)
        source = opened.convert(
            "RGBA" if opened.mode in {"RGBA", "LA", "PA"} or "transparency" in opened.info else "RGB"
        )
    width, height = source.size
    files = []

    def save(picture, suffix, fmt):
        name = storage.save(f"{base}-{suffix}.{'webp' if fmt == 'WEBP' else 'jpg'}", ContentFile(_encode(picture, fmt)))
        files.append(name)
        return storage.url(name)

    renditions = {"width": width, "height": height, "focal": [image.focal_x, image.focal_y], "crops": {}}
    for crop in CROPS:
        box = crop_box(width, height, image.focal_x, image.focal_y, crop.min_ratio, crop.max_ratio)
        cut = source.crop(box) if box != (0, 0, width, height) else source
        flat = _flatten(cut)
        entry = {"width": 0, "height": 0, "webp": [], "jpeg": []}
        for step in _widths(crop.widths, cut.width):
            size = (step, max(1, round(cut.height * step / cut.width)))
            resized = _resized(cut, size)
            # A picture without transparency is its own flattened copy: it is resized once for both formats.
            flat_resized = resized if flat is cut else _resized(flat, size)
            for key, picture, fmt in (("webp", resized, "WEBP"), ("jpeg", flat_resized, "JPEG")):
                entry[key].append({"width": step, "url": save(picture, f"{crop.name}-{step}", fmt)})
            entry["width"], entry["height"] = size
        renditions["crops"][crop.name] = entry
    thumb_size = (min(THUMB_WIDTH, width), max(1, round(height * min(THUMB_WIDTH, width) / width)))
    thumb = _resized(_flatten(source), thumb_size)
    renditions["thumb"] = {"width": thumb_size[0], "height": thumb_size[1], "url": save(thumb, "thumb", "JPEG")}
    renditions["files"] = files
    return renditions


def _delete_files(renditions):
    for name in (renditions or {}).get("files", ()):
        try:
            LibraryImage._meta.get_field("file").storage.delete(name)
        except OSError:
            logger.warning("Could not delete rendition %s", name)


def refresh_renditions(image):
    """Rebuild image's renditions (after a new file or focal point), removing the old files; never raises."""
    old = image.renditions
    try:
        renditions = build_library_renditions(image)
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError):
        logger.warning("Could not build renditions for library image %s from %s", image.pk, image.file.name)
        return
    LibraryImage.objects.filter(pk=image.pk).update(renditions=renditions)
    image.renditions = renditions
    if old.get("files"):
        transaction.on_commit(lambda: _delete_files(old))


# Writes ---------------------------------------------------------------------------------------------------------------


def create_library_image(*, file, name=None, caption="", credit="", alt="", user=None, focal_x=0.5, focal_y=0.5):
    """Check, store and cut an uploaded or imported picture into the library; returns the LibraryImage.

    file is any file object (an upload, a ContentFile, an open file); name is its file name when the object
    has none. Raises ValidationError, in plain words, for anything that is not an image we accept.
    """
    name = name or getattr(file, "name", "") or "image"
    cleaned = images.reencode_image(file, name=name)
    with Image.open(io.BytesIO(cleaned.read())) as opened:
        width, height = opened.size
    cleaned.seek(0)
    image = LibraryImage(
        original_name=cleaned.name[: LibraryImage._meta.get_field("original_name").max_length],
        caption=caption[:300],
        credit=credit[:200],
        alt=alt[:300],
        uploaded_by=user,
        width=width,
        height=height,
        focal_x=focal_x,
        focal_y=focal_y,
    )
    image.file.save(cleaned.name, cleaned, save=False)
    image.save()
    refresh_renditions(image)
    return image


def image_update(*, image, caption=None, credit=None, alt=None, focal_x=None, focal_y=None):
    """Change an image's words or focal point; new crops when the point moved, and every story using it refreshed."""
    for field, value in (("caption", caption), ("credit", credit), ("alt", alt)):
        if value is not None:
            setattr(image, field, value)
    for field, value in (("focal_x", focal_x), ("focal_y", focal_y)):
        if value is not None:
            setattr(image, field, min(max(float(value), 0.0), 1.0))
    image.full_clean(exclude=["file"])
    # The crops remember the point they were cut around; a form may have set the new one on image already.
    cut_around = (image.renditions or {}).get("focal")
    with transaction.atomic():
        image.save()
        if cut_around != [image.focal_x, image.focal_y] or not image.renditions.get("crops", {}).get("card"):
            refresh_renditions(image)
        refresh_stories(image)
    return image


def stories_using(image):
    """The stories showing image, as hero or in the body, newest change first."""
    return Article.objects.filter(images=image).order_by("-updated_at", "-pk")


def image_delete(*, image):
    """Delete an image no story uses, with its files; raises ImageInUseError naming the stories that use it."""
    using = list(stories_using(image).only("headline")) or list(image.hero_of.only("headline"))
    if using:
        raise ImageInUseError(image, using)
    renditions, name, storage = image.renditions, image.file.name, image.file.storage
    image.delete()

    def remove_files():
        _delete_files(renditions)
        storage.delete(name)

    transaction.on_commit(remove_files)


def refresh_stories(image):
    """Copy image's current renditions and words into every story showing it (one bulk write, announced)."""
    articles = list(Article.objects.filter(images=image).only("pk", "hero", "body", "hero_renditions", "body_media"))
    if not articles:
        return
    for article in articles:
        article.hero_renditions = hero_renditions(article.hero) if article.hero_id else article.hero_renditions
        article.body_media = body_media(article.body)[1]
    Article.objects.bulk_update(articles, ["hero_renditions", "body_media"])


# What a story copies ----------------------------------------------------------------------------------------------------

IMAGE_REFERENCE = re.compile(r'<figure data-image="(\d+)"[^>]*></figure>')


def hero_renditions(image):
    """The `hero_renditions` of a story whose hero is image: the full crop, with the card and square crops beside it."""
    crops = (image.renditions or {}).get("crops") or {}
    full = dict(crops.get("full") or {})
    if not full:
        return {}
    for name in ("card", "square"):
        if crops.get(name):
            full[name] = crops[name]
    return full


def _media_entry(image):
    full = ((image.renditions or {}).get("crops") or {}).get("full") or {}
    return {
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": full.get("width") or image.width,
        "height": full.get("height") or image.height,
        "webp": full.get("webp", []),
        "jpeg": full.get("jpeg", []),
        "src": image.file.url if image.file else "",
    }


def body_media(body):
    """(body without references to images that do not exist, {"images": {id: what the figure shows}})."""
    ids = {int(found) for found in IMAGE_REFERENCE.findall(body or "")}
    if not ids:
        return body, {}
    found = {image.pk: image for image in LibraryImage.objects.filter(pk__in=ids)}
    if len(found) < len(ids):
        body = IMAGE_REFERENCE.sub(lambda match: match.group() if int(match.group(1)) in found else "", body)
    return body, ({"images": {str(pk): _media_entry(image) for pk, image in found.items()}} if found else {})


def check_hero(image):
    """Refuse a hero narrower than the smallest rendition, in plain words (raises ValidationError)."""
    if image is not None and image.width and image.width < MIN_HERO_WIDTH:
        raise ValidationError(
            f"This image is only {image.width} pixels wide; a hero image needs at least {MIN_HERO_WIDTH} pixels so it "
            "is not blown up on screens. Choose a larger image, or place this one in the text instead.",
            code="hero_too_small",
        )


def check_hero_upload(file):
    """Refuse an uploaded hero narrower than the smallest rendition (read from its header; raises ValidationError)."""
    checked = images.check_image(file, name=getattr(file, "name", None))
    if checked.width < MIN_HERO_WIDTH:
        raise ValidationError(
            f"This image is only {checked.width} pixels wide; a hero image needs at least {MIN_HERO_WIDTH} pixels so "
            "it is not blown up on screens. Upload a larger image, or place this one in the text instead.",
            code="hero_too_small",
        )


def prepare_story(article, update_fields=None):
    """Before a story is saved: a newly uploaded hero file joins the library, and what the story shows is copied.

    Returns the extra fields the save writes when update_fields is given.
    """
    extra = []
    new_upload = article.hero_image and not article.hero_image._committed
    if new_upload and (update_fields is None or "hero_image" in update_fields):
        upload = article.hero_image
        article.hero = create_library_image(
            file=upload.file,
            name=upload.name,
            caption=article.hero_caption,
            credit=article.hero_credit,
            alt=article.hero_alt,
            user=article.updated_by or article.created_by,
        )
        extra.append("hero")
    elif update_fields is None or "hero_image" in update_fields:
        _follow_hero_file(article)
    if update_fields is None or {"hero", "hero_image"} & set(update_fields):
        hero = None
        if article.hero_id:
            cached = Article.hero.is_cached(article) and article.hero
            hero = cached or LibraryImage.objects.filter(pk=article.hero_id).first()
            article.hero = hero  # None when a restored version names an image deleted since
        article.hero_image = hero.file.name if hero else ""
        article.hero_renditions = hero_renditions(hero) if hero else {}
        if hero:
            article.hero_alt = article.hero_alt or hero.alt
            article.hero_caption = article.hero_caption or hero.caption
            article.hero_credit = article.hero_credit or hero.credit
        extra += ["hero", "hero_image", "hero_renditions", "hero_alt", "hero_caption", "hero_credit"]
    if update_fields is None or "body" in update_fields:
        article.body, article.body_media = body_media(sanitize_html(article.body))
        extra += ["body", "body_media"]
    # The hero file is the library's; the story's own field only points at it.
    article._stored_hero_image = article.hero_image.name or ""
    return extra


def _follow_hero_file(article):
    """A hero file name set directly (a script, an import, an old version) picks the library image for that file."""
    name = article.hero_image.name or ""
    stored = getattr(article, "_stored_hero_image", None)
    if stored is None or name == (stored or "") or LibraryImage.objects.filter(pk=article.hero_id, file=name).exists():
        return
    if not name:
        article.hero = None
        return
    article.hero = LibraryImage.objects.filter(file=name).first()
    if article.hero is None and article.hero_image.storage.exists(name):
        try:
            with article.hero_image.storage.open(name, "rb") as handle:
                article.hero = create_library_image(
                    file=ContentFile(handle.read()),
                    name=PurePosixPath(name).name,
                    caption=article.hero_caption,
                    credit=article.hero_credit,
                    alt=article.hero_alt,
                    user=article.updated_by,
                )
        except (OSError, ValidationError):
            logger.warning("Could not bring hero file %s of article %s into the library", name, article.pk)


def record_uses(article):
    """After a story is saved: remember which library images it shows, so a delete can name it."""
    ids = {int(key) for key in (article.body_media or {}).get("images", {})}
    if article.hero_id:
        ids.add(article.hero_id)
    current = set(article.images.values_list("pk", flat=True))
    if current != ids:
        article.images.set(ids)
