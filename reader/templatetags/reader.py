"""Template tags for the reader's site: navigation, hero images, related stories, metadata."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from .. import readmodel, selectors
from ..context_processors import furniture
from ..fragment_templates import machine_time
from ..fragments import hero_image, render_card
from ..links import absolute, site_links

register = template.Library()

# Inside <script>, these could end the element or open a comment: escape them.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def absolute_url(path):
    """path on the outlet's public address (SITE_URL); full URLs pass through."""
    return absolute(path)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with ?page=number, keeping the other query parameters (e.g. q)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.inclusion_tag("reader/includes/nav.html", takes_context=True)
def section_nav(context):
    return {"sections": furniture(context)["nav"], "request": context.get("request"), "SITE_LINKS": site_links()}


@register.simple_tag
def article_cards(ids, variant):
    """The rendered cards of the live articles with these ids, in order: `{% article_cards ids "list" as cards %}`."""
    return readmodel.card_groups([(ids, variant)])[0]


@register.inclusion_tag("reader/includes/related.html")
def related_articles(article):
    """Cards of live stories sharing a region or topic with article (chosen with the article's page, or now for a
    preview)."""
    if hasattr(article, "related_articles"):
        related = article.related_articles
    else:
        region_ids = tuple(tag.pk for tag in article.regions.all())
        topic_ids = tuple(tag.pk for tag in article.topics.all())
        related = selectors.card_rows(readmodel.related_ids(article.pk, region_ids, topic_ids, selectors.RELATED_LIMIT))
    return {"related": [render_card(story, "grid") for story in related]}


register.filter("machine_time", machine_time)


@register.filter
def hero_image_info(article):
    return hero_image(article)


@register.inclusion_tag("reader/includes/picture.html")
def hero_picture(article, sizes="100vw", loading="lazy", css_class="", crop=None):
    return {
        "image": hero_image(article, crop),
        "alt": article.hero_alt,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """schema.org NewsArticle for article as a safely escaped <script> element."""
    url = absolute_url(article.get_absolute_url())
    image = hero_image(article)
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
            {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}
            for author in article.shown_authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": absolute_url("/"),
        },
        "articleSection": [tag.name for tag in article.shown_topics],
        "contentLocation": [{"@type": "Place", "name": tag.name} for tag in article.shown_regions],
        "inLanguage": settings.SITE_LANGUAGE,
        "isAccessibleForFree": True,
    }
    if image:
        data["image"] = [absolute_url(image["largest"])]
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
