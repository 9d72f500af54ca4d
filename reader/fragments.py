"""Rendered pieces of reader pages: story cards and the parts of an article page.

`reader.readmodel` keeps them once per content generation, so a list page
reads ids only and the rows and templates behind its cards cost nothing after
the first reader. Previews render the same templates without keeping them.
"""

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.template import engines
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.models.article import Label, public_at, shown_labels
from articles.slugs import slug_url

# Cards are macros of one Jinja2 template (`reader/jinja2/`, the "fragments" engine), called from Python:
# a page renders dozens of them. Each kind of card: its macro and what the macro is told.
CARDS_TEMPLATE = "reader/cards/cards.html"
CARD_VARIANTS = {
    "lead": ("lead", {}),
    "list": ("card", {"show_image": True, "show_excerpt": True, "level": 2}),
    "grid": ("card", {"show_image": True, "level": 3}),
    "latest": ("card", {"level": 3}),
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
        original = _original_url(article.hero_image)
        return {
            "src": original,
            "jpeg_srcset": "",
            "webp_srcset": "",
            "width": None,
            "height": None,
            "largest": original,
        }
    return None


def _original_url(image):
    """The URL of an uploaded original: an article's file, or its name as a card row reads it."""
    return image.url if isinstance(image, FieldFile) else Article.hero_image.field.storage.url(image)


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


def story_summary(story):
    """The summary of a story: an article, or a card row (`selectors.card_rows`) with the same names."""
    regions, topics = shown_labels(story.listing_labels, "regions"), shown_labels(story.listing_labels, "topics")
    return StorySummary(
        url=slug_url("reader:detail", story.slug),
        headline=story.headline,
        standfirst=story.standfirst,
        excerpt=story.excerpt,
        region=regions[0] if regions else None,
        topic=topics[0] if topics else None,
        authors=shown_labels(story.listing_labels, "authors"),
        public_at=public_at(story),
        image=hero_image(story, "card"),
        alt=story.hero_alt,
    )


def check_card_variant(variant):
    if variant not in CARD_VARIANTS:
        raise ValueError(f"Unknown card variant {variant!r}.")


def render_card(story, variant):
    """The card of a story (an article or a card row) as HTML."""
    macro_name, options = CARD_VARIANTS[variant]
    # The template's module, and so its macros, is made once and kept with the template in the environment's cache.
    macro = getattr(engines["fragments"].env.get_template(CARDS_TEMPLATE).module, macro_name)
    return mark_safe(str(macro(story_summary(story), **options)))


def render_article_page(article):
    """The parts of an article page that show the article: {title, description, head, content}."""
    context = {"article": article, "SITE_NAME": settings.SITE_NAME}
    return {
        "title": article.headline,
        "description": article.standfirst or article.excerpt,
        "head": mark_safe(render_to_string("reader/parts/article_head.html", context)),
        "content": mark_safe(render_to_string("reader/parts/article_content.html", context)),
    }
