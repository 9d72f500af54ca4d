"""A WordPress post's stored content turned into the HTML an article body holds.

WordPress keeps classic posts as text whose blank lines are paragraphs (its
`wpautop` filter adds the <p> and <br> tags when the page is shown), with
shortcodes such as [caption] in square brackets; block-editor posts are HTML
already, wrapped in <!-- wp:… --> comments. The result here is then cleaned by
the article body's sanitiser like every body.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from .. import text

# Elements that stand as blocks of their own: never wrapped in a paragraph.
BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    "|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure"
    "|figcaption|details|menu|summary"
)
BLOCK_OPEN = re.compile(rf"(<(?:{BLOCK_TAGS})[\s/>])", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.IGNORECASE)
BLOCK_EDGE = rf"</?(?:{BLOCK_TAGS})(?:\s[^>]*)?/?>"
PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
CAPTION = re.compile(r"\[(caption|wp_caption)(\s[^\]]*)?\](.*?)\[/\1\]", re.IGNORECASE | re.DOTALL)
EMBED = re.compile(r"\[embed(?:\s[^\]]*)?\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
# Media shortcodes with nothing a text body can show: removed, with their closing tag and contents if any.
MEDIA_SHORTCODE = re.compile(
    r"\[(gallery|video|audio|playlist)(?:\s[^\]]*)?\](?:.*?\[/\1\])?", re.IGNORECASE | re.DOTALL
)
IMG = re.compile(r"<img\s[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
FIGCAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
FIGURE = re.compile(r"<figure[^>]*>(.*?)</figure>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Picture:
    """An image the post showed in its text: where it was, and its caption and alt text."""

    src: str
    caption: str = ""
    alt: str = ""


@dataclass
class Body:
    html: str
    pictures: list[Picture] = field(default_factory=list)


def attributes(tag):
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in ATTRIBUTE.finditer(tag)
    }


def plain(value):
    """Text without tags or entities, white space collapsed."""
    return text.normalize_name(html.unescape(strip_tags(value or "")))


def has_blocks(content):
    return "<!-- wp:" in content


def convert(content):
    """The body HTML for a post's content, and the pictures it showed (bodies hold text, not images)."""
    pictures = []
    content = (content or "").replace("\r\n", "\n").replace("\r", "\n")

    def caption(match):
        inner = match.group(3)
        image = IMG.search(inner)
        words = plain(IMG.sub("", inner)) or attributes(match.group(2) or "").get("caption", "")
        if image:
            found = attributes(image.group(0))
            pictures.append(Picture(src=found.get("src", ""), caption=words, alt=found.get("alt", "")))
        return "\n\n"

    def figure(match):
        inner = match.group(1)
        image = IMG.search(inner)
        if not image:
            return match.group(0)
        found_caption = FIGCAPTION.search(inner)
        found = attributes(image.group(0))
        pictures.append(
            Picture(
                src=found.get("src", ""),
                caption=plain(found_caption.group(1)) if found_caption else "",
                alt=found.get("alt", ""),
            )
        )
        return ""

    content = CAPTION.sub(caption, content)
    content = EMBED.sub(
        lambda m: f'\n\n<p><a href="{html.escape(m.group(1).strip())}">{html.escape(m.group(1).strip())}</a></p>\n\n',
        content,
    )
    content = MEDIA_SHORTCODE.sub("", content)
    if has_blocks(content):
        content = BLOCK_COMMENT.sub("", content)
        content = FIGURE.sub(figure, content)
        content = re.sub(r"\n\s*\n\s*", "\n\n", content)
    else:
        content = FIGURE.sub(figure, content)
        content = autop(content)
    for image in IMG.finditer(content):
        found = attributes(image.group(0))
        pictures.append(Picture(src=found.get("src", ""), alt=found.get("alt", "")))
    content = IMG.sub("", content)
    return Body(html=content.strip(), pictures=pictures)


def autop(content):
    """Paragraphs from blank lines and line breaks from single newlines, outside block elements (WordPress's rule)."""
    if not content.strip():
        return ""
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"\n\n<!--pre {len(kept) - 1}-->\n\n"

    content = PRE.sub(keep, content + "\n")
    content = BLOCK_OPEN.sub(r"\n\n\1", content)
    content = BLOCK_CLOSE.sub(r"\1\n\n", content)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", content) if chunk.strip()]
    content = "\n".join(f"<p>{chunk}</p>" for chunk in chunks)
    # Undo the paragraphs that wrap a block element's own tags, as WordPress does.
    content = re.sub(r"<p>(<!--pre \d+-->)</p>", r"\1", content)
    content = re.sub(r"<p>\s*<blockquote([^>]*)>", r"<blockquote\1><p>", content, flags=re.IGNORECASE)
    content = re.sub(r"</blockquote>\s*</p>", "</p></blockquote>", content, flags=re.IGNORECASE)
    content = re.sub(rf"<p>\s*({BLOCK_EDGE})", r"\1", content, flags=re.IGNORECASE)
    content = re.sub(rf"({BLOCK_EDGE})\s*</p>", r"\1", content, flags=re.IGNORECASE)
    content = re.sub(r"<p>\s*</p>", "", content)
    content = content.replace("\n", "<br>\n")
    content = re.sub(rf"({BLOCK_EDGE}|<!--pre \d+-->)\s*<br>", r"\1", content, flags=re.IGNORECASE)
    content = re.sub(rf"<br>(\s*(?:{BLOCK_EDGE}|<!--pre \d+-->))", r"\1", content, flags=re.IGNORECASE)
    return re.sub(r"<!--pre (\d+)-->", lambda m: kept[int(m.group(1))], content)
