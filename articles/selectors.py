"""What the desk reads about the workflow: the review state of a story, and the dashboards' short lists.

"Changes requested" is decided here and nowhere else: a draft whose latest
workflow step sent it back from review (`ArticleTransition`, the workflow
record). Submitting it again ends the state, with no field to keep in step.
Every dashboard list is bounded (`DASHBOARD_ROWS`) and walks an index.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import Article, ArticleTransition, Byline

DASHBOARD_ROWS = 8
SCHEDULED_WINDOW = timedelta(hours=48)
CHANGES_REQUESTED = "changes_requested"


def _last_step(field, **conditions):
    """The field of the article's latest workflow step (matching conditions), as a subquery."""
    steps = ArticleTransition.objects.filter(article=OuterRef("pk"), **conditions).order_by("-created_at", "-pk")
    return Subquery(steps.values(field)[:1])


def with_review(queryset):
    """Annotate what the review state needs: the latest step's from and to, and when it was last submitted.

    Subqueries over the article's few workflow rows (the foreign key's index), evaluated for the rows shown.
    """
    # Empty rather than NULL for a story with no steps yet, so that excluding a condition keeps it.
    return queryset.annotate(
        last_step_from=Coalesce(_last_step("from_status"), Value("")),
        last_step_to=Coalesce(_last_step("to_status"), Value("")),
        submitted_at=_last_step("created_at", to_status=Article.Status.IN_REVIEW),
    )


def changes_requested_q():
    """Condition on a `with_review()` queryset: drafts sent back from review and not yet submitted again."""
    return Q(status=Article.Status.DRAFT, last_step_from=Article.Status.IN_REVIEW, last_step_to=Article.Status.DRAFT)


def is_changes_requested(article):
    """Instance twin of `changes_requested_q()`, for an article annotated by `with_review()`."""
    return (
        article.status == Article.Status.DRAFT
        and getattr(article, "last_step_from", None) == Article.Status.IN_REVIEW
        and getattr(article, "last_step_to", None) == Article.Status.DRAFT
    )


def list_state(article):
    """The badge of the desk's list: the desk state, or "changes requested" for a sent-back draft."""
    return CHANGES_REQUESTED if is_changes_requested(article) else article.desk_state


@dataclass(frozen=True)
class ReviewNotes:
    """What the change form shows about review: the editor's note on a sent-back draft, the submitter's note."""

    changes_requested: ArticleTransition | None
    submitted: ArticleTransition | None


def review_notes(article):
    """The latest step, when it sent the draft back, and the latest submission, when the story is in review."""
    steps = list(article.transitions.select_related("user").order_by("-created_at", "-pk")[:1])
    latest = steps[0] if steps else None
    sent_back = (
        latest
        if latest
        and article.status == Article.Status.DRAFT
        and latest.from_status == Article.Status.IN_REVIEW
        and latest.to_status == Article.Status.DRAFT
        else None
    )
    in_review = article.status == Article.Status.IN_REVIEW
    submitted = latest if latest and in_review and latest.to_status == Article.Status.IN_REVIEW else None
    return ReviewNotes(changes_requested=sent_back, submitted=submitted)


# Dashboards ---------------------------------------------------------------------------------------------------------


def owned_by(user, queryset):
    """The stories of queryset this person created or carries a byline on (two index look-ups, as in `roles`)."""
    bylined = Byline.objects.filter(author__user=user).values("article")
    return queryset.filter(Q(created_by=user) | Q(pk__in=bylined))


def _rows(queryset):
    return queryset.select_related("updated_by").only(
        "headline", "status", "publish_at", "embargo_ends_at", "updated_at", "updated_by"
    )


def _with_step_details(queryset, **conditions):
    """The latest matching step's note, author and time, for the few rows a dashboard shows."""
    return queryset.annotate(
        step_at=_last_step("created_at", **conditions),
        step_by=_last_step("user__username", **conditions),
        step_note=_last_step("comment", **conditions),
    )


def awaiting_review_count():
    """How many stories wait for review (the status index alone)."""
    return Article.objects.filter(status=Article.Status.IN_REVIEW).count()


def awaiting_review(*, limit=DASHBOARD_ROWS):
    """Stories in review, the longest waiting first, with who submitted them, when, and their note."""
    queryset = _with_step_details(
        Article.objects.filter(status=Article.Status.IN_REVIEW), to_status=Article.Status.IN_REVIEW
    )
    # A story with no submission on record (an import) has waited since it last changed.
    return list(_rows(queryset).order_by(Coalesce("step_at", "updated_at"), "pk")[:limit])


def scheduled_soon(*, at=None, window=SCHEDULED_WINDOW, limit=DASHBOARD_ROWS):
    """Published stories that go live within the window, soonest first (an embargo counts as the live time)."""
    at = at or timezone.now()
    until = at + window
    upcoming = Q(publish_at__gt=at, publish_at__lte=until, embargo_ends_at__isnull=True) | Q(
        embargo_ends_at__gt=at, embargo_ends_at__lte=until, publish_at__lte=until
    )
    queryset = Article.objects.filter(upcoming, status=Article.Status.PUBLISHED)
    live_at = Greatest("publish_at", Coalesce("embargo_ends_at", "publish_at"))
    return list(_rows(queryset).order_by(live_at, "pk")[:limit])


def recently_published(*, limit=DASHBOARD_ROWS):
    """The newest live stories, from the live order index."""
    return list(_rows(Article.objects.live()).order_by("-publish_at", "-pk")[:limit])


def my_drafts(user, *, limit=DASHBOARD_ROWS):
    """This person's drafts not waiting on an editor's changes, last changed first."""
    queryset = with_review(owned_by(user, Article.objects.filter(status=Article.Status.DRAFT)))
    return list(_rows(queryset.exclude(changes_requested_q())).order_by("-updated_at", "-pk")[:limit])


def sent_back_to(user, *, limit=DASHBOARD_ROWS):
    """This person's drafts an editor sent back, newest first, with the editor's note."""
    queryset = with_review(owned_by(user, Article.objects.filter(status=Article.Status.DRAFT)))
    queryset = _with_step_details(queryset.filter(changes_requested_q()), to_status=Article.Status.DRAFT)
    return list(_rows(queryset).order_by("-step_at", "-pk")[:limit])


def in_review_for(user, *, limit=DASHBOARD_ROWS):
    """This person's stories waiting for an editor, the longest waiting first."""
    queryset = _with_step_details(
        owned_by(user, Article.objects.filter(status=Article.Status.IN_REVIEW)),
        to_status=Article.Status.IN_REVIEW,
    )
    return list(_rows(queryset).order_by("step_at", "pk")[:limit])
