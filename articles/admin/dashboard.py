"""The desk's front page: what needs doing, per role. The lists come from `articles.selectors`.

Editors see what awaits review, what goes live in the next 48 hours and what
went live last; reporters see their drafts, what was sent back to them (with
the editor's note) and what waits for an editor. Everyone sees their unread
notifications. Each list is a few rows read from an index, whatever the
archive's size.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from .. import notifications, roles, selectors
from ..models import Notification

LATEST_NOTIFICATIONS = 5


@dataclass
class Panel:
    key: str
    title: str
    rows: list
    empty: str
    # What each row's note and person mean here ("submitted by", "sent back by").
    person_label: str = ""
    filter: dict = field(default_factory=dict)
    total: int | None = None

    @property
    def more_url(self):
        return f"{reverse('admin:articles_article_changelist')}?{urlencode(self.filter)}"


def editor_panels():
    return [
        Panel(
            "awaiting_review",
            "Awaiting review",
            selectors.awaiting_review(),
            "Nothing is waiting for review.",
            person_label="submitted by",
            filter={"state": "in_review"},
            total=selectors.awaiting_review_count(),
        ),
        Panel(
            "scheduled",
            "Scheduled next 48 h",
            selectors.scheduled_soon(),
            "Nothing is scheduled for the next 48 hours.",
            filter={"state": "scheduled"},
        ),
        Panel(
            "recently_published",
            "Recently published",
            selectors.recently_published(),
            "Nothing is live yet.",
            filter={"state": "live"},
        ),
    ]


def reporter_panels(user):
    return [
        Panel(
            "sent_back",
            "Sent back to me",
            selectors.sent_back_to(user),
            "No story of yours is waiting for changes.",
            person_label="sent back by",
            filter={"state": selectors.CHANGES_REQUESTED},
        ),
        Panel("my_drafts", "My drafts", selectors.my_drafts(user), "No drafts.", filter={"state": "draft"}),
        Panel(
            "in_review",
            "In review",
            selectors.in_review_for(user),
            "None of your stories is waiting for an editor.",
            person_label="submitted by",
            filter={"state": "in_review"},
        ),
    ]


def dashboard_for(request):
    """The panels and notifications for the signed-in person; empty for an account with no desk role."""
    user = request.user
    if not (user.is_active and user.has_perm("articles.view_article")):
        return {"role": None, "panels": []}
    # The next visit after a scheduled story's time sends its "went live" email (see articles.notifications).
    notifications.send_due_emails_if_any()
    mine = Notification.objects.for_user(user)
    is_editor = roles.is_editor(user)
    return {
        "role": "editor" if is_editor else "reporter",
        "panels": editor_panels() if is_editor else reporter_panels(user),
        "unread_count": mine.unread().count(),
        "notifications": list(mine.select_related("article", "actor")[:LATEST_NOTIFICATIONS]),
    }
