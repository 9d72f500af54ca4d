"""Readable text diffs between two versions of an article, for the revision history."""

import re

from diff_match_patch import diff_match_patch
from django.utils.html import escape, format_html_join, strip_tags
from django.utils.safestring import mark_safe

from .sanitizer import sanitize_html

BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n{3,}")


def html_to_lines(html):
    """Article HTML as plain text with one block per paragraph, so diffs read like the text."""
    text = BLOCK_END.sub("\n\n", html or "")
    return BLANK_LINES.sub("\n\n", strip_tags(text)).strip()


def text_diff(old, new):
    """A list of (operation, text) pairs: -1 removed, 0 kept, 1 added; cleaned up for people to read."""
    differ = diff_match_patch()
    diffs = differ.diff_main(old or "", new or "")
    differ.diff_cleanupSemantic(diffs)
    return diffs


def diff_html(old, new):
    """The diff as escaped HTML with <del> and <ins>, line breaks kept."""
    tags = {-1: "del", 0: "span", 1: "ins"}
    # Each chunk is escaped here, before the line breaks are added, so marking it safe is sound.
    parts = [(tags[operation], escape(chunk).replace("\n", "<br>")) for operation, chunk in text_diff(old, new)]
    return format_html_join("", "<{0}>{1}</{0}>", ((tag, mark_safe(chunk)) for tag, chunk in parts))


def has_changes(old, new):
    return (old or "") != (new or "")


# Text that means the same to a reader: the editor re-serialises paragraph breaks and spacing between blocks.
BETWEEN_TAGS = re.compile(r">\s+<")
SPACES = re.compile(r"\s+")


def normalized_html(html):
    """Article HTML as the sanitiser keeps it, with white space between and inside blocks collapsed."""
    cleaned = sanitize_html(html or "")
    return SPACES.sub(" ", BETWEEN_TAGS.sub("><", cleaned)).strip()


def same_html(old, new):
    """Whether two bodies read the same (only white space and the editor's serialisation differ)."""
    return normalized_html(old) == normalized_html(new)
