"""Server-side allow-list for article HTML.

Everything an editor saves passes through `sanitize_html`, whatever the editor
widget sent: scripts, event handlers, styles, frames and unsafe link schemes
never reach the database.

One block element is kept beyond text markup: `<figure>`, only as a reference
the page expands when it is shown, and only in one of two exact forms,
`<figure data-image="ID" data-caption="…"></figure>` (a library image) or
`<figure data-embed="URL"></figure>` (a URL of an allowed embed provider).
Anything else in or about a figure is dropped.
"""

import html
import re

import nh3

from .embeds import parse_embed

MAX_CAPTION_LENGTH = 300

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "hr",
    "figure",
    # Simple tables (pasted from Word or Google Docs, or made in the editor): no styles, no widths.
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "ol": {"start"},
    "figure": {"data-image", "data-caption", "data-embed"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(element, attribute, value):
    """Keep only the attribute values the editor can produce."""
    if element == "a" and attribute == "target":
        return value if value == "_blank" else None
    if element == "ol" and attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    if element in {"th", "td"} and attribute in {"colspan", "rowspan"}:
        return value if value.isascii() and value.isdigit() and 1 < int(value) <= 50 else None
    if element == "figure" and attribute == "data-image":
        return value if value.isascii() and value.isdigit() and len(value) <= 12 and int(value) > 0 else None
    if element == "figure" and attribute == "data-embed":
        embed = parse_embed(value)
        return embed.url if embed else None
    return value


FIGURE_TAG = re.compile(r"<figure(?: [^>]*)?>|</figure>")
FIGURE_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def _canonical_figure(opening_tag):
    """The one stored form of a figure, from its cleaned opening tag, or "" when it is neither image nor embed."""
    attributes = {name: html.unescape(value) for name, value in FIGURE_ATTRIBUTE.findall(opening_tag)}
    if image_id := attributes.get("data-image"):
        caption = " ".join(attributes.get("data-caption", "").split())[:MAX_CAPTION_LENGTH]
        caption_attribute = f' data-caption="{html.escape(caption)}"' if caption else ""
        return f'<figure data-image="{image_id}"{caption_attribute}></figure>'
    if url := attributes.get("data-embed"):
        return f'<figure data-embed="{html.escape(url)}"></figure>'
    return ""


def _canonical_figures(cleaned):
    """Each outermost figure becomes its stored form; whatever was inside it is dropped."""
    if "<figure" not in cleaned:
        return cleaned
    out, depth, position = [], 0, 0
    for match in FIGURE_TAG.finditer(cleaned):
        closing = match.group().startswith("</")
        if depth == 0 and not closing:
            out.append(cleaned[position : match.start()])
            out.append(_canonical_figure(match.group()))
        if closing:
            depth = max(depth - 1, 0)
            if depth == 0:
                position = match.end()
        else:
            depth += 1
    out.append(cleaned[position:] if depth == 0 else "")
    return "".join(out)


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # "*": no attribute is allowed on every element (nh3 would otherwise keep lang and title anywhere).
    attributes={**ALLOWED_ATTRIBUTES, "*": set()},
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


def allow_body_figures(config, shared_config):
    """The prose editor's allow-list entry for the figure references (used only by its own sanitiser, not ours)."""
    shared_config.setdefault("tags", set()).add("figure")
    shared_config.setdefault("attributes", {}).setdefault("figure", set()).update(ALLOWED_ATTRIBUTES["figure"])


# Headings outside the body's levels (h2 to h4), as pasted from Word or Google Docs, become the nearest one.
OUTER_HEADING = re.compile(r"<(/?)\s*h([156])\b", re.IGNORECASE)


def _nearest_heading(match):
    return f"<{match.group(1)}h{'2' if match.group(2) == '1' else '4'}"


def sanitize_html(html):
    """Return html reduced to the allow-list; idempotent."""
    cleaned = _canonical_figures(_cleaner.clean(OUTER_HEADING.sub(_nearest_heading, html or ""))).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
