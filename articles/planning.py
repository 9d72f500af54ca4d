"""The planning calendar: what is due when (scheduled stories, embargoes, planned drafts), and moving it.

Reads: `calendar_entries()` lists the entries of a date range the user may see (reporters: their own).
Writes: `article_reschedule()` moves a scheduled story through the publish service, with all its
checks (role, state, embargo); `article_plan()` moves a draft's planned date. Both refuse all but editors.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import roles, services
from .exceptions import InvalidTransitionError, WorkflowPermissionError
from .models import Article

MAX_DAYS = 42


@dataclass(frozen=True)
class Entry:
    article: Article
    kind: str  # "scheduled", "embargo", "planned"
    at: datetime

    @property
    def day(self):
        return timezone.localtime(self.at).date()

    @property
    def movable(self):
        return self.kind in {"scheduled", "planned"}


def _bounds(start, days):
    tz = timezone.get_current_timezone()
    first = datetime.combine(start, time.min, tzinfo=tz)
    return first, first + timedelta(days=days)


def calendar_entries(user, start: date, days: int, *, region=None, topic=None, author=None, now=None):
    """Entries between start and start + days, earliest first, for what this user may see."""
    days = max(1, min(days, MAX_DAYS))
    now = now or timezone.now()
    first, last = _bounds(start, days)
    published = Article.Status.PUBLISHED
    queryset = roles.visible_articles(user, Article.objects.all()).filter(
        Q(status=published, publish_at__gte=first, publish_at__lt=last, publish_at__gt=now)
        | Q(status=published, embargo_ends_at__gte=first, embargo_ends_at__lt=last, embargo_ends_at__gt=now)
        | Q(
            status__in=[Article.Status.DRAFT, Article.Status.IN_REVIEW],
            planned_for__gte=first,
            planned_for__lt=last,
        )
    )
    if region is not None:
        queryset = queryset.filter(regions=region)
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    if author is not None:
        queryset = queryset.filter(bylines=author)
    entries = []
    fields = ["headline", "status", "publish_at", "embargo_ends_at", "planned_for", "listing_labels", "created_by"]
    for article in queryset.distinct().only(*fields).order_by("pk"):
        if article.status == published:
            if article.publish_at and first <= article.publish_at < last and article.publish_at > now:
                entries.append(Entry(article, "scheduled", article.publish_at))
            if article.embargo_ends_at and first <= article.embargo_ends_at < last and article.embargo_ends_at > now:
                entries.append(Entry(article, "embargo", article.embargo_ends_at))
        else:
            entries.append(Entry(article, "planned", article.planned_for))
    return sorted(entries, key=lambda entry: (entry.at, entry.article.pk))


def _moved(moment, day):
    """moment moved to day, keeping its local time of day."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))


def _refuse_unless_editor(user):
    if not roles.is_editor(user):
        raise WorkflowPermissionError("Only editors move stories on the planning calendar; nothing changed.")


@transaction.atomic
def article_reschedule(*, article: Article, user, day: date) -> Article:
    """Move a scheduled story to day (same time of day) through the publish service; refuses a story already live."""
    _refuse_unless_editor(user)
    if not article.is_scheduled:
        raise InvalidTransitionError("Only a scheduled story can be moved; this one is not waiting to go live.")
    publish_at = _moved(article.publish_at, day)
    if publish_at <= timezone.now():
        raise InvalidTransitionError("That time has already passed; choose a later day. Nothing changed.")
    return services.article_publish(
        article=article,
        user=user,
        publish_at=publish_at,
        embargo_ends_at=article.embargo_ends_at,
        comment=f"Rescheduled on the planning calendar to {timezone.localtime(publish_at):%d %b %Y %H:%M}.",
    )


@transaction.atomic
def article_plan(*, article: Article, user, day: date) -> Article:
    """Move a draft's planned date to day (same time of day)."""
    _refuse_unless_editor(user)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in {Article.Status.DRAFT, Article.Status.IN_REVIEW} or locked.planned_for is None:
        raise InvalidTransitionError("Only a draft with a planned date can be moved; nothing changed.")
    planned_for = _moved(locked.planned_for, day)
    # The planned date is a desk note, not content: no new version and nothing readers see, so nothing announced.
    Article._base_manager.filter(pk=locked.pk).update(planned_for=planned_for)
    locked.planned_for = planned_for
    return locked
