"""Original pictures for the demo newsroom, drawn with Pillow: no downloads, no third-party photos.

Each scene is a city at some hour — a sky, a sun or moon, rows of rooftops with lit
windows, sometimes a clock tower or a bridge, and a river — chosen by a seed, so the
same story always gets the same picture.
"""

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1600, 1000)


@dataclass(frozen=True)
class Hour:
    name: str
    sky_top: tuple
    sky_bottom: tuple
    light: tuple  # the sun or the moon
    buildings: tuple
    windows: tuple
    water: tuple


HOURS = (
    Hour("dawn", (46, 64, 120), (236, 160, 120), (255, 214, 150), (52, 44, 70), (255, 206, 120), (70, 80, 130)),
    Hour("noon", (70, 140, 210), (190, 220, 240), (255, 245, 200), (86, 96, 110), (220, 230, 240), (60, 110, 150)),
    Hour("dusk", (40, 40, 90), (220, 110, 80), (255, 190, 110), (36, 30, 48), (255, 200, 90), (60, 50, 90)),
    Hour("night", (10, 14, 40), (40, 50, 100), (235, 235, 220), (20, 22, 36), (255, 220, 120), (20, 30, 60)),
)


def _blend(top, bottom, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))


def _sky(draw, hour, width, horizon):
    for y in range(horizon):
        draw.line([(0, y), (width, y)], fill=_blend(hour.sky_top, hour.sky_bottom, y / horizon))


def _skyline(draw, rng, hour, width, base, *, tallest, shade, lit_share):
    x = -rng.randint(0, 60)
    colour = _blend(hour.buildings, hour.sky_bottom, shade)
    while x < width:
        w = rng.randint(60, 170)
        h = rng.randint(tallest // 3, tallest)
        top = base - h
        draw.rectangle([x, top, x + w, base], fill=colour)
        if rng.random() < 0.35:  # a pitched roof
            draw.polygon([(x, top), (x + w // 2, top - rng.randint(20, 60)), (x + w, top)], fill=colour)
        if rng.random() < 0.25:  # chimneys
            for _ in range(rng.randint(1, 3)):
                cx = x + rng.randint(5, max(6, w - 15))
                draw.rectangle([cx, top - 22, cx + 10, top], fill=colour)
        for wy in range(top + 14, base - 18, 26):
            for wx in range(x + 10, x + w - 14, 22):
                if rng.random() < lit_share:
                    draw.rectangle([wx, wy, wx + 9, wy + 13], fill=hour.windows)
        x += w + rng.randint(-10, 18)


def _clock_tower(draw, hour, x, base):
    colour = hour.buildings
    draw.rectangle([x, base - 520, x + 70, base], fill=colour)
    draw.rectangle([x - 8, base - 560, x + 78, base - 500], fill=colour)
    draw.polygon([(x - 8, base - 560), (x + 35, base - 700), (x + 78, base - 560)], fill=colour)
    draw.ellipse([x + 8, base - 552, x + 62, base - 498], fill=hour.windows)
    draw.line([(x + 35, base - 525), (x + 35, base - 545)], fill=colour, width=4)
    draw.line([(x + 35, base - 525), (x + 50, base - 525)], fill=colour, width=4)


def _bridge(draw, hour, width, deck):
    colour = _blend(hour.buildings, hour.water, 0.2)
    draw.rectangle([0, deck, width, deck + 18], fill=colour)
    for start in range(-100, width, 320):
        draw.arc([start, deck - 20, start + 320, deck + 160], 180, 360, fill=colour, width=14)


def draw_scene(seed, size=SIZE):
    """A city picture for seed: the same seed always draws the same scene."""
    rng = random.Random(seed)
    hour = HOURS[seed % len(HOURS)]
    width, height = size
    horizon = int(height * rng.uniform(0.62, 0.7))
    picture = Image.new("RGB", size, hour.sky_bottom)
    draw = ImageDraw.Draw(picture)
    _sky(draw, hour, width, horizon)
    radius = rng.randint(45, 80)
    cx, cy = rng.randint(radius, width - radius), rng.randint(radius + 20, horizon // 2)
    glow = Image.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse([cx - radius * 3, cy - radius * 3, cx + radius * 3, cy + radius * 3], fill=90)
    picture.paste(hour.light, mask=glow.filter(ImageFilter.GaussianBlur(radius)))
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=hour.light)
    _skyline(draw, rng, hour, width, horizon, tallest=int(height * 0.42), shade=0.55, lit_share=0.15)
    if rng.random() < 0.5:
        _clock_tower(draw, hour, rng.randint(width // 6, width - width // 4), horizon)
    _skyline(draw, rng, hour, width, horizon, tallest=int(height * 0.28), shade=0.1, lit_share=0.3)
    draw.rectangle([0, horizon, width, height], fill=hour.water)
    # Reflections: broken stripes of the light and the windows on the water.
    for y in range(horizon + 8, height, 9):
        for _ in range(rng.randint(3, 8)):
            x = rng.randint(0, width)
            length = rng.randint(20, 120)
            tint = hour.light if abs(x - cx) < radius * 2 else hour.windows
            draw.line([(x, y), (x + length, y)], fill=_blend(hour.water, tint, rng.uniform(0.2, 0.6)), width=2)
    if rng.random() < 0.4:
        _bridge(draw, hour, width, horizon + rng.randint(20, 60))
    return picture


def scene_jpeg(seed, size=SIZE):
    """draw_scene(seed) as JPEG bytes."""
    buffer = io.BytesIO()
    draw_scene(seed, size).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def describe(seed):
    """Alt text for the scene of seed, in words."""
    hour = HOURS[seed % len(HOURS)].name
    return f"A drawing of rooftops along the river at {hour}, with lit windows reflected in the water"
