"""Real image files for tests, drawn with Pillow."""

import io
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageDraw

GPS_IFD = 0x8825
RENDITION_WIDTHS = (480, 800, 1200, 1600)


def image_bytes(fmt="JPEG", size=(64, 48), color="teal", mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def noisy_bytes(fmt, size=(200, 150)):
    """An image that does not compress away, for cutting short."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, fmt)
    return buffer.getvalue()


def truncated(content):
    return content[: len(content) // 2]


def jpeg_with_gps_and_orientation(size=(40, 20), orientation=6):
    """A camera-like JPEG: left half red, right half blue, GPS and maker in EXIF, an sRGB profile."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PocketCam"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (51.0, 29.0, 21.0), 3: "W", 4: (0.0, 8.0, 2.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, icc_profile=icc, comment=b"shot at 51.49N 0.13W", quality=95)
    return buffer.getvalue()


def animated_gif(frames, size):
    images = [Image.new("RGB", size, (index * 5 % 256, 40, 200 - index % 200)) for index in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return buffer.getvalue()


def bilevel_png(size):
    """A PNG with many pixels but few bytes, like a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", size, 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def draw_scene(width=1600, height=900, *, sky=(38, 84, 140), ground=(52, 58, 64), seed=0):
    """A townscape: a sky gradient, a river and a row of buildings with lit windows."""
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(channel + (245 - channel) * shade * 0.8) for channel in sky),
        )
    draw.ellipse([width * 0.72, height * 0.12, width * 0.8, height * 0.26], fill=(250, 236, 190))
    x, step = 0, width // 14
    for index in range(15):
        building_height = int(height * (0.25 + ((index * 37 + seed * 11) % 30) / 100))
        top = int(height * 0.72) - building_height
        colour = tuple(max(0, channel - 10 * (index % 3)) for channel in ground)
        draw.rectangle([x, top, x + step - 6, int(height * 0.72)], fill=colour)
        for wy in range(top + 14, int(height * 0.7), 34):
            for wx in range(x + 10, x + step - 20, 26):
                if (wx + wy + seed) % 3:
                    draw.rectangle([wx, wy, wx + 10, wy + 16], fill=(246, 214, 120))
        x += step
    draw.rectangle([0, int(height * 0.72), width, height], fill=(30, 60, 92))
    return image


def encode(image, fmt):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=80)
    return buffer.getvalue()


def give_hero_image(article, *, seed=0, sky=(38, 84, 140), alt="Rooftops along the river at dusk"):
    """Attach a hero JPEG and its renditions in the agreed `hero_renditions` shape."""
    image = draw_scene(seed=seed, sky=sky)
    article.hero_image.save(f"hero-{article.slug}.jpg", ContentFile(encode(image, "JPEG")), save=False)
    renditions = {"width": image.width, "height": image.height, "webp": [], "jpeg": []}
    for width in RENDITION_WIDTHS:
        resized = image.resize((width, round(image.height * width / image.width)))
        for fmt, key, suffix in (("WEBP", "webp", "webp"), ("JPEG", "jpeg", "jpg")):
            name = default_storage.save(
                f"heroes/renditions/{article.slug}-{width}.{suffix}", ContentFile(encode(resized, fmt))
            )
            renditions[key].append({"width": width, "url": default_storage.url(name)})
    article.hero_renditions = renditions
    article.hero_alt = alt
    article.hero_caption = article.hero_caption or "The view across the water at dusk."
    article.hero_credit = article.hero_credit or "Staff photographer"
    article.save(update_fields=["hero_image", "hero_renditions", "hero_alt", "hero_caption", "hero_credit"])
    return article
