from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles import roles, workflow
from articles.exceptions import ChecklistError, InvalidTransitionError, WorkflowPermissionError
from articles.models import Article, ArticleTransition, Correction
from articles.services import (
    article_publish,
    article_reinstate,
    article_request_changes,
    article_save,
    article_submit,
    article_take_down,
    article_unpublish,
    correction_add,
)
from tests.helpers.factories import make_article, make_user
from tests.helpers.workflow_helpers import (
    ALLOWED,
    ROLES,
    TARGET,
    article_in,
    make_cast,
    snapshot,
)

pytestmark = pytest.mark.django_db


def run(name, article, user):
    if name == "submit":
        return article_submit(article=article, user=user)
    if name == "request_changes":
        return article_request_changes(article=article, user=user, comment="Needs a second source.")
    if name == "publish":
        return article_publish(article=article, user=user)
    if name == "take_down":
        return article_take_down(article=article, user=user, comment="A court order.")
    if name == "reinstate":
        return article_reinstate(article=article, user=user, comment="The order was lifted.")
    return article_unpublish(article=article, user=user)


# (transition, starting state) -> the roles that may take it
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("transition", "state"), list(ALLOWED))
def test_every_role_and_transition_through_the_service(role, transition, state):
    cast = make_cast()
    article = article_in(state, cast)
    before = snapshot(article)
    if role in ALLOWED[(transition, state)]:
        result = run(transition, article, cast[role])
        assert result.status == TARGET[transition]
        entry = ArticleTransition.objects.filter(article=article).last()
        assert (entry.from_status, entry.to_status, entry.user) == (
            Article.Status.PUBLISHED if state == "scheduled" else state,
            TARGET[transition],
            cast[role],
        )
    else:
        with pytest.raises(WorkflowPermissionError):
            run(transition, article, cast[role])
        assert snapshot(article) == before


ILLEGAL_STATES = {
    "submit": ["in_review", "published", "unpublished"],
    "request_changes": ["draft", "published", "unpublished"],
    "unpublish": ["draft", "in_review", "unpublished", "taken_down"],
    "publish": ["published", "taken_down"],
    "take_down": ["draft", "in_review", "taken_down"],
    "reinstate": ["draft", "published", "unpublished"],
}


@pytest.mark.parametrize(
    ("transition", "state"), [(name, state) for name, states in ILLEGAL_STATES.items() for state in states]
)
def test_transition_from_a_wrong_state_is_refused_and_changes_nothing(transition, state):
    cast = make_cast()
    article = article_in(state, cast)
    before = snapshot(article)
    with pytest.raises(InvalidTransitionError):
        run(transition, article, cast["admin"])
    assert snapshot(article) == before


def test_request_changes_needs_a_comment_and_records_it():
    cast = make_cast()
    article = article_in("in_review", cast)
    with pytest.raises(InvalidTransitionError, match="comment"):
        article_request_changes(article=article, user=cast["editor"], comment="  ")
    article = article_request_changes(article=article, user=cast["editor"], comment="Check the date in par 2.")
    assert article.status == Article.Status.DRAFT
    entry = article.transitions.last()
    assert entry.comment == "Check the date in par 2."
    assert entry.created_at is not None


def test_user_without_a_role_can_do_nothing():
    cast = make_cast()
    article = article_in("draft", cast)
    nobody = make_user(None, "visitor")
    for name in ("submit", "publish"):
        with pytest.raises(WorkflowPermissionError):
            run(name, article, nobody)
    assert workflow.allowed_transitions(nobody, article) == []


def test_allowed_transitions_are_exactly_what_the_services_accept():
    cast = make_cast()
    for state in ("draft", "in_review", "published", "scheduled", "unpublished", "taken_down"):
        for role in ROLES:
            article = article_in(state, cast)
            offered = {t.name for t in workflow.allowed_transitions(cast[role], article)}
            expected = {name for (name, from_state), who in ALLOWED.items() if from_state == state and role in who}
            assert offered == expected, (state, role)


def test_checklist_names_every_missing_item_at_once(django_capture_on_commit_callbacks):
    cast = make_cast()
    article = make_article(
        "Bare story", user=cast["owner"], standfirst="", body="<p> </p>", regions=[], topics=[], authors=[]
    )
    Article.objects.filter(pk=article.pk).update(hero_image="heroes/2025/01/photo.jpg")
    article.refresh_from_db()
    with pytest.raises(ChecklistError) as error:
        article_submit(article=article, user=cast["owner"])
    assert error.value.missing == [
        "a standfirst",
        "body text",
        "at least one region",
        "at least one topic",
        "at least one byline",
        "alt text for the hero image",
        "a credit for the hero image",
    ]
    assert "a standfirst; body text; at least one region" in str(error.value)
    with pytest.raises(ChecklistError):
        article_publish(article=article, user=cast["editor"])
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_publish_straight_from_draft_sets_first_published_at_once():
    cast = make_cast()
    article = article_publish(article=article_in("draft", cast), user=cast["editor"])
    assert article.is_live
    first = article.first_published_at
    article = article_unpublish(article=article, user=cast["editor"])
    assert not article.is_live
    article = article_publish(article=article, user=cast["editor"])
    assert article.first_published_at == first


def test_scheduled_article_goes_live_when_its_time_comes(time_machine):
    time_machine.move_to(datetime(2025, 3, 1, 9, 0, tzinfo=UTC), tick=False)
    cast = make_cast()
    publish_at = timezone.now() + timedelta(hours=3)
    article = article_publish(article=article_in("draft", cast), user=cast["editor"], publish_at=publish_at)
    assert article.status == Article.Status.PUBLISHED
    assert article.desk_state == "scheduled"
    assert not Article.objects.live().filter(pk=article.pk).exists()
    time_machine.move_to(publish_at + timedelta(seconds=1), tick=False)
    assert Article.objects.live().filter(pk=article.pk).exists()
    assert Article.objects.get(pk=article.pk).desk_state == "live"


def test_embargo_holds_a_published_article_back_everywhere_until_it_ends(time_machine):
    time_machine.move_to(datetime(2025, 3, 1, 9, 0, tzinfo=UTC), tick=False)
    cast = make_cast()
    embargo = timezone.now() + timedelta(hours=6)
    article = article_publish(article=article_in("in_review", cast), user=cast["editor"], embargo_ends_at=embargo)
    assert article.embargo_ends_at == embargo
    assert article.first_published_at == embargo
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert article.desk_state == "scheduled"
    time_machine.move_to(embargo - timedelta(seconds=1), tick=False)
    assert not Article.objects.get(pk=article.pk).is_live
    time_machine.move_to(embargo, tick=False)
    assert Article.objects.get(pk=article.pk).is_live


def test_a_scheduled_article_can_be_rescheduled_but_a_live_one_cannot_be_republished():
    cast = make_cast()
    article = article_in("scheduled", cast)
    later = timezone.now() + timedelta(days=3)
    article = article_publish(article=article, user=cast["editor"], publish_at=later)
    assert article.publish_at == later
    live = article_in("published", cast)
    with pytest.raises(InvalidTransitionError):
        article_publish(article=live, user=cast["editor"])


def test_corrections_are_for_editors_on_live_articles_and_kept_in_order():
    cast = make_cast()
    article = article_in("published", cast)
    with pytest.raises(WorkflowPermissionError):
        correction_add(article=article, user=cast["owner"], kind="correction", text="Wrong date.")
    with pytest.raises(InvalidTransitionError):
        correction_add(article=article_in("draft", cast), user=cast["editor"], kind="correction", text="x")
    with pytest.raises(InvalidTransitionError):
        correction_add(article=article, user=cast["editor"], kind="apology", text="Sorry.")
    with pytest.raises(InvalidTransitionError):
        correction_add(article=article, user=cast["editor"], kind="update", text="   ")
    first = correction_add(article=article, user=cast["editor"], kind="correction", text="The walk starts at 6pm.")
    second = correction_add(article=article, user=cast["admin"], kind="update", text="Route changed.")
    assert list(article.corrections.all()) == [first, second]
    assert Correction.objects.get(pk=first.pk).created_by == cast["editor"]


def test_reporter_edits_only_their_own_drafts():
    cast = make_cast()
    draft = article_in("draft", cast)
    draft.headline = "Owner's better headline"
    article_save(article=draft, user=cast["owner"], expected_version=draft.version)
    assert Article.objects.get(pk=draft.pk).headline == "Owner's better headline"
    draft.headline = "Someone else's headline"
    with pytest.raises(WorkflowPermissionError):
        article_save(article=draft, user=cast["other_reporter"], expected_version=draft.version)
    in_review = article_in("in_review", cast)
    in_review.headline = "Changed in review"
    with pytest.raises(WorkflowPermissionError):
        article_save(article=in_review, user=cast["owner"], expected_version=in_review.version)
    assert Article.objects.get(pk=in_review.pk).headline != "Changed in review"


def test_a_bylined_reporter_owns_the_article_too():
    cast = make_cast()
    article = make_article(user=cast["editor"], authors=[cast["owner_author"]])
    assert roles.owns(cast["owner"], article)
    assert roles.can_edit(cast["owner"], article)
    assert not roles.owns(cast["other_reporter"], article)
    assert set(roles.visible_articles(cast["other_reporter"])) == set()


def test_save_never_writes_the_status_even_if_the_instance_carries_one():
    cast = make_cast()
    article = article_in("draft", cast)
    article.status = Article.Status.PUBLISHED
    article.publish_at = timezone.now()
    article_save(article=article, user=cast["owner"], expected_version=article.version)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Article.Status.DRAFT
    assert stored.publish_at is None


def test_demo_content_is_published_through_the_workflow_and_the_demo_admin_is_no_superuser():
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    assert not admin.is_superuser and admin.is_staff
    assert list(admin.groups.values_list("name", flat=True)) == ["Admin"]
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    assert published.exists()
    for article in published:
        entry = article.transitions.get()
        assert (entry.to_status, entry.user.username) == (Article.Status.PUBLISHED, "editor")


def test_an_embargo_ending_before_the_publish_time_is_refused_and_nothing_changes():
    """The same rule as the change form's: such an embargo would hold nothing back."""
    cast = make_cast()
    article = article_in("in_review", cast)
    before = snapshot(article)
    publish_at = timezone.now() + timedelta(days=1)
    with pytest.raises(InvalidTransitionError, match="embargo ends before"):
        article_publish(
            article=article, user=cast["editor"], publish_at=publish_at, embargo_ends_at=publish_at - timedelta(hours=1)
        )
    assert snapshot(article) == before
