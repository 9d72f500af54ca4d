"""A story's body as readers get it: the stored references expanded into figures.

The body keeps `<figure data-image="ID">` and `<figure data-embed="URL">` (see
`articles.sanitizer`). On the page an image becomes a responsive `<picture>`
(WebP and JPEG sources, width and height so nothing jumps, lazy-loaded) with
its caption and credit, from what the story copied on save (`body_media`), so
no query is needed. An embed becomes a placeholder that loads nothing from
the provider until the reader presses its button (`static/reader/embeds.js`).
Feeds get plain images and links.
"""

import html
import re

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.embeds import parse_embed

BODY_IMAGE_SIZES = "(min-width: 64rem) 46rem, 100vw"
REFERENCE = re.compile(r'<figure data-(image|embed)="([^"]*)"(?: data-caption="([^"]*)")?></figure>')
# What a provider's frame asks for and how tall its placeholder and frame are.
EMBED_KINDS = {
    "video": ("video", "embed--video"),
    "post": ("post", "embed--post"),
    "audio": ("audio player", "embed--audio"),
    "map": ("map", "embed--map"),
    "chart": ("chart", "embed--chart"),
}


def has_embeds(body):
    return 'data-embed="' in (body or "")


def _srcset(items):
    return ", ".join(f"{item['url']} {item['width']}w" for item in items)


def _caption(caption, credit):
    if not caption and not credit:
        return ""
    credit_html = format_html(' <span class="credit">Photo: {}</span>', credit) if credit else ""
    return format_html("<figcaption>{}{}</figcaption>", caption, credit_html)


def image_figure(entry, caption):
    """The <figure> of a body image from its `body_media` entry."""
    jpeg, webp = entry.get("jpeg") or [], entry.get("webp") or []
    fallback = next((item for item in jpeg if item["width"] >= 800), jpeg[-1]) if jpeg else {"url": entry.get("src")}
    if not fallback.get("url"):
        return ""
    size = format_html(' width="{}" height="{}"', entry["width"], entry["height"]) if entry.get("width") else ""
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), BODY_IMAGE_SIZES)
        if webp
        else ""
    )
    srcset = format_html(' srcset="{}" sizes="{}"', _srcset(jpeg), BODY_IMAGE_SIZES) if jpeg else ""
    return format_html(
        '<figure class="story-figure"><picture>{}<img src="{}"{}{} alt="{}" loading="lazy" decoding="async">'
        "</picture>{}</figure>",
        source,
        fallback["url"],
        srcset,
        size,
        entry.get("alt", ""),
        _caption(caption or entry.get("caption", ""), entry.get("credit", "")),
    )


def embed_placeholder(url):
    """The reader's placeholder for an embed: who the provider is, and a button that loads it (nothing before)."""
    embed = parse_embed(url)
    if embed is None:
        return ""
    what, css_class = EMBED_KINDS[embed.provider.kind]
    title = f"{embed.name} {what}"
    return format_html(
        '<figure class="embed {css_class}">'
        '<div class="embed__placeholder">'
        '<p class="embed__title">{title}</p>'
        '<p class="embed__note">This content is hosted by {name}. Loading it lets {name} set cookies and see '
        "that you read this page.</p>"
        '<p class="embed__actions"><button type="button" class="embed__load" data-embed-src="{src}" '
        'data-embed-title="{title}">Load {what}</button> '
        '<a class="embed__link" href="{url}" rel="noopener noreferrer">Open on {name}</a></p>'
        "</div></figure>",
        css_class=css_class,
        title=title,
        name=embed.name,
        src=embed.frame_src,
        what=what,
        url=embed.url,
    )


def _feed_image(entry, caption):
    jpeg = entry.get("jpeg") or []
    src = jpeg[-1]["url"] if jpeg else entry.get("src")
    if not src:
        return ""
    return format_html(
        '<figure><img src="{}" alt="{}"{}>{}</figure>',
        src,
        entry.get("alt", ""),
        format_html(' width="{}" height="{}"', entry["width"], entry["height"]) if entry.get("width") else "",
        _caption(caption or entry.get("caption", ""), entry.get("credit", "")),
    )


def _feed_embed(url):
    embed = parse_embed(url)
    return format_html('<p><a href="{}">{}: {}</a></p>', embed.url, embed.name, embed.url) if embed else ""


def render_body(body, media, *, absolute=None, for_feed=False):
    """body with its references expanded; absolute, if given, makes image addresses absolute (for feeds)."""
    if "<figure" not in (body or ""):
        return mark_safe(body or "")  # sanitised on save
    images = (media or {}).get("images", {})

    def expand(match):
        kind, value, caption = match.group(1), html.unescape(match.group(2)), html.unescape(match.group(3) or "")
        if kind == "embed":
            return _feed_embed(value) if for_feed else embed_placeholder(value)
        entry = images.get(value)
        if entry is None:
            return ""
        if absolute is not None:
            entry = {
                **entry,
                "jpeg": [{**item, "url": absolute(item["url"])} for item in entry.get("jpeg", [])],
                "webp": [{**item, "url": absolute(item["url"])} for item in entry.get("webp", [])],
                "src": absolute(entry["src"]) if entry.get("src") else "",
            }
        return _feed_image(entry, caption) if for_feed else image_figure(entry, caption)

    return mark_safe(REFERENCE.sub(expand, body))  # sanitised body; expansions escaped above
