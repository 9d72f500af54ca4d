"""The wire inbox: copy from agencies lands here (plain text or ninjs items), and an editor makes it a draft
or discards it. Every write of the inbox is a function here; the reading of files is in `articles.wire`.

Unlike `import_article`, the inbox creates no region or topic it is not told to create, refuses copy with no
body (a file holding only the outlet's promo line), and names the story a duplicate already became.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from . import text, validators
from .exceptions import DuplicateImportError, InvalidTransitionError, WireImportError, WorkflowPermissionError
from .intake import DERIVED_HEADLINE_LENGTH, author_get_or_create, footer_for_trailing_line, is_promo_line
from .models import Article, Author, RegionTag, TopicTag, WireItem
from .services import article_create
from .wire import copy_from_paragraphs, decode_text, parse_wire_copy

VOCABULARIES = {"region": RegionTag, "topic": TopicTag}
MAX_BYLINES = 20


class DuplicateWireError(WireImportError):
    """The same copy is already waiting in the inbox (or was handled there)."""

    def __init__(self, item):
        self.item = item
        super().__init__(
            f"Already in the wire inbox as “{item.headline}” ({item.get_status_display().lower()}): "
            f"{item.get_absolute_url()}; nothing changed."
        )


@dataclass
class Copy:
    """What a wire file says, read and checked, before it is stored."""

    headline: str
    paragraphs: list
    checksum: str
    body_html: str = ""
    standfirst: str = ""
    footer_line: str = ""
    source_attribution: str = ""
    regions: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    authors: list = field(default_factory=list)


def can_handle_wire(user):
    return bool(user and user.is_active and user.has_perm("articles.change_wireitem"))


def read_text(raw, *, name):
    """Plain-text copy: the promo line split off as `import_article` does, the headline from the first sentence."""
    copy = parse_wire_copy(raw, name=name)
    paragraphs, footer_line = copy.paragraphs, ""
    if is_promo_line(copy.trailing_line):
        paragraphs, footer_line = paragraphs[:-1], copy.trailing_line
    if not paragraphs:
        raise WireImportError(f"{name}: no story text, only the outlet's promo line; nothing to import.")
    return Copy(
        headline=text.first_sentence(paragraphs[0], max_length=DERIVED_HEADLINE_LENGTH),
        paragraphs=paragraphs,
        checksum=copy.checksum,
        footer_line=footer_line,
    )


def _list(data, key):
    """The dicts of a ninjs array property (anything malformed is left out, never an error)."""
    value = data.get(key)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _string(value):
    return value if isinstance(value, str) else ""


def _texts(data, key, *, role_first="main"):
    """The `value` strings of a ninjs array of {role, contentType, value}, those of `role_first` first."""
    entries = [entry for entry in _list(data, key) if _string(entry.get("value")).strip()]
    entries.sort(key=lambda entry: entry.get("role") != role_first)
    return entries


def _authors(data):
    """Byline names: the people whose relation is "author", else the `by` line split at commas and "and"."""
    people = [_string(p.get("name")) for p in _list(data, "people") if p.get("rel") == "author"]
    if not any(people):
        people = _string(data.get("by")).replace(" and ", ",").split(",")
    names = [text.normalize_name(name) for name in people]
    return [name[: Author._meta.get_field("name").max_length] for name in names if name][:MAX_BYLINES]


def read_ninjs(raw, *, name):
    """A ninjs text item (3.x, or the body_html/body_text of 1.x and 2.x): headline, body (HTML preferred),
    summary, byline, regions and topics among the subjects, and the source."""
    try:
        data = json.loads(decode_text(raw, name=name))
    except json.JSONDecodeError as error:
        raise WireImportError(f"{name}: not valid JSON (line {error.lineno}, column {error.colno}).") from None
    if not isinstance(data, dict) or not _string(data.get("uri")):
        raise WireImportError(f"{name}: not a ninjs item (a JSON object with a “uri”).")
    if data.get("type", "text") != "text":
        raise WireImportError(f"{name}: a ninjs “{data.get('type')}” item; only text items become stories.")
    bodies = _texts(data, "bodies")
    html = next((b["value"] for b in bodies if b.get("contentType") == "text/html"), _string(data.get("body_html")))
    plain = next((b["value"] for b in bodies if b.get("contentType") != "text/html"), _string(data.get("body_text")))
    paragraphs = [text.html_to_text(html)] if html.strip() else plain.splitlines()
    if not any(paragraph.strip() for paragraph in paragraphs):
        raise WireImportError(f"{name}: the item has no body text; nothing to import.")
    copy = copy_from_paragraphs(paragraphs, name=name)
    headlines = _texts(data, "headlines")
    headline = text.normalize_name(headlines[0]["value"] if headlines else _string(data.get("headline")))
    descriptions = _texts(data, "descriptions", role_first="summary")
    sources = [_string(source.get("name")) for source in _list(data, "infoSources")]
    subjects = _list(data, "subjects")
    return Copy(
        headline=(headline or text.first_sentence(copy.paragraphs[0], max_length=DERIVED_HEADLINE_LENGTH))[
            : WireItem._meta.get_field("headline").max_length
        ],
        paragraphs=copy.paragraphs,
        checksum=copy.checksum,
        body_html=html if html.strip() else "",
        standfirst=descriptions[0]["value"][:600] if descriptions else "",
        source_attribution=(next(filter(None, sources), "") or _string(data.get("copyrightHolder")))[:300],
        regions=[
            _string(s.get("name")) for s in subjects if s.get("rel") == "region" and _string(s.get("name")).strip()
        ],
        topics=[_string(s.get("name")) for s in subjects if s.get("rel") == "topic" and _string(s.get("name")).strip()],
        authors=_authors(data),
    )


def read_copy(raw, *, name):
    """A wire file of either kind: ninjs when it is named .json or starts with “{”, plain text otherwise."""
    if name.lower().endswith(".json") or raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return WireItem.Kind.NINJS, read_ninjs(raw, name=name)
    return WireItem.Kind.TEXT, read_text(raw, name=name)


def resolve_tags(vocabulary, names, *, create, name):
    """The tags named, each existing (or created when `create`); refuses unknown names, listing them all."""
    model = VOCABULARIES[vocabulary]
    problems = [
        problem
        for given in names
        for problem in validators.tag_name_problems(given, what=f"{vocabulary} “{text.normalize_name(given)[:40]}”")
    ]
    if problems:
        raise WireImportError(f"{name}: " + " ".join(problems) + " Nothing was imported.")
    found, unknown = [], []
    for given in dict.fromkeys(text.normalize_name(n) for n in names):
        tag = model.objects.filter(name_key=text.name_key(given)).first()
        if tag is None and create:
            tag = model.objects.create(name=given)
        if tag is None:
            unknown.append(given)
        else:
            found.append(tag)
    if unknown:
        listed = ", ".join(f"“{n}”" for n in unknown)
        raise WireImportError(
            f"{name}: no {vocabulary} called {listed}. Check the spelling, or create it first "
            f"(on the desk, or with --create-tags); nothing was imported."
        )
    return found


@transaction.atomic
def wire_receive(*, raw, name, source="", regions=(), topics=(), create_tags=False, user=None):
    """Put one wire file in the inbox, or raise WireImportError (a DuplicateImportError or DuplicateWireError for
    copy seen before) with a one-line reason; nothing is written then."""
    kind, copy = read_copy(raw, name=name)
    if item := WireItem.objects.filter(checksum=copy.checksum).first():
        raise DuplicateWireError(item)
    if article := Article.objects.filter(wire_checksum=copy.checksum).first():
        raise DuplicateImportError(article)
    region_tags = resolve_tags("region", [*regions, *copy.regions], create=create_tags, name=name)
    topic_tags = resolve_tags("topic", [*topics, *copy.topics], create=create_tags, name=name)
    body = copy.body_html or "\n".join(f"<p>{escape(p)}</p>" for p in copy.paragraphs)
    return WireItem.objects.create(
        kind=kind,
        source_name=name[-255:],
        checksum=copy.checksum,
        headline=copy.headline,
        standfirst=copy.standfirst,
        body=body,
        footer_line=copy.footer_line,
        source_attribution=(source or copy.source_attribution)[:300],
        regions=[tag.name for tag in region_tags],
        topics=[tag.name for tag in topic_tags],
        authors=copy.authors,
        received_by=user,
    )


def _lock_new(item, user, step):
    if not can_handle_wire(user):
        raise WorkflowPermissionError(f"Your role cannot {step} wire copy; nothing changed.")
    locked = WireItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != WireItem.Status.NEW:
        raise InvalidTransitionError(f"This wire item was already handled ({locked.get_status_display().lower()}).")
    return locked


@transaction.atomic
def wire_make_draft(*, item, user):
    """Turn a wire item into a draft story: headline, body, source, footer, tags and bylines as it arrived."""
    locked = _lock_new(item, user, "make a draft of")
    if article := Article.objects.filter(wire_checksum=locked.checksum).first():
        raise DuplicateImportError(article)
    footer = footer_for_trailing_line(locked.footer_line)[0] if locked.footer_line else None
    regions = resolve_tags("region", locked.regions, create=False, name=locked.source_name)
    topics = resolve_tags("topic", locked.topics, create=False, name=locked.source_name)
    article = article_create(
        headline=locked.headline,
        user=user,
        standfirst=locked.standfirst,
        body=locked.body,
        authors=[author_get_or_create(name=name) for name in locked.authors if name.strip()],
        regions=regions,
        topics=topics,
        promo_footer=footer,
        source_attribution=locked.source_attribution,
        wire_checksum=locked.checksum,
    )
    locked.status, locked.article = WireItem.Status.DRAFTED, article
    locked.handled_by, locked.handled_at = user, timezone.now()
    locked.save(update_fields=["status", "article", "handled_by", "handled_at"])
    return article


@transaction.atomic
def wire_discard(*, item, user):
    """Set a wire item aside for good: it stays listed as discarded, and the same copy is not taken again."""
    locked = _lock_new(item, user, "discard")
    locked.status, locked.handled_by, locked.handled_at = WireItem.Status.DISCARDED, user, timezone.now()
    locked.save(update_fields=["status", "handled_by", "handled_at"])
    return locked
