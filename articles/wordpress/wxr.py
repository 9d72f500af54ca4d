"""Reading a WordPress eXtended RSS (WXR) export as a stream, one item at a time.

The file is fed to expat in small chunks through defusedxml, which refuses any
DOCTYPE (so no entity can be declared, expanded or fetched from outside). Text
is gathered only for the elements the import reads, each with a cap, so memory
stays bounded whatever the file holds: an item with an oversized field is
marked, not loaded.
"""

import codecs
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from ..exceptions import ArticleError

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
CHUNK_BYTES = 64 * 1024

# Real exports use both forms of each namespace.
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
CONTENT_NAMESPACE = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")
DC_NAMESPACE = re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")

# The longest text kept for a post's content or excerpt, and for any other field; beyond it the item is skipped.
MAX_CONTENT_CHARACTERS = 2_000_000
MAX_FIELD_CHARACTERS = 20_000
# Categories, tags and meta entries one post may have, and authors, categories and tags the site may list.
MAX_RECORDS_PER_ITEM = 2_000
MAX_CHANNEL_RECORDS = 500_000
WANTED_META = {"_thumbnail_id", "_wp_attached_file", "_wp_attachment_image_alt"}


class WXRError(ArticleError):
    """The file cannot be read as a WordPress export; nothing was imported."""


@dataclass
class Term:
    domain: str  # "category", "post_tag", "author" (Co-Authors Plus) or a custom taxonomy
    slug: str
    name: str


@dataclass
class Item:
    post_id: int | None = None
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    slug: str = ""
    content: str = ""
    excerpt: str = ""
    creator: str = ""
    date: str = ""
    date_gmt: str = ""
    password: str = ""
    attachment_url: str = ""
    terms: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    oversized: str = ""  # the field that was too long to load, if any


@dataclass
class Channel:
    """What the export says about the site, filled in as the file is read (it comes before the items)."""

    version: str = ""
    namespace_version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (name, parent slug)
    tags: dict[str, str] = field(default_factory=dict)  # slug -> name

    @property
    def site_url(self):
        return self.base_site_url or self.link


# Element (family, local name) -> attribute of Item it fills.
ITEM_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("content", "encoded"): "content",
    ("excerpt", "encoded"): "excerpt",
    ("dc", "creator"): "creator",
    ("wp", "post_id"): "post_id",
    ("wp", "post_date"): "date",
    ("wp", "post_date_gmt"): "date_gmt",
    ("wp", "post_name"): "slug",
    ("wp", "status"): "status",
    ("wp", "post_type"): "post_type",
    ("wp", "post_password"): "password",
    ("wp", "attachment_url"): "attachment_url",
}
CHANNEL_FIELDS = {
    ("", "title"): "title",
    ("", "link"): "link",
    ("wp", "base_site_url"): "base_site_url",
    ("wp", "wxr_version"): "version",
}
# Elements whose text is gathered inside a channel-level <wp:author>, <wp:category>, <wp:tag> or <wp:postmeta>.
RECORD_FIELDS = {
    "author_login",
    "author_display_name",
    "category_nicename",
    "category_parent",
    "cat_name",
    "tag_slug",
    "tag_name",
    "meta_key",
    "meta_value",
}


def family(uri):
    if not uri:
        return ""
    if WP_NAMESPACE.match(uri):
        return "wp"
    if EXCERPT_NAMESPACE.match(uri):
        return "excerpt"
    if CONTENT_NAMESPACE.match(uri):
        return "content"
    if DC_NAMESPACE.match(uri):
        return "dc"
    return "other"


class _Handler(ContentHandler):
    """Turns SAX events into a Channel and a queue of finished Items."""

    def __init__(self):
        super().__init__()
        self.channel = Channel()
        self.items = []
        self.stack = []  # (family, local name) of the open elements
        self.item = None
        self.record = None  # the fields of an open wp:author / wp:category / wp:tag / wp:postmeta / category
        self.record_key = None
        self.text = None  # parts of the text being gathered, or None when the element is not read
        self.text_length = 0
        self.text_cap = 0
        self.text_overflow = False
        self.saw_root = False

    # --- SAX -----------------------------------------------------------------------------------------------------

    def startElementNS(self, name, qname, attributes):
        uri, local = name
        key = (family(uri), local)
        if key[0] == "wp" and not self.channel.namespace_version:
            self.channel.namespace_version = WP_NAMESPACE.match(uri).group(1)
        if not self.saw_root:
            self.saw_root = True
            if key != ("", "rss"):
                raise WXRError(f"the file is XML but not a WordPress export: it starts with <{local}>, not <rss>.")
        depth = len(self.stack)
        self.stack.append(key)
        if key == ("", "item") and depth == 2:
            self.item = Item()
        elif key[0] == "wp" and local in {"author", "category", "tag", "postmeta"} and depth in (2, 3):
            self.record, self.record_key = {}, (key, depth)
        elif self.item is not None and key == ("", "category") and depth == 3:
            self.record_key = (key, depth)
            self.record = {
                "domain": attributes.get((None, "domain"), "") or "",
                "nicename": attributes.get((None, "nicename"), "") or "",
            }
        if self._wants_text(key, depth):
            self.text, self.text_length, self.text_overflow = [], 0, False
            self.text_cap = (
                MAX_CONTENT_CHARACTERS
                if key in {("content", "encoded"), ("excerpt", "encoded")}
                else (MAX_FIELD_CHARACTERS)
            )

    def characters(self, content):
        if self.text is None or self.text_overflow:
            return
        self.text_length += len(content)
        if self.text_length > self.text_cap:
            self.text_overflow, self.text = True, []
        else:
            self.text.append(content)

    def endElementNS(self, name, qname):
        key = self.stack.pop()
        depth = len(self.stack)
        value = None
        if self.text is not None:
            value = "".join(self.text)
            overflow = self.text_overflow
            self.text = None
            if overflow:
                self._overflow(key)
                value = None
        if value is not None:
            self._store(key, depth, value)
        if key == ("", "item") and depth == 2 and self.item is not None:
            self.items.append(self.item)
            self.item = None
        elif self.record is not None and self.record_key == (key, depth):
            self._close_record(key)

    # --- helpers ---------------------------------------------------------------------------------------------------

    def _wants_text(self, key, depth):
        if self.record is not None and key[0] == "wp" and key[1] in RECORD_FIELDS:
            # Plugins keep large values in post meta; only the few the import reads are gathered.
            return key[1] != "meta_value" or self.record.get("meta_key", "").strip() in WANTED_META
        if self.item is not None:
            return (depth == 3 and key in ITEM_FIELDS) or (depth == 3 and key == ("", "category"))
        return depth == 2 and key in CHANNEL_FIELDS

    def _overflow(self, key):
        if self.record is not None and key[1] in RECORD_FIELDS:
            self.record["overflow"] = key[1]
        elif self.item is not None:
            self.item.oversized = self.item.oversized or ITEM_FIELDS.get(key, key[1])
        elif key == ("wp", "wxr_version") or key[1] in {"base_site_url", "link"}:
            raise WXRError(f"the export's <{key[1]}> is implausibly long; is this a WordPress export?")

    def _store(self, key, depth, value):
        if self.record is not None and key[0] == "wp" and key[1] in RECORD_FIELDS:
            self.record[key[1]] = value
        elif self.item is not None and depth == 3 and key == ("", "category"):
            self.record["name"] = value
        elif self.item is not None and depth == 3 and key in ITEM_FIELDS:
            attribute = ITEM_FIELDS[key]
            if attribute == "post_id":
                value = int(value.strip()) if value.strip().isdigit() else None
            setattr(self.item, attribute, value)
        elif self.item is None and depth == 2 and key in CHANNEL_FIELDS:
            setattr(self.channel, CHANNEL_FIELDS[key], value.strip())
            if key == ("wp", "wxr_version"):
                check_version(value.strip())

    def _close_record(self, key):
        record, self.record = self.record, None
        if key == ("", "category") and self.item is not None:
            if len(self.item.terms) >= MAX_RECORDS_PER_ITEM:
                self.item.oversized = self.item.oversized or "list of categories and tags"
                return
            self.item.terms.append(
                Term(domain=record["domain"], slug=record["nicename"].strip(), name=record.get("name", "").strip())
            )
        elif "overflow" in record:
            if self.item is not None:
                self.item.oversized = self.item.oversized or record["overflow"]
        elif key == ("wp", "postmeta") and self.item is not None:
            if "meta_key" in record and len(self.item.meta) < MAX_RECORDS_PER_ITEM:
                self.item.meta[record["meta_key"].strip()] = record.get("meta_value", "")
        elif (
            self.item is None
            and len(self.channel.authors) + len(self.channel.categories) + len(self.channel.tags) >= MAX_CHANNEL_RECORDS
        ):
            raise WXRError(f"the export lists more than {MAX_CHANNEL_RECORDS:,} authors, categories and tags.")
        elif key == ("wp", "author") and self.item is None:
            login = record.get("author_login", "").strip()
            if login:
                self.channel.authors[login] = record.get("author_display_name", "").strip() or login
        elif key == ("wp", "category") and self.item is None:
            slug = record.get("category_nicename", "").strip()
            if slug:
                self.channel.categories[slug] = (
                    record.get("cat_name", "").strip() or slug,
                    record.get("category_parent", "").strip(),
                )
        elif key == ("wp", "tag") and self.item is None:
            slug = record.get("tag_slug", "").strip()
            if slug:
                self.channel.tags[slug] = record.get("tag_name", "").strip() or slug


def check_version(version):
    if version not in SUPPORTED_VERSIONS:
        raise WXRError(
            f"WXR version {version[:20]} is not supported; this importer reads versions "
            f"{', '.join(SUPPORTED_VERSIONS)}."
        )


def read(path) -> Iterator[tuple[Channel, Item]]:
    """Yield (channel, item) for every item of the export at path, reading it in chunks, then (channel, None).

    Raises WXRError, with a one-line reason, for a file that is missing, not
    well-formed XML, not UTF-8, not a WordPress export or of an unsupported version.
    """
    path = Path(path)
    if not path.is_file():
        raise WXRError("no such file." if not path.exists() else "not a regular file.")
    handler = _Handler()
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                parser.feed(chunk)
                yield from _drain(handler)
            parser.close()
    except xml.sax.SAXParseException as error:
        raise WXRError(_syntax_problem(path, error)) from None
    except DefusedXmlException:
        raise WXRError(
            "the file declares a DOCTYPE (with entities or external references); WordPress exports never do, "
            "so it is refused for safety."
        ) from None
    except OSError as error:
        raise WXRError(f"cannot be read ({error.strerror or error}).") from None
    if not handler.saw_root:
        raise WXRError("the file is empty.")
    _check_wxr(handler.channel)
    yield from _drain(handler)
    yield handler.channel, None


def _drain(handler):
    if handler.items:
        _check_wxr(handler.channel)
        items, handler.items = handler.items, []
        for item in items:
            yield handler.channel, item


def _check_wxr(channel):
    if not channel.namespace_version and not channel.version:
        raise WXRError("the file is RSS but not a WordPress export (WXR): it has no wp:wxr_version.")
    check_version(channel.version or channel.namespace_version)


def _syntax_problem(path, error):
    line, column = error.getLineNumber(), error.getColumnNumber()
    if (offset := _invalid_utf8_offset(path)) is not None:
        return f"the file is not valid UTF-8 (byte {offset:,}); export it again from WordPress."
    message = error.getMessage()
    return f"the file is not well-formed XML (line {line}, column {column}: {message})."


def _invalid_utf8_offset(path):
    """The byte offset of the first invalid UTF-8 sequence in the file, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    return offset + error.start
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None
