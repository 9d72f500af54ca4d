"""Rendered pieces of reader pages: story cards and the parts of an article page.

`reader.readmodel` keeps them once per content generation, so a list page
reads ids only and the rows and templates behind its cards cost nothing after
the first reader. Previews render the same templates without keeping them.
"""

import json
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.template import engines
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.models.article import Label, public_at, shown_labels
from articles.slugs import slug_url

from .body import has_embeds, render_body
from .links import absolute

# Cards are macros of one Jinja2 template (`reader/jinja2/`, the "fragments" engine), called from Python:
# a page renders dozens of them. Each kind of card: its macro and what the macro is told.
CARDS_TEMPLATE = "reader/cards/cards.html"
# The article page's own parts, Jinja2 templates too: given everything they show by render_article_page().
ARTICLE_HEAD_TEMPLATE = "reader/article/head.html"
ARTICLE_CONTENT_TEMPLATE = "reader/article/content.html"
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


def render_article_page(article, *, related, footer):
    """The parts of an article page that show the article: {title, description, head, content}.

    related: the stories (articles or card rows) under "More on this"; footer: the promotional footer shown
    under the story (its own or the site's default), or None. Everything the templates show is worked out here.
    """
    url = absolute(article.get_absolute_url())
    image = hero_image(article)
    context = {
        "article": article,
        "site_name": settings.SITE_NAME,
        "url": url,
        "image": image,
        "image_url": absolute(image["largest"]) if image else "",
        "caption": as_sentence(article.hero_caption),
        "regions": article.shown_regions,
        "topics": article.shown_topics,
        "authors": article.shown_authors,
        "corrections": article.shown_corrections,
        "body": render_body(article.body, getattr(article, "body_media", None)),
        # The small script behind an embed's button, only where the body holds one.
        "embeds_script": static("reader/embeds.js") if has_embeds(article.body) else "",
        "share": share_links(url, article.headline) if article.is_live else None,
        "footer": promo_footer(footer, article),
        "related": [render_card(story, "grid") for story in related],
        "json_ld": article_json_ld(article, url, image),
    }
    return {
        "title": article.headline,
        "description": article.standfirst or article.excerpt,
        "head": render_fragment(ARTICLE_HEAD_TEMPLATE, **context),
        "content": render_fragment(ARTICLE_CONTENT_TEMPLATE, **context),
    }


def render_fragment(template_name, **context):
    """A Jinja2 template of the fragments engine (`reader/jinja2/`) rendered with context, as HTML."""
    return mark_safe(engines["fragments"].env.get_template(template_name).render(context))


def share_links(url, title):
    """Links that share a page on X, Facebook, WhatsApp or by email, and a copy-link button: plain links to
    each service's own share address, so no third-party script or tracker loads."""
    return {
        "url": url,
        "script": static("js/share.js"),
        "links": [
            ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
            ("Email", f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}"),
        ],
    }


def promo_footer(footer, article):
    """{tagline, teaser} of the footer block under article, or None without a footer."""
    if footer is None:
        return None
    return {"tagline": as_sentence(footer.tagline), "teaser": footer.teaser(exclude=article)}


def as_sentence(text):
    """text ending as a sentence: a trailing colon (which led into a teaser) becomes a full stop, and a sentence
    with no closing punctuation gets one. The teaser follows as a sentence of its own."""
    text = (text or "").strip()
    if not text:
        return text
    text = text.rstrip(":").rstrip()
    return text if text[-1] in '.!?…”’")' else f"{text}."


# Inside <script>, these could end the element or open a comment: escape them.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def article_json_ld(article, url, image):
    """schema.org NewsArticle for article as a safely escaped <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst or article.excerpt,
        "datePublished": article.public_at,
        "dateModified": max(article.updated_at, article.publish_at) if article.publish_at else article.updated_at,
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.shown_authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": absolute("/"),
        },
        "articleSection": [tag.name for tag in article.shown_topics],
        "contentLocation": [{"@type": "Place", "name": tag.name} for tag in article.shown_regions],
        "inLanguage": settings.SITE_LANGUAGE,
        "isAccessibleForFree": True,
    }
    if image:
        data["image"] = [absolute(image["largest"])]
    corrections = [
        {
            "@type": "CorrectionComment",
            "name": correction.get_kind_display(),
            "text": correction.text,
            "datePublished": correction.created_at,
        }
        for correction in article.shown_corrections
    ]
    if corrections:
        data["correction"] = corrections
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{encoded}</script>')
