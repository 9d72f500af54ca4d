"""Importing a WordPress export: posts become articles through the services, keyed on site and post id.

The export is read twice, as a stream. The first pass checks the whole file
(so a file broken near its end is refused before anything is written) and
notes each attachment's file; the second imports the posts in batches, each
batch in one transaction and each post in a savepoint of its own, so a post
that cannot be imported is skipped with its reason and the rest carry on.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from .. import images, intake, planner, text
from ..exceptions import ArticleError
from ..models import (
    HEADLINE_MAX_LENGTH,
    OLD_PATH_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    Article,
    ImportedPost,
    OldAddress,
    RegionTag,
    TopicTag,
)
from ..slugs import free_slug
from . import wxr
from .content import convert, plain
from .mapping import SKIP, Target, term_key

BATCH_SIZE = 100
STANDFIRST_MAX_LENGTH = Article._meta.get_field("standfirst").max_length
UPLOADS_MARKER = "/wp-content/uploads/"
# WordPress's catch-all category is not a subject: skipped unless the mapping file says otherwise.
DEFAULT_SKIPPED_TERMS = {"uncategorized"}
ZERO_DATE = "0000-00-00 00:00:00"
TERM_DOMAINS = {"category": "category", "post_tag": "post_tag", "tag": "post_tag"}

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
    "private": Article.Status.UNPUBLISHED,
}
NOT_IMPORTED_STATUSES = {
    "trash": "in the trash",
    "auto-draft": "an unsaved auto-draft",
    "inherit": "a revision",
}


@dataclass(frozen=True)
class Attachment:
    file: str  # relative to wp-content/uploads
    caption: str = ""
    alt: str = ""


@dataclass
class Report:
    """What an import did, or would do in a dry run."""

    site: str = ""
    version: str = ""
    items: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (which post, why)
    not_posts: Counter = field(default_factory=Counter)  # post type -> count (pages, menu items, …)
    missing_media: list[tuple[str, str]] = field(default_factory=list)  # (which post, file)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (which post, what to know)
    redirects: int = 0


class Importer:
    def __init__(self, path, *, mapping=None, media_from=None, dry_run=False, progress=None, batch_size=BATCH_SIZE):
        self.path = Path(path)
        self.mapping = mapping or {}
        self.media_from = Path(media_from).resolve() if media_from else None
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.batch_size = batch_size
        self.report = Report()
        self.attachments = {}
        self.tags = {}  # (vocabulary, term slug) -> tag, or None to skip

    def run(self):
        """Check the whole export, then import it; raises WXRError (nothing written) for a file it cannot read."""
        if self.media_from is not None and not self.media_from.is_dir():
            raise wxr.WXRError(f"--media-from {self.media_from}: no such folder.")
        channel = self.survey()
        self.categories = {
            term_key(slug): (name, term_key(parent)) for slug, (name, parent) in channel.categories.items()
        }
        self.report.site, self.report.version = channel.site_url, channel.version or channel.namespace_version
        self.source = site_key(channel.site_url)
        if not self.source:
            raise wxr.WXRError("the export names no site address (wp:base_site_url or <link>); cannot key the import.")
        if self.dry_run:
            with transaction.atomic():
                self.import_items()
                transaction.set_rollback(True)
        else:
            self.import_items()
            planner.refresh_statistics()
        return self.report

    def survey(self):
        for channel, item in wxr.read(self.path):
            if item is None:
                return channel
            self.report.items += 1
            if item.post_type == "attachment" and item.post_id is not None:
                self.attachments[item.post_id] = Attachment(
                    file=item.meta.get("_wp_attached_file", "").strip() or uploads_path(item.attachment_url),
                    caption=plain(item.excerpt)[:300],
                    alt=plain(item.meta.get("_wp_attachment_image_alt", ""))[:300],
                )
        raise wxr.WXRError("the file ended unexpectedly.")

    def import_items(self):
        batch, done = [], 0
        for channel, item in wxr.read(self.path):
            if item is None:
                break
            batch.append((channel, item))
            if len(batch) >= self.batch_size:
                done += self.import_batch(batch)
                batch = []
                self.progress(done, self.report.items)
        if batch or not done:
            done += self.import_batch(batch)
            self.progress(done, self.report.items)

    @transaction.atomic
    def import_batch(self, batch):
        for channel, item in batch:
            if item.post_type != "post":
                if item.post_type != "attachment":
                    self.report.not_posts[item.post_type or "untyped"] += 1
                continue
            label = describe(item)
            try:
                with transaction.atomic():
                    self.import_post(channel, item, label)
            except (ArticleError, ValidationError, DatabaseError, ValueError) as error:
                self.tags.clear()  # tags made for this post were rolled back with it
                self.report.skipped.append((label, f"could not be saved ({_reason(error)})"))
        return len(batch)

    # --- one post --------------------------------------------------------------------------------------------------

    def import_post(self, channel, item, label):
        if item.post_id is None:
            self.report.skipped.append((label, "it has no post id"))
            return
        if item.oversized:
            self.report.skipped.append((label, f"its {item.oversized} is too long to import"))
            return
        status_word = item.status.strip().lower()
        if status_word in NOT_IMPORTED_STATUSES:
            self.report.skipped.append((label, NOT_IMPORTED_STATUSES[status_word]))
            return
        if status_word not in STATUSES:
            self.report.skipped.append((label, f"its status “{status_word[:30]}” is unknown"))
            return
        status, publish_at = self.state(item, status_word, label)
        body = convert(item.content)
        headline = plain(item.title) or text.first_sentence(text.html_to_text(body.html), max_length=110)
        if not headline:
            self.report.skipped.append((label, "it has no title and no text"))
            return
        headline = Truncator(headline).chars(HEADLINE_MAX_LENGTH, truncate="…")
        regions, topics = self.terms(item)
        authors = self.authors(channel, item)
        hero_file, hero_caption, hero_alt = self.hero(item, body.pictures, label)
        slug = text.ascii_slug(
            unquote(item.slug) or headline, max_length=SLUG_MAX_LENGTH - 6, fallback_prefix="article"
        )
        hero_source = str(hero_file.relative_to(self.media_from)) if hero_file is not None else ""
        checksum = fingerprint(
            item, status, publish_at, slug, [r.pk for r in regions], [t.pk for t in topics], authors, hero_source
        )
        record = ImportedPost.objects.filter(source=self.source, post_id=item.post_id).select_related("article").first()
        if record and record.checksum == checksum:
            self.report.unchanged += 1
            return
        if record and record.article.version != record.version:
            self.report.skipped.append((label, "edited in the desk since the last import; left as it is"))
            return
        if record and record.article.status != record.status:
            status = None  # the desk changed its state: keep that
            self.report.notes.append((label, "state changed in the desk since the last import; kept"))
        hero = None
        fields = {"headline": headline, "standfirst": standfirst(item.excerpt), "body": body.html}
        # A hero image the story has already (imported before, or chosen in the desk) is kept.
        if hero_file is not None and not self.dry_run and not (record and record.article.hero_image):
            hero = File(hero_file.open("rb"), name=hero_file.name)
            fields.update(hero_caption=hero_caption, hero_alt=hero_alt)
        try:
            article = intake.article_import_post(
                article=record.article if record else None,
                slug=slug,
                status=status,
                publish_at=publish_at,
                authors=[intake.author_get_or_create(name=name) for name in authors],
                regions=regions,
                topics=topics,
                hero=hero,
                note=f"Imported from WordPress ({self.source}, post {item.post_id}).",
                **fields,
            )
        finally:
            if hero is not None:
                hero.close()
        ImportedPost.objects.update_or_create(
            source=self.source,
            post_id=item.post_id,
            defaults={
                "article": article,
                "checksum": checksum,
                # A state kept from the desk stays the desk's: the import's own last state is remembered.
                "status": article.status if status is not None else record.status,
                "version": article.version,
            },
        )
        if record:
            self.report.updated += 1
        else:
            self.report.created += 1
        self.old_addresses(channel, item, article, label)

    def state(self, item, status_word, label):
        """The article's status and publish time for the post's WordPress status and dates."""
        status = STATUSES[status_word]
        if status == Article.Status.PUBLISHED and item.password.strip():
            self.report.notes.append((label, "password-protected on WordPress: imported unpublished"))
            return Article.Status.UNPUBLISHED, None
        if status != Article.Status.PUBLISHED:
            return status, None
        return status, post_time(item) or timezone.now()

    def terms(self, item):
        regions, topics = [], []
        for term in item.terms:
            if term.domain not in TERM_DOMAINS:
                continue
            # WXR 1.0 writes tags as domain="tag", sometimes with no slug: the name's slug stands in.
            slug = term.slug or text.ascii_slug(term.name, max_length=90, fallback_prefix="tag")
            tag = self.tag_for(TERM_DOMAINS[term.domain], slug, term.name)
            if isinstance(tag, RegionTag) and tag not in regions:
                regions.append(tag)
            elif isinstance(tag, TopicTag) and tag not in topics:
                topics.append(tag)
        return regions, topics

    def tag_for(self, domain, slug, name, *, seen=()):
        """The region or topic a WordPress term goes to (made when missing), or None to leave it out."""
        key = (domain, term_key(slug))
        if key in self.tags:
            return self.tags[key]
        target = self.mapping.get(key[1])
        if target is None:
            target = SKIP if key[1] in DEFAULT_SKIPPED_TERMS else Target("topic", "")
        tag = None
        if not target.is_skip:
            model = RegionTag if target.vocabulary == "region" else TopicTag
            tag = find_or_make_tag(model, slug=target.slug or key[1], name=plain(name) or unquote(slug))
        self.tags[key] = tag
        if isinstance(tag, RegionTag) and domain == "category" and key[1] not in seen:
            self.keep_parent(tag, key[1], seen=(*seen, key[1]))
        return tag

    def keep_parent(self, region, slug, *, seen):
        """A category's parent, when it goes to a region too, becomes the region's parent (if it has none yet)."""
        parent_slug = self.categories.get(slug, ("", ""))[1]
        if not parent_slug or region.parent_id is not None or parent_slug in seen:
            return
        parent_name = self.categories.get(parent_slug, (parent_slug, ""))[0]
        parent = self.tag_for("category", parent_slug, parent_name, seen=seen)
        if not isinstance(parent, RegionTag) or parent.pk == region.pk:
            return
        region.parent = parent
        if region.parent_problem():
            region.parent = None
            return
        region.save(update_fields=["parent"])

    def authors(self, channel, item):
        co_authors = [plain(term.name) for term in item.terms if term.domain == "author" and plain(term.name)]
        if co_authors:
            return list(dict.fromkeys(co_authors))
        login = item.creator.strip()
        name = plain(channel.authors.get(login, login))
        return [name] if name else []

    def hero(self, item, pictures, label):
        """(file, caption, alt) of the post's featured image under --media-from, or Nones; lists what is missing."""
        attachment = None
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail.isdigit() and int(thumbnail) in self.attachments:
            attachment = self.attachments[int(thumbnail)]
        elif thumbnail.isdigit():
            self.report.missing_media.append((label, f"attachment {thumbnail} (not in the export)"))
            return None, "", ""
        else:
            # No featured image: the first picture the post showed in its text stands in.
            for picture in pictures:
                if relative := uploads_path(picture.src):
                    attachment = Attachment(file=relative, caption=picture.caption[:300], alt=picture.alt[:300])
                    break
        if attachment is None or not attachment.file:
            return None, "", ""
        if self.media_from is None:
            self.report.missing_media.append((label, f"{attachment.file} (no --media-from folder given)"))
            return None, "", ""
        found = self.media_file(attachment.file)
        if found is None:
            self.report.missing_media.append((label, f"{attachment.file} (not found under --media-from)"))
            return None, "", ""
        try:
            with found.open("rb") as handle:
                images.check_image(handle, name=found.name)
        except ValidationError as error:
            self.report.missing_media.append((label, f"{attachment.file} (refused: {_reason(error)})"))
            return None, "", ""
        except OSError:
            self.report.missing_media.append((label, f"{attachment.file} (cannot be read)"))
            return None, "", ""
        return found, attachment.caption, attachment.alt

    def media_file(self, relative):
        """The file under --media-from for an uploads-relative path; never anything outside that folder."""
        candidate = (self.media_from / unquote(relative).lstrip("/")).resolve()
        if not candidate.is_relative_to(self.media_from) or not candidate.is_file():
            return None
        return candidate

    def old_addresses(self, channel, item, article, label):
        base = urlsplit(channel.site_url).path.rstrip("/")
        paths = [f"{base}/?p={item.post_id}"]
        if item.link:
            parts = urlsplit(item.link.strip())
            path = unquote(parts.path or "/")
            if path != "/" and path != f"{base}/":
                paths.insert(0, path)
            elif "p" in parse_qs(parts.query) and (post := parse_qs(parts.query)["p"][0]).isdigit():
                paths.insert(0, f"{path}?p={post}")
        for path in dict.fromkeys(paths):
            if len(path) > OLD_PATH_MAX_LENGTH:
                self.report.notes.append((label, f"old address too long to redirect: {path[:60]}…"))
                continue
            existing = OldAddress.objects.filter(path=path).first()
            if existing is None:
                OldAddress.objects.create(path=path, article=article)
                self.report.redirects += 1
            elif existing.article_id != article.pk:
                self.report.notes.append((label, f"{path} already redirects to another story; left as it was"))


def find_or_make_tag(model, *, slug, name):
    """The region or topic with this slug, else with this name, else a new one with both."""
    slug = text.ascii_slug(unquote(slug), max_length=90, fallback_prefix="tag")
    name = text.normalize_name(name)[:100] or slug
    found = model.objects.filter(slug=slug).first() or model.objects.filter(name__iexact=name).first()
    if found:
        return found
    return model.objects.create(name=name, slug=free_slug(model, slug))


def site_key(url):
    """The export's site address without scheme or trailing slash, lower-cased host: “example.com/blog”."""
    parts = urlsplit((url or "").strip())
    if not parts.netloc:
        return ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"[:300]


def uploads_path(url):
    """The part of a media URL after wp-content/uploads/, or ""."""
    path = urlsplit(url or "").path
    return path.split(UPLOADS_MARKER, 1)[1] if UPLOADS_MARKER in path else ""


def post_time(item):
    """The post's time: post_date_gmt, else post_date in the site's time zone; None when neither is a date."""
    for value, zone in ((item.date_gmt, UTC), (item.date, timezone.get_default_timezone())):
        value = (value or "").strip()
        if not value or value == ZERO_DATE:
            continue
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC) if zone is UTC else timezone.make_aware(moment, zone)
    return None


def standfirst(excerpt):
    return Truncator(plain(excerpt)).chars(STANDFIRST_MAX_LENGTH, truncate="…")


def fingerprint(item, *parts):
    data = [item.title, item.content, item.excerpt, item.link, str(item.password != ""), *map(str, parts)]
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def describe(item):
    title = plain(item.title)[:60] or "untitled"
    return f"post {item.post_id if item.post_id is not None else '?'} “{title}”"


def _reason(error):
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)[:200]
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
