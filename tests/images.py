"""Image files built in memory for upload tests."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

GPS_IFD = 0x8825


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
