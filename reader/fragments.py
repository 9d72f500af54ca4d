"""Rendered pieces of reader pages: story cards and the parts of an article page.

`reader.readmodel` keeps them once per content generation, so a list page
reads ids only and the rows and templates behind its cards cost nothing after
the first reader. Previews render the same templates without keeping them.
"""

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.models.article import Label

# Each kind of card: its template and what the template is told.
# Cards are Jinja2 templates (`reader/jinja2/`, the "fragments" engine): a page renders dozens of them.
CARD_VARIANTS = {
    "lead": ("reader/cards/lead.html", {}),
    "list": ("reader/cards/card.html", {"show_image": True, "show_excerpt": True, "level": 2}),
    "grid": ("reader/cards/card.html", {"show_image": True, "level": 3}),
    "latest": ("reader/cards/card.html", {"level": 3}),
}


def hero_image(article, crop=None):
    """A dict describing the article's hero image for templates, or None.

    Uses the renditions made when the image was saved (crop "card" or "square": that
    shape, cut around the image's focal point, when it has one); an image without
    them falls back to the original file.
    """
    renditions = article.hero_renditions or {}
    if crop and renditions.get(crop):
        renditions = renditions[crop]
    jpeg = renditions.get("jpeg") or []
    webp = renditions.get("webp") or []
    if jpeg:
        fallback = next((item for item in jpeg if item["width"] >= 800), jpeg[-1])
        return {
            "src": fallback["url"],
            "jpeg_srcset": ", ".join(f"{item['url']} {item['width']}w" for item in jpeg),
            "webp_srcset": ", ".join(f"{item['url']} {item['width']}w" for item in webp),
            "width": renditions.get("width"),
            "height": renditions.get("height"),
            "largest": jpeg[-1]["url"],
        }
    if article.hero_image:
        return {
            "src": article.hero_image.url,
            "jpeg_srcset": "",
            "webp_srcset": "",
            "width": None,
            "height": None,
            "largest": article.hero_image.url,
        }
    return None


class StorySummary(NamedTuple):
    """What a card shows of a story, worked out once in Python so that its template only places it."""

    url: str
    headline: str
    standfirst: str
    excerpt: str
    region: Label | None
    topic: Label | None
    authors: list[Label]
    public_at: datetime | None
    image: dict | None
    alt: str


def story_summary(article):
    regions, topics = article.shown_regions, article.shown_topics
    return StorySummary(
        url=article.get_absolute_url(),
        headline=article.headline,
        standfirst=article.standfirst,
        excerpt=article.excerpt,
        region=regions[0] if regions else None,
        topic=topics[0] if topics else None,
        authors=article.shown_authors,
        public_at=article.public_at,
        image=hero_image(article, "card"),
        alt=article.hero_alt,
    )


def check_card_variant(variant):
    if variant not in CARD_VARIANTS:
        raise ValueError(f"Unknown card variant {variant!r}.")


def render_card(article, variant):
    template_name, options = CARD_VARIANTS[variant]
    return mark_safe(render_to_string(template_name, {"story": story_summary(article), **options}, using="fragments"))


def render_article_page(article):
    """The parts of an article page that show the article: {title, description, head, content}."""
    context = {"article": article, "SITE_NAME": settings.SITE_NAME}
    return {
        "title": article.headline,
        "description": article.standfirst or article.excerpt,
        "head": mark_safe(render_to_string("reader/parts/article_head.html", context)),
        "content": mark_safe(render_to_string("reader/parts/article_content.html", context)),
    }
