"""Rendered pieces of reader pages, kept once per content generation.

A story card, or the part of an article page that shows the article, is
rendered once and then read back from the page store until the content
generation moves (any committed change to what readers see) or the next
scheduled change passes: the invalidation of whole cached pages, so a fragment
is never staler than a cached page. A list page therefore reads ids only, and
the rows and templates behind the cards it shows cost nothing after the first
reader. Previews render the same templates without the store.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import cache as page_cache
from . import selectors

# Each kind of card: its template and what the template is told.
CARD_VARIANTS = {
    "lead": ("includes/lead_story.html", {}),
    "list": ("includes/article_card.html", {"show_image": True, "show_excerpt": True, "level": 2}),
    "grid": ("includes/article_card.html", {"show_image": True}),
    "latest": ("includes/article_card.html", {}),
}


def render_card(article, variant):
    template_name, options = CARD_VARIANTS[variant]
    return mark_safe(render_to_string(template_name, {"article": article, **options}))


def card_groups(groups):
    """[[card, ...], ...]: for each (ids, variant) in groups, the rendered cards of those live articles, in order.

    Cards not yet rendered in this content generation are rendered from one
    read of all their articles, however many groups there are. An id that is
    not live is skipped.
    """
    groups = [(list(ids), variant) for ids, variant in groups]
    for _ids, variant in groups:
        if variant not in CARD_VARIANTS:
            raise ValueError(f"Unknown card variant {variant!r}.")
    keys = [("card", variant, pk) for ids, variant in groups for pk in ids]

    def render_missing(missing):
        articles = {article.pk: article for article in selectors.by_ids(list({pk for _c, _v, pk in missing}))}
        return {key: render_card(articles[key[2]], key[1]) for key in missing if key[2] in articles}

    rendered = page_cache.per_generation_many(keys, render_missing)
    return [[rendered[key] for pk in ids if (key := ("card", variant, pk)) in rendered] for ids, variant in groups]


def cards(ids, variant):
    """The rendered cards of the live articles with these ids, in order."""
    return card_groups([(ids, variant)])[0]


def render_article_page(article):
    """The parts of an article page that show the article: {title, description, head, content}."""
    context = {"article": article, "SITE_NAME": settings.SITE_NAME}
    return {
        "title": article.headline,
        "description": article.standfirst or article.excerpt,
        "head": mark_safe(render_to_string("articles/parts/article_head.html", context)),
        "content": mark_safe(render_to_string("articles/parts/article_content.html", context)),
    }


def article_page(slug):
    """The rendered parts of the live article at slug (404 if there is none), once per content generation."""
    pk = selectors.live_article_pk_or_404(slug)
    key = ("article-page", pk)
    parts = page_cache.per_generation_many(
        [key], lambda missing: {key: render_article_page(selectors.article_for_reader(slug))}
    )
    return parts[key]


def home_page():
    """The home page's stories as rendered cards: lead, secondary, latest and [(tag, vocabulary, cards)]."""
    plan = selectors.home_page()
    sections = plan["sections"]
    lead, secondary, latest, *section_cards = card_groups(
        [
            (plan["lead_ids"], "lead"),
            (plan["secondary_ids"], "list"),
            (plan["latest_ids"], "latest"),
            *[(ids, "grid") for _tag, _vocabulary, ids in sections],
        ]
    )
    return {
        "lead": lead[0] if lead else None,
        "secondary": secondary,
        "latest": latest,
        "sections": [
            (tag, vocabulary, chosen)
            for (tag, vocabulary, _ids), chosen in zip(sections, section_cards, strict=True)
            if chosen
        ],
    }
