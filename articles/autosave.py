"""Autosaved drafts and edit leases: every write the change form makes while an editor types.

An autosave is kept beside the story, one per editor, and never applied to it:
the editor restores it into the form and saves as usual. So an autosave of a
live story is a pending draft that readers never see, and nothing here
announces `content_changed` (neither model is one the page cache listens to).
"""

from django.db import transaction
from django.utils import timezone

from . import roles
from .exceptions import AutosaveError, WorkflowPermissionError
from .models import Article, Autosave, EditLease
from .sanitizer import sanitize_html
from .validators import MAX_BODY_CHARACTERS

# The change form's text fields an autosave keeps, with their longest allowed value.
AUTOSAVED_FIELDS = {
    name: Article._meta.get_field(name).max_length
    for name in ("headline", "slug", "standfirst", "source_attribution", "hero_alt", "hero_caption", "hero_credit")
}
AUTOSAVED_FIELDS["body"] = MAX_BODY_CHARACTERS


def _refuse_unless_editable(user, article):
    if not roles.can_edit(user, article):
        raise WorkflowPermissionError("Your role does not allow editing this story now; nothing was autosaved.")


def clean_content(content):
    """The autosaved fields of `content` as strings, the body sanitised; AutosaveError for anything too long."""
    cleaned = {}
    for name, limit in AUTOSAVED_FIELDS.items():
        value = content.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise AutosaveError(f"The {name.replace('_', ' ')} could not be read; nothing was autosaved.")
        if "\x00" in value:
            raise AutosaveError(f"The {name.replace('_', ' ')} contains a NUL character; nothing was autosaved.")
        if len(value) > limit:
            raise AutosaveError(
                f"The {name.replace('_', ' ')} is longer than {limit:,} characters; nothing was autosaved."
            )
        cleaned[name] = sanitize_html(value) if name == "body" else value
    return cleaned


def current_content(article):
    """The story's stored values of the autosaved fields."""
    return {name: getattr(article, name) or "" for name in AUTOSAVED_FIELDS}


@transaction.atomic
def autosave_store(*, article: Article, user, content: dict, based_on_version: int) -> Autosave:
    """Keep the editor's unsaved text of the story, replacing their previous autosave; the story is untouched."""
    _refuse_unless_editable(user, article)
    cleaned = clean_content(content)
    autosave, _created = Autosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={"content": cleaned, "based_on_version": based_on_version, "saved_at": timezone.now()},
    )
    return autosave


@transaction.atomic
def autosave_discard(*, article: Article, user) -> bool:
    """Forget the editor's autosave of the story (after they saved it, or when they choose to); True if one was kept."""
    deleted, _ = Autosave.objects.filter(article=article, user=user).delete()
    return bool(deleted)


def pending_autosave(*, article: Article, user):
    """The editor's autosave of the story when it holds text the story does not, else None."""
    autosave = Autosave.objects.filter(article=article, user=user).first()
    if autosave is None:
        return None
    stored = current_content(article)
    if all(stored.get(name, "") == value for name, value in autosave.content.items()):
        return None
    return autosave


@transaction.atomic
def edit_lease_refresh(*, article: Article, user) -> EditLease:
    """Note that the editor still has the story's form open, for the next few minutes."""
    _refuse_unless_editable(user, article)
    now = timezone.now()
    lease, created = EditLease.objects.get_or_create(
        article=article, user=user, defaults={"opened_at": now, "expires_at": EditLease.expiry(now)}
    )
    if not created:
        if lease.expires_at <= now:
            lease.opened_at = now
        lease.expires_at = EditLease.expiry(now)
        lease.save(update_fields=["opened_at", "expires_at"])
    return lease


def others_editing(*, article: Article, user):
    """The other people who have the story's form open now, earliest first."""
    return (
        EditLease.objects.active()
        .filter(article=article)
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )
