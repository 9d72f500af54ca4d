"""Server-side allow-list for article HTML.

Everything an editor saves passes through `sanitize_html`, whatever the editor
widget sent: scripts, event handlers, styles, frames and unsafe link schemes
never reach the database.
"""

import nh3

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
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "target"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(element, attribute, value):
    """Keep only the attribute values the editor can produce."""
    if element == "a" and attribute == "target":
        return value if value == "_blank" else None
    if element == "ol" and attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


def sanitize_html(html):
    """Return html reduced to the allow-list; idempotent."""
    cleaned = _cleaner.clean(html or "").strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
