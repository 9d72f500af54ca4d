"""Every write with side effects goes through a function here."""

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils import timezone
from reversion.models import Revision, Version

from . import image_library, notifications, roles, validators, workflow
from .exceptions import (
    ChecklistError,
    EditConflictError,
    InvalidTransitionError,
    WorkflowPermissionError,
)
from .models import (
    ARTICLE_VERSION_FOLLOWS,
    PREVIEWABLE_STATUSES,
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
from .slugs import free_slug


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
    """Save the article: a new hero upload joins the image library, and the pictures it shows are copied in.

    What a page shows of its library images (renditions, captions) is copied onto the story here
    (`image_library.prepare_story`), and the images it uses are recorded so none is deleted while in use.
    """
    update_fields = kwargs.get("update_fields")
    extra = image_library.prepare_story(article, update_fields)
    if update_fields is not None:
        kwargs["update_fields"] = list(dict.fromkeys([*update_fields, *extra]))
    if errors := validators.nul_byte_errors(article):
        # What the change form refuses, every other writer (import, API, shell) is refused too, on every database.
        raise ValidationError(errors)
    if article.pk is None:
        _insert(article, **kwargs)
    else:
        article.save(**kwargs)
    image_library.record_uses(article)


# Simultaneous creates with one headline each pick the same free slug; the losers try the next one.
SLUG_ATTEMPTS = 10


def _insert(article, **kwargs):
    """Insert a new article; when another one took its slug meanwhile, take the next free slug and try again.

    Each attempt runs in a savepoint, so a refused insert leaves the caller's transaction usable (PostgreSQL).
    """
    wanted = article.slug  # empty: the save derives one from the headline, again on each attempt
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                article.save(**kwargs)
            return
        except IntegrityError:
            taken = Article.objects.filter(slug=article.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise
            article.slug = free_slug(Article, wanted) if wanted else ""


def article_set_bylines(*, article, authors):
    """Replace the article's bylines, keeping the order given."""
    article.bylines.clear()
    for position, author in enumerate(authors):
        article.bylines.add(author, through_defaults={"position": position})


# Editorial workflow -------------------------------------------------------------------------------------------------

# The fields an edit may write. Status and times belong to the transitions below.
CONTENT_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "source_attribution",
    "hero_image",
    "hero",
    "hero_caption",
    "hero_credit",
    "hero_alt",
    "promo_footer",
    "planned_for",
]
DERIVED_FIELDS = ["excerpt", "reading_minutes", "version", "updated_by", "updated_at"]
STATE_FIELDS = ["status", "publish_at", "first_published_at"]


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
    if problem := validators.control_character_problem(comment, what="comment"):
        raise InvalidTransitionError(f"{problem} Nothing changed.")
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
    if transition.revokes_previews:
        _revoke_preview_links(locked)
    return locked


def _revoke_preview_links(article):
    """Stop every open preview link of the article: what readers may no longer see, no link shows."""
    PreviewLink.objects.filter(article=article, revoked_at__isnull=True).update(revoked_at=timezone.now())


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
    for value, what in ((publish_at, "publish time"), (embargo_ends_at, "embargo end")):
        if problem := validators.datetime_problem(value, what=what):
            raise InvalidTransitionError(f"{problem} Nothing changed.")
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
def article_take_down(*, article: Article, user, comment: str) -> Article:
    """Take a story down for good (a legal request): its address answers 410 Gone, it leaves every public
    page, its preview links stop working, and only an admin can reinstate it. The reason is required."""
    taken_down = _run_transition(transition=workflow.TAKE_DOWN, article=article, user=user, comment=comment)
    notifications.story_unpublished(article=taken_down)
    return taken_down


@transaction.atomic
def article_reinstate(*, article: Article, user, comment: str) -> Article:
    """Taken down → unpublished (admins only): an editor may then publish it again."""
    return _run_transition(transition=workflow.REINSTATE, article=article, user=user, comment=comment)


@transaction.atomic
def correction_add(*, article: Article, user, kind: str, text: str) -> Correction:
    """Add a public correction, clarification or update note to a live article."""
    locked = _lock(article)
    _refuse_unless(roles.can_write_corrections(user), "Only editors can add corrections; nothing changed.")
    if not locked.is_live:
        raise InvalidTransitionError("Corrections are for live articles; edit the text of this one instead.")
    if kind not in Correction.Kind.values:
        raise InvalidTransitionError("Choose correction, clarification or update.")
    if problem := validators.control_character_problem(text, what="note"):
        raise InvalidTransitionError(f"{problem} Nothing changed.")
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
            if name == "slug" and stored.address_is_fixed:
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
    if locked.status not in PREVIEWABLE_STATUSES:
        raise InvalidTransitionError(
            "This story was withdrawn from readers, so a preview link would not show it; "
            "use the staff preview, or publish it again."
        )
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
