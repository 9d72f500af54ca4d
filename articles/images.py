"""Uploaded images: checked by content, re-encoded clean, stored under a random name.

An upload is judged by what Pillow finds in its bytes, never by its name or
the browser's content type. The cheap checks (byte size, format, extension,
pixel count including animation frames) run on the header alone, before any
pixel is decoded; only then is the image decoded in full to catch truncated
or corrupt files. What is stored is a re-encoding with the EXIF orientation
applied and every piece of metadata (EXIF with GPS, XMP, comments, colour
profiles after conversion to sRGB) left behind, under a random name.

Stored names are never made from the uploaded file's name: a story's pictures
sit in public storage before it is published, and a name built from the
photographer's file name could be guessed. Each file is stored as
`<folder>/<32 hex digits>.<extension>` (128 random bits); the safe ASCII form
of the uploaded name is kept for the desk only (`LibraryImage.original_name`).
"""

import io
import secrets
import struct
import time
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageCms, ImageSequence, UnidentifiedImageError

from .text import ascii_slug

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# An animation is decoded frame by frame, each costing time and memory whatever its size: counted before decoding.
MAX_FRAMES = 1000
# Decoding (the damage check, then the re-encoding) stops after this long, however the file keeps the decoder busy.
MAX_DECODE_SECONDS = 10
RENDITION_WIDTHS = (480, 800, 1200, 1600)
# Random bytes in every stored name (uploads and renditions): 16 bytes, 128 bits, written as 32 hex digits.
NAME_TOKEN_BYTES = 16
JPEG_QUALITY = 85
WEBP_QUALITY = 82
SAFE_STEM_LENGTH = 60


@dataclass(frozen=True)
class ImageFormat:
    label: str
    extensions: tuple[str, ...]  # accepted in the uploaded file name; the first is written

    @property
    def extension(self):
        return self.extensions[0]


# Pillow format name -> what we accept. Only these decoders are ever tried.
FORMATS = {
    "JPEG": ImageFormat("JPEG", (".jpg", ".jpeg")),
    "PNG": ImageFormat("PNG", (".png",)),
    "WEBP": ImageFormat("WebP", (".webp",)),
    "GIF": ImageFormat("GIF", (".gif",)),
}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"
ACCEPTED_FORMATS_TEXT = "a JPEG, PNG, WebP or GIF image"

# EXIF orientation tag value -> the transposition that shows the image upright.
ORIENTATION_TAG = 0x0112
ORIENTATION_FIXES = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int
    frames: int


def _has_accepted_signature(head):
    """Whether the first bytes say JPEG, PNG, GIF or WebP, so a failure to open means damage."""
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def _looks_like_svg(head):
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return sample.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head.lower()


def _rewind(file):
    if hasattr(file, "seek"):
        file.seek(0)


def _open(file):
    """Open the header only, trying nothing but the accepted decoders."""
    _rewind(file)
    with warnings.catch_warnings():
        # Our own pixel cap is stricter than Pillow's bomb warning; it reports in plain words below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file, formats=list(FORMATS))


def check_image(file, *, name=None):
    """Validate an uploaded image by its content; raise ValidationError in plain words.

    Header-only checks come first, so an oversized or bomb-like file is
    refused before any decoding; a full decode then catches damaged files.
    """
    name = name if name is not None else getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is None:
        _rewind(file)
        size = len(file.read())
    if size == 0:
        raise ValidationError("The file is empty. Choose the image again and upload it.", code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {_megabytes(size)}; images can be at most {_megabytes(MAX_UPLOAD_BYTES)}. "
            "Export a smaller version and upload that.",
            code="too_large",
        )
    _rewind(file)
    head = file.read(2048)
    if _looks_like_svg(head):
        raise ValidationError(
            f"SVG images are not accepted because they can carry scripts. Upload {ACCEPTED_FORMATS_TEXT}.",
            code="svg",
        )
    try:
        image = _open(file)
    except Image.DecompressionBombError:
        raise ValidationError(
            f"This image has far too many pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        if _has_accepted_signature(head):
            raise _damaged() from None
        raise ValidationError(
            f"This file is not an image we accept. Upload {ACCEPTED_FORMATS_TEXT}.", code="not_an_image"
        ) from None
    with image:
        frames = count_frames(image, file)
        checked = _check_header(image, name, frames)
        _check_decodes(image)
    _rewind(file)
    return checked


def _gif_frame_count(file, limit):
    """The frames in a GIF, found by walking its blocks without decoding a pixel; stops counting past limit.

    Pillow finds a GIF's frame count by seeking through every frame in Python, which for a file of hundreds of
    thousands of tiny frames takes longer than a request may; this reads block headers only.
    """
    _rewind(file)
    data = file.read()
    _rewind(file)
    if len(data) < 13:
        return 1
    position = 13
    if data[10] & 0x80:  # global colour table
        position += 3 * (2 ** ((data[10] & 0x07) + 1))
    frames = 0
    while position < len(data) and frames <= limit:
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            break
        if introducer == 0x21:  # extension: label, then data sub-blocks
            position += 2
        elif introducer == 0x2C:  # image descriptor, optional local colour table, LZW code size, sub-blocks
            frames += 1
            if position + 10 > len(data):
                break
            packed = data[position + 9]
            position += 10
            if packed & 0x80:
                position += 3 * (2 ** ((packed & 0x07) + 1))
            position += 1
        else:
            break  # not a GIF block: Pillow's decode reports the damage
        while position < len(data) and data[position]:
            position += data[position] + 1
        position += 1
    return max(frames, 1)


def count_frames(image, file):
    """Frames in the upload, without decoding any (at most MAX_FRAMES + 1 are counted); raises when over the cap.

    WebP and APNG declare their frame count in the header; a GIF's blocks are walked (`_gif_frame_count`).
    """
    try:
        frames = _gif_frame_count(file, MAX_FRAMES) if image.format == "GIF" else getattr(image, "n_frames", 1)
    except (OSError, ValueError, EOFError, SyntaxError, IndexError, struct.error):
        raise _damaged() from None
    if frames > MAX_FRAMES:
        counted = f"{frames:,}" if image.format != "GIF" else f"more than {MAX_FRAMES:,}"
        raise ValidationError(
            f"This animation has {counted} frames; the limit is {MAX_FRAMES:,}. "
            "Shorten it (or upload a still image) and upload it again.",
            code="too_many_frames",
        )
    return frames


def _check_header(image, name, frames):
    image_format = FORMATS[image.format]
    extension = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if extension not in image_format.extensions:
        said = f"its name ends in “{extension}”" if extension else "its name has no extension"
        raise ValidationError(
            f"This file is a {image_format.label} image but {said}. "
            f"Rename it to end in {image_format.extension} and upload it again.",
            code="extension_mismatch",
        )
    width, height = image.size
    total = width * height * frames
    if total > MAX_PIXELS:
        what = f"{width} × {height} pixels"
        if frames > 1:
            what = f"an animation of {frames} frames of {what}"
        raise ValidationError(
            f"This image is {what} ({total / 1_000_000:.1f} megapixels in all); the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels. Scale it down and upload it again.",
            code="too_many_pixels",
        )
    return CheckedImage(format=image.format, width=width, height=height, frames=frames)


def _damaged():
    return ValidationError(
        "This image is damaged or incomplete (perhaps cut off while copying). Export it again and upload the new file.",
        code="damaged",
    )


def _decode_deadline():
    return time.monotonic() + MAX_DECODE_SECONDS


def _check_time(deadline):
    if time.monotonic() > deadline:
        raise ValidationError(
            f"This image took more than {MAX_DECODE_SECONDS} seconds to decode; export it again, smaller or simpler.",
            code="too_slow",
        )


def _check_decodes(image):
    deadline = _decode_deadline()
    try:
        for frame in ImageSequence.Iterator(image):
            frame.load()
            _check_time(deadline)
    except (OSError, ValueError, EOFError, SyntaxError, IndexError, struct.error, Image.DecompressionBombError):
        raise _damaged() from None


def safe_file_name(name, image_format):
    """An ASCII name with no folders, its extension set by the real format."""
    stem = PurePosixPath((name or "").replace("\\", "/")).stem
    return ascii_slug(stem, max_length=SAFE_STEM_LENGTH, fallback_prefix="image") + FORMATS[image_format].extension


def name_token():
    """A fresh random part for a stored name: 32 lowercase hex digits (128 bits)."""
    return secrets.token_hex(NAME_TOKEN_BYTES)


def unguessable_name(name):
    """A stored file name that says nothing of name: a random token, with name's extension (lower-cased) kept."""
    extension = PurePosixPath((name or "").replace("\\", "/")).suffix.lower()
    return f"{name_token()}{extension if extension[1:].isascii() and extension[1:].isalnum() else ''}"


def _to_srgb(frame, icc_profile):
    if not icc_profile or frame.mode not in {"RGB", "RGBA", "L", "CMYK"}:
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if frame.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(frame, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped; the pixels are kept as they are.
        return frame


def _has_alpha(frame):
    return frame.mode in {"RGBA", "LA", "PA"} or (frame.mode == "P" and "transparency" in frame.info)


def _output_mode(frame, image_format):
    if image_format == "JPEG":
        return "L" if frame.mode in {"1", "L"} else "RGB"
    if image_format == "PNG" and frame.mode in {"L", "LA", "RGB", "RGBA"}:
        return frame.mode
    return "RGBA" if _has_alpha(frame) else "RGB"


def _clean_frames(image):
    """Upright frames in a plain mode, carrying no metadata at all."""
    orientation = image.getexif().get(ORIENTATION_TAG)
    fix = ORIENTATION_FIXES.get(orientation)
    icc_profile = image.info.get("icc_profile")
    frames, durations = [], []
    deadline = _decode_deadline()
    for frame in ImageSequence.Iterator(image):
        _check_time(deadline)
        durations.append(frame.info.get("duration", 100))
        clean = _to_srgb(frame, icc_profile)
        clean = clean.convert(_output_mode(clean, image.format))
        if fix is not None:
            clean = clean.transpose(fix)
        clean.info = {}
        frames.append(clean)
    return frames, durations


def reencode_image(file, *, name=None):
    """Validate, then re-encode: orientation applied, metadata stripped, safe name. Returns a ContentFile."""
    name = name if name is not None else getattr(file, "name", "") or ""
    checked = check_image(file, name=name)
    with _open(file) as image:
        frames, durations = _clean_frames(image)
        loop = image.info.get("loop", 0)
    buffer = io.BytesIO()
    first, rest = frames[0], frames[1:]
    if checked.format == "JPEG":
        first.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif checked.format == "PNG":
        first.save(buffer, "PNG", optimize=True)
    elif checked.format == "WEBP":
        options = {"save_all": True, "append_images": rest, "duration": durations, "loop": loop} if rest else {}
        first.save(buffer, "WEBP", quality=WEBP_QUALITY, **options)
    else:
        options = {"save_all": True, "append_images": rest, "duration": durations, "loop": loop} if rest else {}
        first.save(buffer, "GIF", optimize=True, disposal=2, **options)
    _rewind(file)
    return ContentFile(buffer.getvalue(), name=safe_file_name(name, checked.format))


def validate_image_upload(value):
    """Model-field validator: check a new upload; files already stored were checked when they arrived."""
    file = getattr(value, "file", value) if getattr(value, "_committed", False) is False else None
    if file is None or getattr(file, "newsroom_checked", False):
        return
    check_image(file, name=getattr(value, "name", None))


class CleanImageFormField(forms.FileField):
    """Form field that judges the upload with `check_image`, so the form shows our plain-words errors."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ACCEPT_ATTRIBUTE}

    def to_python(self, data):
        file = super().to_python(data)
        if file is None:
            return None
        check_image(file, name=file.name)
        file.newsroom_checked = True
        return file


class CleanImageField(models.ImageField):
    """An image field whose uploads are checked by content and stored re-encoded without metadata."""

    default_validators = [validate_image_upload]

    def generate_filename(self, instance, filename):
        """Every new file is stored under a random name in the field's folder, whatever it was called."""
        return super().generate_filename(instance, unguessable_name(filename))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanImageFormField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            cleaned = reencode_image(file.file, name=file.name)
            file.save(cleaned.name, cleaned, save=False)
        return super().pre_save(model_instance, add)


def rendition_widths(width):
    """Rendition widths for an image this wide: the standard steps, never upscaled."""
    widths = [step for step in RENDITION_WIDTHS if step <= width]
    if width < RENDITION_WIDTHS[-1] and width not in widths:
        widths.append(width)
    return widths
