"""Rendered pieces of reader pages: story cards and the parts of an article page.

`reader.readmodel` keeps them once per content generation, so a list page
reads ids only and the rows and templates behind its cards cost nothing after
the first reader. Previews render the same templates without keeping them.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Each kind of card: its template and what the template is told.
CARD_VARIANTS = {
    "lead": ("reader/includes/lead_story.html", {}),
    "list": ("reader/includes/article_card.html", {"show_image": True, "show_excerpt": True, "level": 2}),
    "grid": ("reader/includes/article_card.html", {"show_image": True}),
    "latest": ("reader/includes/article_card.html", {}),
}


def check_card_variant(variant):
    if variant not in CARD_VARIANTS:
        raise ValueError(f"Unknown card variant {variant!r}.")


def render_card(article, variant):
    template_name, options = CARD_VARIANTS[variant]
    return mark_safe(render_to_string(template_name, {"article": article, **options}))


def render_article_page(article):
    """The parts of an article page that show the article: {title, description, head, content}."""
    context = {"article": article, "SITE_NAME": settings.SITE_NAME}
    return {
        "title": article.headline,
        "description": article.standfirst or article.excerpt,
        "head": mark_safe(render_to_string("reader/parts/article_head.html", context)),
        "content": mark_safe(render_to_string("reader/parts/article_content.html", context)),
    }
