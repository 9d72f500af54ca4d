"""The editorial workflow as one table: every transition, where it starts, where it ends, who may take it.

The services (`articles.services`) read this table to check a transition and
the desk reads it to offer the buttons, so a rule changes in one place.
Source states are the desk's states (`Article.desk_state`): a published
article is "scheduled" until it is live.
"""

from dataclasses import dataclass

from . import roles
from .models import Article

DRAFT, IN_REVIEW, SCHEDULED, LIVE, UNPUBLISHED = "draft", "in_review", "scheduled", "live", "unpublished"
TAKEN_DOWN = "taken_down"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str
    # Reporters may take it on articles they own; editors on any article.
    own_articles_only: bool = False
    needs_comment: bool = False
    # The publish checklist (`Article.missing_for_publication`) must pass.
    checklist: bool = False
    # What the desk asks for in the comment box, when not the default.
    comment_label: str = ""
    # The step ends what readers could see: every open preview link of the story stops working too.
    revokes_previews: bool = False

    def starts_from(self, article):
        return article.desk_state in self.sources

    def allowed_for(self, user, article):
        """Whether the user's role allows this transition on this article, whatever its state."""
        if not (user and user.is_active and user.has_perm(self.permission)):
            return False
        return not self.own_articles_only or roles.is_editor(user) or roles.owns(user, article)


TRANSITIONS = {
    transition.name: transition
    for transition in (
        Transition(
            "submit",
            "Submit for review",
            sources=frozenset({DRAFT}),
            target=Article.Status.IN_REVIEW,
            permission="articles.change_article",
            own_articles_only=True,
            checklist=True,
        ),
        Transition(
            "request_changes",
            "Request changes",
            sources=frozenset({IN_REVIEW}),
            target=Article.Status.DRAFT,
            permission="articles.review_article",
            needs_comment=True,
        ),
        Transition(
            "publish",
            "Publish",
            # Straight from draft is allowed for editors; a scheduled article may be rescheduled.
            sources=frozenset({DRAFT, IN_REVIEW, SCHEDULED, UNPUBLISHED}),
            target=Article.Status.PUBLISHED,
            permission="articles.publish_article",
            checklist=True,
        ),
        Transition(
            "unpublish",
            "Unpublish",
            sources=frozenset({SCHEDULED, LIVE}),
            target=Article.Status.UNPUBLISHED,
            permission="articles.publish_article",
            revokes_previews=True,
        ),
        Transition(
            "take_down",
            "Take down",
            # Also a story already unpublished: its address then says it is gone for good, not just missing.
            sources=frozenset({SCHEDULED, LIVE, UNPUBLISHED}),
            target=Article.Status.TAKEN_DOWN,
            permission="articles.take_down_article",
            needs_comment=True,
            comment_label="Why it is taken down (kept in the history)",
            revokes_previews=True,
        ),
        Transition(
            "reinstate",
            "Reinstate",
            # Back to unpublished: publishing it again is then a deliberate, separate step.
            sources=frozenset({TAKEN_DOWN}),
            target=Article.Status.UNPUBLISHED,
            permission="articles.reinstate_article",
            needs_comment=True,
            comment_label="Why it may be published again",
        ),
    )
}
SUBMIT, REQUEST_CHANGES, PUBLISH, UNPUBLISH, TAKE_DOWN, REINSTATE = TRANSITIONS.values()


def allowed_transitions(user, article):
    """Exactly the transitions this user may take on this article now."""
    return [t for t in TRANSITIONS.values() if t.starts_from(article) and t.allowed_for(user, article)]
