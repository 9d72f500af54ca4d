"""Every write with side effects goes through a function here."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import router, transaction
from django.utils import timezone
from reversion.models import Revision, Version

from . import images, notifications, roles, workflow
from .exceptions import (
    ChecklistError,
    DuplicateImportError,
    EditConflictError,
    InvalidTransitionError,
    WorkflowPermissionError,
)
from .models import (
    ARTICLE_VERSION_FOLLOWS,
    Article,
    ArticleTransition,
    Author,
    Byline,
    Correction,
    PreviewLink,
    PromoFooter,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)
from .text import first_sentence, normalize_name
from .wire import read_wire_copy

DERIVED_HEADLINE_LENGTH = 110


@transaction.atomic
def article_create(*, headline, user=None, standfirst="", body="", authors=(), regions=(), topics=(), **fields):
    """Create a draft with its bylines and tags."""
    article = Article(
        headline=headline,
        standfirst=standfirst,
        body=body,
        status=Article.Status.DRAFT,
        created_by=user,
        updated_by=user,
        **fields,
    )
    _save(article)
    article_set_bylines(article=article, authors=authors)
    if regions:
        article.regions.set(list(regions))
    if topics:
        article.topics.set(list(topics))
    return article


def _save(article, **kwargs):
    """Save the article, then make its hero image's renditions when this save stored a new image."""
    hero_changed = images.hero_image_changed(article, kwargs.get("update_fields"))
    article.save(**kwargs)
    if hero_changed:
        images.refresh_hero_renditions(article)


def article_set_bylines(*, article, authors):
    """Replace the article's bylines, keeping the order given."""
    article.bylines.clear()
    for position, author in enumerate(authors):
        article.bylines.add(author, through_defaults={"position": position})


def author_get_or_create(*, name):
    name = normalize_name(name)
    author = Author.objects.filter(name__iexact=name).first()
    return author or Author.objects.create(name=name)


def footer_for_trailing_line(line):
    """Match a trailing wire-copy line to a registered footer tagline.

    Returns (footer, is_new) or (None, False) when the line is ordinary body text.
    The teaser after the tagline links to one of our articles when its headline
    matches, and is otherwise kept as custom teaser text.
    """
    for footer in PromoFooter.objects.order_by("-is_default", "pk"):
        tagline = footer.tagline.strip()
        if not tagline or not line.startswith(tagline):
            continue
        teaser = line[len(tagline) :].strip()
        target = Article.objects.filter(headline__iexact=teaser.rstrip(".")).first() if teaser else None
        if target:
            existing = PromoFooter.objects.filter(tagline=footer.tagline, teaser_article=target).first()
            fields = {"teaser_article": target}
        else:
            existing = PromoFooter.objects.filter(
                tagline=footer.tagline, teaser_text=teaser, teaser_article=None
            ).first()
            fields = {"teaser_text": teaser[: PromoFooter._meta.get_field("teaser_text").max_length]}
        if existing:
            return existing, False
        name = f"Teaser: {first_sentence(teaser or 'tagline only', max_length=90)}"
        return PromoFooter.objects.create(name=name, tagline=footer.tagline, **fields), True
    return None, False


@transaction.atomic
def article_import_wire_copy(*, path, headline=None, regions=(), topics=(), authors=(), user=None):
    """Import a plain-text wire file as a draft.

    Raises WireImportError for an unreadable file and DuplicateImportError when
    the same copy was imported before; in both cases nothing is written.
    """
    copy = read_wire_copy(path)
    duplicate = Article.objects.filter(wire_checksum=copy.checksum).first()
    if duplicate:
        raise DuplicateImportError(duplicate)
    footer = None
    if len(copy.paragraphs) > 1:
        footer, _ = footer_for_trailing_line(copy.trailing_line)
    paragraphs = copy.paragraphs[:-1] if footer else copy.paragraphs
    headline = (
        normalize_name(headline) if headline else first_sentence(paragraphs[0], max_length=DERIVED_HEADLINE_LENGTH)
    )
    return article_create(
        headline=headline,
        user=user,
        body=copy.body_html(paragraphs),
        authors=[author_get_or_create(name=name) for name in authors],
        regions=regions,
        topics=topics,
        promo_footer=footer,
        wire_checksum=copy.checksum,
    )


# Editorial workflow -------------------------------------------------------------------------------------------------

# The fields an edit may write. Status and times belong to the transitions below.
CONTENT_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "source_attribution",
    "hero_image",
    "hero_caption",
    "hero_credit",
    "hero_alt",
    "promo_footer",
]
DERIVED_FIELDS = ["excerpt", "reading_minutes", "version", "updated_by", "updated_at"]


def _lock(article):
    """The article's row, locked until the transaction ends."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _refuse_unless(allowed, message):
    if not allowed:
        raise WorkflowPermissionError(message)


def _run_transition(*, transition, article, user, comment="", changes=None):
    """Lock, check role, state, comment and checklist as the workflow table says, apply, and record."""
    locked = _lock(article)
    _refuse_unless(
        transition.allowed_for(user, locked),
        f"Your role does not allow “{transition.label.lower()}” on this article; nothing changed.",
    )
    if not transition.starts_from(locked):
        raise InvalidTransitionError(
            f"“{transition.label}” is not possible while the article is {locked.get_status_display().lower()}; "
            "nothing changed."
        )
    if transition.needs_comment and not comment.strip():
        raise InvalidTransitionError("Say what needs changing: the comment is required.")
    if transition.checklist and (missing := locked.missing_for_publication()):
        raise ChecklistError(missing)
    from_status = locked.status
    locked.status = transition.target
    for field, value in (changes or {}).items():
        setattr(locked, field, value)
    locked.updated_by = user
    locked.save(update_fields=["status", *(changes or {}), "updated_by", "updated_at"])
    ArticleTransition.objects.create(
        article=locked,
        from_status=from_status,
        to_status=locked.status,
        publish_at=(changes or {}).get("publish_at"),
        comment=comment.strip(),
        user=user,
    )
    return locked


@transaction.atomic
def article_submit(*, article: Article, user, comment: str = "") -> Article:
    """Draft → in review. The owner or an editor; the publish checklist must pass."""
    submitted = _run_transition(transition=workflow.SUBMIT, article=article, user=user, comment=comment)
    notifications.story_submitted(article=submitted, actor=user, comment=comment)
    return submitted


@transaction.atomic
def article_request_changes(*, article: Article, user, comment: str) -> Article:
    """In review → draft, with the editor's comment."""
    sent_back = _run_transition(transition=workflow.REQUEST_CHANGES, article=article, user=user, comment=comment)
    notifications.story_sent_back(article=sent_back, actor=user, comment=comment)
    return sent_back


@transaction.atomic
def article_publish(*, article: Article, user, publish_at=None, embargo_ends_at=None, comment: str = "") -> Article:
    """Publish now, or schedule when publish_at is in the future; an embargo holds it back until it ends.

    No worker is needed: `Article.objects.live()` starts matching when the time comes. An embargo
    that ends before the article goes live is refused, as the change form refuses it.
    """
    publish_at = publish_at or timezone.now()
    if problem := Article.embargo_problem(publish_at, embargo_ends_at):
        raise InvalidTransitionError(f"{problem} Nothing changed.")
    changes = {"publish_at": publish_at, "embargo_ends_at": embargo_ends_at}
    locked = _lock(article)
    if locked.first_published_at is None:
        changes["first_published_at"] = max(publish_at, embargo_ends_at or publish_at)
    published = _run_transition(
        transition=workflow.PUBLISH, article=article, user=user, comment=comment, changes=changes
    )
    notifications.story_published(article=published, actor=user, comment=comment)
    return published


@transaction.atomic
def article_unpublish(*, article: Article, user, comment: str = "") -> Article:
    """Published (live or scheduled) → unpublished: gone from every public page at once."""
    unpublished = _run_transition(transition=workflow.UNPUBLISH, article=article, user=user, comment=comment)
    notifications.story_unpublished(article=unpublished)
    return unpublished


@transaction.atomic
def correction_add(*, article: Article, user, kind: str, text: str) -> Correction:
    """Add a public correction, clarification or update note to a live article."""
    locked = _lock(article)
    _refuse_unless(roles.can_write_corrections(user), "Only editors can add corrections; nothing changed.")
    if not locked.is_live:
        raise InvalidTransitionError("Corrections are for live articles; edit the text of this one instead.")
    if kind not in Correction.Kind.values:
        raise InvalidTransitionError("Choose correction, clarification or update.")
    if not text.strip():
        raise InvalidTransitionError("Write the note readers will see.")
    correction = Correction.objects.create(article=locked, kind=kind, text=text.strip(), created_by=user)
    notifications.correction_added(correction=correction, actor=user)
    return correction


def article_check_version(*, article: Article, expected_version: int) -> Article:
    """Lock the row and refuse when it was saved since `expected_version` was read (no lost updates)."""
    locked = _lock(article)
    if locked.version != expected_version:
        raise EditConflictError(saved_by=locked.updated_by, saved_at=locked.updated_at)
    return locked


@transaction.atomic
def article_save(*, article: Article, user, expected_version: int | None = None) -> Article:
    """Save an edit of the article's content, refusing a stale copy and any role that may not edit it.

    Status and publish times are never written here: only the transitions change them.
    Bylines and tags are saved by the caller in the same transaction.
    """
    if article.pk is None:
        _refuse_unless(user.has_perm("articles.add_article"), "Your role cannot write articles.")
        article.status = Article.Status.DRAFT
        article.publish_at = article.embargo_ends_at = article.first_published_at = None
        article.created_by = article.updated_by = user
        article.version = 1
        _save(article)
        return article
    stored = _lock(article)
    _refuse_unless(roles.can_edit(user, stored), "Your role does not allow editing this article now; nothing changed.")
    if expected_version is not None and stored.version != expected_version:
        raise EditConflictError(saved_by=stored.updated_by, saved_at=stored.updated_at)
    article.version = stored.version + 1
    article.updated_by = user
    _save(article, update_fields=CONTENT_FIELDS + DERIVED_FIELDS)
    return article


@transaction.atomic
def article_delete(*, article: Article, user) -> None:
    """Move an article to the trash: its text, bylines and tags are kept as a version it can be recovered from.

    The hero image file and the footer stay where they are; the recovered article points at them again.
    """
    locked = _lock(article)
    _refuse_unless(roles.can_delete(user), "Only editors can delete articles; nothing changed.")
    _keep_in_trash(article=locked, user=user)
    locked.delete()


def _keep_in_trash(*, article, user):
    """Write the article's last state as a revision of its own, now.

    Not through `reversion.create_revision()`: inside a request one is already open, and django-reversion
    writes a revision only when the outermost block ends, keeping just the versions of rows that still
    exist, which would drop the deleted article. The version holds the same objects as every other one.
    """
    revision = Revision.objects.create(
        date_created=timezone.now(), user=user, comment="Deleted; recoverable from the trash."
    )
    objects = [article]
    # The corrections and the workflow log go to the trash with the story, so a recovery brings them back.
    for name in [*ARTICLE_VERSION_FOLLOWS, "corrections", "transitions"]:
        objects += list(getattr(article, name).all())
    Version.objects.bulk_create(
        Version(
            revision=revision,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            db=router.db_for_write(type(obj)),
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=str(obj),
        )
        for obj in objects
    )


def _versions_in(revision, model):
    return [v for v in revision.version_set.all() if v.content_type.model_class() is model]


@transaction.atomic
def article_restore_version(
    *, article: Article, version, user, correction_kind: str = "", correction_text: str = ""
) -> Article:
    """Bring back the text, image, footer, bylines and tags of an earlier version as a new version.

    The state and publish times stay as they are now, and nothing is deleted: the
    current text remains in the history. A story that has been published keeps its
    address. A correction kind (one of `Correction.Kind`) adds that public note too.
    """
    stored = _lock(article)
    _refuse_unless(roles.can_edit(user, stored), "Your role does not allow editing this article now; nothing changed.")
    if version.object_id != str(stored.pk) or version.content_type.model_class() is not Article:
        raise InvalidTransitionError("That version belongs to another article.")
    fields = version.field_dict
    with reversion.create_revision():
        for name in CONTENT_FIELDS:
            if name == "slug" and stored.first_published_at:
                continue  # Links to a published story must keep working.
            attname = Article._meta.get_field(name).attname
            value = fields.get(attname, fields.get(name))
            if name == "promo_footer":
                value = value if PromoFooter.objects.filter(pk=value).exists() else None
            setattr(stored, attname, value)
        stored.version += 1
        stored.updated_by = user
        _save(stored, update_fields=CONTENT_FIELDS + DERIVED_FIELDS)
        bylines = sorted(_versions_in(version.revision, Byline), key=lambda v: v.field_dict["position"])
        authors = Author.objects.in_bulk([v.field_dict["author_id"] for v in bylines])
        article_set_bylines(
            article=stored,
            authors=[authors[v.field_dict["author_id"]] for v in bylines if v.field_dict["author_id"] in authors],
        )
        for through, tag_model, manager in (
            (TaggedRegion, RegionTag, stored.regions),
            (TaggedTopic, TopicTag, stored.topics),
        ):
            tag_ids = [v.field_dict["tag_id"] for v in _versions_in(version.revision, through)]
            manager.set(list(tag_model.objects.filter(pk__in=tag_ids)))
        reversion.set_user(user)
        reversion.set_comment(
            f"Restored the version saved on {timezone.localtime(version.revision.date_created):%d %b %Y %H:%M}."
        )
        reversion.add_to_revision(stored)
        if correction_kind:
            correction_add(article=stored, user=user, kind=correction_kind, text=correction_text)
    return stored


@transaction.atomic
def article_settle_recovered(*, article: Article, user) -> Article:
    """A story brought back from the trash comes back unpublished: an editor publishes it again deliberately."""
    locked = _lock(article)
    _refuse_unless(roles.can_delete(user), "Only editors can recover stories; nothing changed.")
    if locked.status != Article.Status.PUBLISHED:
        return locked
    locked.status = Article.Status.UNPUBLISHED
    locked.updated_by = user
    locked.save(update_fields=["status", "updated_by", "updated_at"])
    ArticleTransition.objects.create(
        article=locked,
        from_status=Article.Status.PUBLISHED,
        to_status=Article.Status.UNPUBLISHED,
        comment="Recovered from the trash; unpublished until an editor publishes it again.",
        user=user,
    )
    return locked


@transaction.atomic
def preview_link_create(*, article: Article, user, expires_at=None) -> PreviewLink:
    """A shareable preview link for someone without an account (48 hours unless told otherwise)."""
    locked = _lock(article)
    _refuse_unless(roles.can_share_preview(user), "Only editors can share preview links.")
    now = timezone.now()
    expires_at = expires_at or PreviewLink.default_expiry(now)
    if expires_at <= now:
        raise InvalidTransitionError("A preview link must expire in the future.")
    return PreviewLink.objects.create(article=locked, expires_at=expires_at, created_by=user, created_at=now)


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, user) -> PreviewLink:
    """Stop a preview link from working, at once and for good."""
    locked = PreviewLink.objects.select_for_update().get(pk=link.pk)
    _refuse_unless(roles.can_share_preview(user), "Only editors can revoke preview links.")
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked
