"""One live article as an IPTC ninjs 3.1 news item (News in JSON: https://iptc.org/standards/ninjs/)."""

import html
import re

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from articles.text import word_count
from reader.links import absolute

NINJS_VERSION = "3.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
# Block ends in a sanitised body: where the plain-text body starts a new paragraph.
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|pre)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n\s*\n+")


def item_uri(pk):
    """The item's identifier: its address in this API, which never changes."""
    return absolute(reverse("api:item", kwargs={"pk": pk}))


def plain_text(body_html):
    """The body as plain text: one paragraph per block, separated by a blank line, entities decoded."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n\n", body_html or "")))
    paragraphs = [" ".join(part.split()) for part in BLANK_LINES.split(text)]
    return "\n\n".join(part for part in paragraphs if part)


def moment(value):
    """RFC 3339 in UTC, to the second, as the schema's date-time format asks."""
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z") if value else None


def hero_renditions(article):
    """The hero image's renditions as ninjs renditions, widest last (from the renditions made on save)."""
    stored = article.hero_renditions or {}
    ratio = (stored["height"] / stored["width"]) if stored.get("width") else None
    renditions = []
    for key, content_type in (("jpeg", "image/jpeg"), ("webp", "image/webp")):
        for entry in stored.get(key) or ():
            rendition = {
                "name": f"{key}-{entry['width']}",
                "href": absolute(entry["url"]),
                "contentType": content_type,
                "width": entry["width"],
            }
            if ratio:
                rendition["height"] = max(1, round(entry["width"] * ratio))
            renditions.append(rendition)
    if not renditions and article.hero_image:
        renditions.append({"name": "original", "href": absolute(article.hero_image.url)})
    return renditions


def hero_association(article):
    """The hero image as an associated picture item with its renditions, caption, alt text and credit."""
    renditions = hero_renditions(article)
    if not renditions:
        return None
    picture = {
        "name": "featureimage",
        "uri": f"{item_uri(article.pk)}#featureimage",
        "type": "picture",
        "renditions": renditions,
    }
    descriptions = [
        {"role": role, "contentType": "text/plain", "value": value}
        for role, value in (("caption", article.hero_caption), ("alt", article.hero_alt))
        if value
    ]
    if descriptions:
        picture["descriptions"] = descriptions
    if article.hero_credit:
        picture["by"] = article.hero_credit
        picture["copyrightHolder"] = article.hero_credit
    return picture


def _subjects(article):
    return [
        {"name": label.name, "rel": rel, "uri": absolute(label.get_absolute_url()), "literal": f"{rel}:{label.slug}"}
        for rel, labels in (("region", article.shown_regions), ("topic", article.shown_topics))
        for label in labels
    ]


def item(article):
    """The ninjs item of a live article, read from the row alone (names come from `listing_labels`)."""
    authors = article.shown_authors
    body_text = plain_text(article.body)
    data = {
        "uri": item_uri(article.pk),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationType": "full",
        "version": str(article.version),
        "firstCreated": moment(article.first_published_at or article.public_at),
        "versionCreated": moment(article.updated_at),
        "pubStatus": "usable",
        "language": settings.SITE_LANGUAGE,
        "copyrightHolder": settings.SITE_NAME,
        "slugline": article.slug,
        "headlines": [{"role": "main", "contentType": "text/plain", "value": article.headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": article.body,
                "charCount": len(body_text),
                "wordCount": word_count(article.body),
            },
            {"role": "main", "contentType": "text/plain", "value": body_text},
        ],
        "renditions": [
            {"name": "web", "href": absolute(article.get_absolute_url()), "contentType": "text/html"},
        ],
    }
    if article.standfirst:
        data["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": article.standfirst}]
    if authors:
        data["by"] = ", ".join(author.name for author in authors)
        data["people"] = [
            {"name": author.name, "rel": "author", "uri": absolute(author.get_absolute_url())} for author in authors
        ]
    if subjects := _subjects(article):
        data["subjects"] = subjects
    if article.source_attribution:
        data["infoSources"] = [{"name": article.source_attribution, "role": "source"}]
    if picture := hero_association(article):
        data["associations"] = [picture]
    return data
