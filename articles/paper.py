"""Writes to the paper around the stories: breaking-news banners and the outlet's own pages.

Both show on every reader page (the banner, the footer's links), so each write announces
`furniture_changed` with what changed; the reader's site refreshes the pages that show it.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal

from . import roles
from .exceptions import WorkflowPermissionError
from .models import ArticleReads

# Sent with `what`: "breaking" (a banner's window or text) or "pages" (a site page), and `using`.
furniture_changed = Signal()


def _announce(what, using=None):
    furniture_changed.send(sender=None, what=what, using=using)


@transaction.atomic
def breaking_news_save(*, banner, user):
    """Save a breaking-news window (editors only); the banner appears and ends on its own times."""
    if not roles.can_publish(user):
        raise WorkflowPermissionError("Only editors mark a story as breaking news.")
    banner.full_clean()
    if banner.created_by_id is None:
        banner.created_by = user
    banner.save()
    _announce("breaking")
    return banner


@transaction.atomic
def breaking_news_delete(*, banner, user):
    if not roles.can_publish(user):
        raise WorkflowPermissionError("Only editors remove a breaking-news banner.")
    banner.delete()
    _announce("breaking")


@transaction.atomic
def static_page_save(*, page, user):
    page.full_clean()
    page.updated_by = user
    page.save()
    _announce("pages")
    return page


@transaction.atomic
def static_page_delete(*, page):
    page.delete()
    _announce("pages")


def read_hour(at):
    """The start of the hour `at` falls in: reads are counted per hour, nothing finer."""
    return at.replace(minute=0, second=0, microsecond=0)


def count_read(*, article_id, at):
    """Add one read of a story in the hour of `at`: one UPDATE, or an INSERT for the hour's first read."""
    hour = read_hour(at)
    counted = ArticleReads.objects.filter(article_id=article_id, hour=hour).update(reads=F("reads") + 1)
    if counted:
        return
    try:
        with transaction.atomic():
            ArticleReads.objects.create(article_id=article_id, hour=hour, reads=1)
    except IntegrityError:
        # Another request created the hour's row first.
        ArticleReads.objects.filter(article_id=article_id, hour=hour).update(reads=F("reads") + 1)
