import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction, RegionTag, TopicTag
from tests.helpers.factories import make_article
from tests.helpers.workflow_helpers import (
    ALLOWED,
    ROLES,
    TARGET,
    article_in,
    client_for,
    form_data,
    make_cast,
    snapshot,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


# The change list ----------------------------------------------------------------------------------------------------


def test_change_list_shows_badges_bylines_tags_and_last_editor():
    cast = make_cast()
    for state in ("draft", "in_review", "scheduled", "published", "unpublished"):
        article_in(state, cast, headline=f"Story {state}", regions=["Pimlico"], topics=["Culture"])
    response = client_for(cast["editor"]).get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for css, label in [
        ("draft", "Draft"),
        ("in_review", "In review"),
        ("scheduled", "Scheduled"),
        ("live", "Live"),
        ("unpublished", "Unpublished"),
    ]:
        assert f'<span class="badge badge--{css}">{label}</span>' in html
    assert "Amira Patel" in html
    assert "Pimlico" in html and "Culture" in html
    assert ">editor<" in html  # last editor of the published ones


@pytest.mark.parametrize(("state", "expected"), [("scheduled", "Story scheduled"), ("live", "Story published")])
def test_status_filter_knows_scheduled_from_live(state, expected):
    cast = make_cast()
    for name in ("draft", "scheduled", "published"):
        article_in(name, cast, headline=f"Story {name}")
    response = client_for(cast["editor"]).get(CHANGELIST, {"state": state})
    assert [a.headline for a in response.context["cl"].result_list] == [expected]


def test_filters_by_region_topic_and_author_and_search_over_body():
    cast = make_cast()
    westminster = article_in("draft", cast, headline="Council vote", regions=["Westminster"], topics=["Politics"])
    article_in("draft", cast, headline="Market day", regions=["Pimlico"], topics=["Business"], body="<p>Stalls.</p>")
    client = client_for(cast["editor"])
    for params in ({"region": "westminster"}, {"topic": "politics"}, {"q": "Body text"}):
        results = list(client.get(CHANGELIST, params).context["cl"].result_list)
        assert results == [westminster], params
    assert len(client.get(CHANGELIST, {"author": "amira-patel"}).context["cl"].result_list) == 2


def published_on(headline, cast, when):
    article = article_in("published", cast, headline=headline)
    Article.objects.filter(pk=article.pk).update(publish_at=when)
    return article


def test_change_list_narrows_by_publish_year_then_month():
    cast = make_cast()
    london = timezone.get_current_timezone()
    published_on("Old story", cast, datetime(2019, 3, 2, 12, tzinfo=london))
    march = published_on("March story", cast, datetime(2021, 3, 9, 12, tzinfo=london))
    published_on("June story", cast, datetime(2021, 6, 9, 12, tzinfo=london))
    # Just after midnight on New Year's Day in London is still the old year in UTC.
    new_year = published_on("New Year story", cast, datetime(2022, 1, 1, 0, 30, tzinfo=london))
    client = client_for(cast["editor"])

    def date_choices(params):
        specs = client.get(CHANGELIST, params).context["cl"].filter_specs
        return {
            spec.parameter_name: spec.lookup_choices
            for spec in specs
            if getattr(spec, "parameter_name", "") in {"year", "month"}
        }

    # The month filter appears once a year is chosen.
    assert date_choices({}) == {"year": [("2022", "2022"), ("2021", "2021"), ("2020", "2020"), ("2019", "2019")]}
    assert dict(date_choices({"year": "2021"})["month"])["6"] == "June"

    def headlines(params):
        return {article.headline for article in client.get(CHANGELIST, params).context["cl"].result_list}

    assert headlines({"year": "2021"}) == {"March story", "June story"}
    assert headlines({"year": "2022"}) == {new_year.headline}
    assert headlines({"year": "2021", "month": "3"}) == {march.headline}
    assert headlines({"year": "2020"}) == set()


def test_change_list_counts_follow_every_change(page_cache, django_capture_on_commit_callbacks):
    """Counts are kept per content generation, per reader of the list: never stale, never another's."""
    cast = make_cast()
    article_in("draft", cast)
    make_article("The editor's own draft", user=cast["editor"])
    editor, owner = client_for(cast["editor"]), client_for(cast["owner"])
    assert editor.get(CHANGELIST).context["cl"].result_count == 2
    assert owner.get(CHANGELIST).context["cl"].result_count == 1
    assert editor.get(CHANGELIST, {"state": "draft"}).context["cl"].result_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        article_in("published", cast)
    assert editor.get(CHANGELIST).context["cl"].result_count == 3
    assert editor.get(CHANGELIST, {"state": "draft"}).context["cl"].result_count == 2
    assert editor.get(CHANGELIST, {"state": "live"}).context["cl"].result_count == 1
    assert owner.get(CHANGELIST).context["cl"].result_count == 2


def test_reporter_sees_articles_that_carry_their_byline():
    cast = make_cast()
    bylined = make_article("Written with the desk", user=cast["editor"], authors=[cast["owner_author"]])
    make_article("Not theirs", user=cast["editor"])
    assert list(client_for(cast["owner"]).get(CHANGELIST).context["cl"].result_list) == [bylined]


def test_region_filter_lists_an_article_once_whatever_its_regions():
    cast = make_cast()
    both = article_in("draft", cast, regions=["Westminster", "Pimlico"])
    client = client_for(cast["editor"])
    response = client.get(CHANGELIST, {"region": "westminster"})
    assert list(response.context["cl"].result_list) == [both]
    assert response.context["cl"].result_count == 1


def test_reporter_sees_only_their_own_articles():
    cast = make_cast()
    own = article_in("draft", cast, headline="My own draft")
    theirs = make_article("Somebody else's draft", user=cast["editor"])
    client = client_for(cast["other_reporter"])
    assert list(client.get(CHANGELIST).context["cl"].result_list) == []
    owner = client_for(cast["owner"])
    assert list(owner.get(CHANGELIST).context["cl"].result_list) == [own]
    response = owner.get(change_url(theirs), follow=True)
    assert "Somebody else&#x27;s draft" not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")
    assert owner.get(reverse("reader:staff_preview", args=[theirs.pk])).status_code == 404


def test_bulk_actions_are_offered_only_to_roles_allowed_to_use_them():
    cast = make_cast()
    article_in("draft", cast)
    offered = {}
    for role in ROLES:
        response = client_for(cast[role]).get(CHANGELIST)
        offered[role] = {name for name, _ in response.context["action_form"].fields["action"].choices if name}
    assert offered["owner"] == {"submit_selected"}
    assert offered["editor"] == {"submit_selected", "publish_selected", "unpublish_selected", "delete_selected"}
    assert offered["admin"] == offered["editor"]


# Every role and transition through the admin: bulk action, forged POST, change form ------------------------------------

BULK = {"submit": "submit_selected", "publish": "publish_selected", "unpublish": "unpublish_selected"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("transition", "state"), [key for key in ALLOWED if key[0] in BULK])
def test_every_role_and_transition_through_the_bulk_action(role, transition, state):
    cast = make_cast()
    article = article_in(state, cast)
    before = snapshot(article)
    client_for(cast[role]).post(
        CHANGELIST, {"action": BULK[transition], "_selected_action": [article.pk], "confirm": "yes"}
    )
    if role in ALLOWED[(transition, state)]:
        assert Article.objects.get(pk=article.pk).status == TARGET[transition]
    else:
        assert snapshot(article) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("transition", "state"), list(ALLOWED))
def test_every_role_and_transition_through_a_posted_transition(role, transition, state):
    cast = make_cast()
    article = article_in(state, cast)
    before = snapshot(article)
    response = client_for(cast[role]).post(transition_url(article, transition), {"comment": "Please tighten the top."})
    if role in ALLOWED[(transition, state)]:
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).status == TARGET[transition]
    else:
        # Another reporter cannot even find the article; the owner is refused outright.
        assert response.status_code in {403, 404}
        assert snapshot(article) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", ["in_review", "published", "unpublished"])
def test_the_change_form_never_changes_the_state_for_any_role(role, status):
    cast = make_cast()
    article = article_in("draft", cast)
    future = timezone.now() + timedelta(days=1)
    data = form_data(
        article, headline="Edited headline", status=status, publish_at=future.isoformat(), embargo_ends_at=""
    )
    client_for(cast[role]).post(change_url(article), data)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Article.Status.DRAFT
    assert stored.publish_at is None
    assert stored.transitions.count() == 0
    # Those allowed to edit the draft did save their text.
    assert (stored.headline == "Edited headline") == (role in {"owner", "editor", "admin"})


def test_forged_bulk_publish_by_a_reporter_changes_nothing():
    cast = make_cast()
    article = article_in("in_review", cast)
    before = snapshot(article)
    response = client_for(cast["owner"]).post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )
    assert response.status_code == 200
    assert snapshot(article) == before
    assert not Article.objects.live().exists()


def test_transition_urls_accept_only_post_and_known_steps():
    cast = make_cast()
    article = article_in("draft", cast)
    client = client_for(cast["editor"])
    assert client.get(transition_url(article, "publish")).status_code == 405
    assert client.post(transition_url(article, "teleport")).status_code == 404
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_state_error_and_bad_schedule_come_back_as_messages_not_errors():
    cast = make_cast()
    live = article_in("published", cast)
    client = client_for(cast["editor"])
    response = client.post(transition_url(live, "publish"), follow=True)
    assert response.status_code == 200
    assert "not possible while the article is published" in response.content.decode()
    draft = article_in("draft", cast)
    response = client.post(transition_url(draft, "publish"), {"publish_at": "next Tuesday-ish"}, follow=True)
    assert response.status_code == 200
    assert "is not a date and time" in response.content.decode()
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_editor_schedules_with_a_local_time_and_embargo_from_the_change_page():
    cast = make_cast()
    article = article_in("in_review", cast)
    client_for(cast["editor"]).post(
        transition_url(article, "publish"),
        {"publish_at": "2099-05-01T08:30", "embargo_ends_at": "2099-05-01T10:00", "comment": "Morning slot"},
    )
    stored = Article.objects.get(pk=article.pk)
    assert stored.desk_state == "scheduled"
    assert timezone.localtime(stored.publish_at).strftime("%Y-%m-%d %H:%M") == "2099-05-01 08:30"
    assert timezone.localtime(stored.embargo_ends_at).strftime("%H:%M") == "10:00"
    assert stored.transitions.last().comment == "Morning slot"


def test_checklist_lists_every_missing_item_on_the_change_page_and_in_the_refusal():
    cast = make_cast()
    article = make_article("Thin story", user=cast["owner"], standfirst="", regions=[], topics=[])
    client = client_for(cast["owner"])
    html = client.get(change_url(article)).content.decode()
    for item in ("a standfirst", "at least one region", "at least one topic"):
        assert f"<li>{item}</li>" in html
    response = client.post(transition_url(article, "submit"), follow=True)
    assert "Not ready yet: a standfirst; at least one region; at least one topic." in response.content.decode()


# Change page: buttons, history, corrections, suggestions ---------------------------------------------------------------


def buttons(client, article):
    html = client.get(change_url(article)).content.decode()
    return set(re.findall(r"workflow-button--(\w+)", html))


def test_change_page_offers_exactly_the_allowed_transitions():
    cast = make_cast()
    draft, in_review, live = (article_in(s, cast) for s in ("draft", "in_review", "published"))
    owner, editor = client_for(cast["owner"]), client_for(cast["editor"])
    assert buttons(owner, draft) == {"submit"}
    assert buttons(owner, in_review) == set()
    assert buttons(editor, draft) == {"submit", "publish"}
    assert buttons(editor, in_review) == {"request_changes", "publish"}
    assert buttons(editor, live) == {"unpublish", "take_down"}


def test_reporter_sees_their_article_in_review_read_only():
    cast = make_cast()
    article = article_in("in_review", cast)
    response = client_for(cast["owner"]).get(change_url(article))
    assert response.status_code == 200
    assert 'name="headline"' not in response.content.decode()
    response = client_for(cast["owner"]).post(change_url(article), form_data(article, headline="Sneaky"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline != "Sneaky"


def test_change_page_shows_transition_history_and_corrections():
    cast = make_cast()
    article = article_in("in_review", cast)
    client = client_for(cast["editor"])
    client.post(transition_url(article, "request_changes"), {"comment": "Name the councillor."})
    html = client.get(change_url(article)).content.decode()
    assert "Name the councillor." in html
    assert "In review</td>" in html and "owner" in html
    live = article_in("published", cast)
    client.post(
        reverse("admin:articles_article_correction", args=[live.pk]),
        {"kind": "clarification", "text": "It was Tuesday."},
    )
    assert "It was Tuesday." in client.get(change_url(live)).content.decode()
    assert live.corrections.get().kind == "clarification"


def test_reporter_cannot_add_a_correction_by_posting():
    cast = make_cast()
    live = article_in("published", cast)
    response = client_for(cast["owner"]).post(
        reverse("admin:articles_article_correction", args=[live.pk]), {"kind": "correction", "text": "x"}
    )
    assert response.status_code in {403, 404}
    assert not Correction.objects.exists()


def test_editing_a_live_headline_asks_whether_to_log_a_correction():
    cast = make_cast()
    live = article_in("published", cast)
    client = client_for(cast["editor"])
    response = client.post(change_url(live), form_data(live, headline="Walk starts at six"))
    assert response.status_code == 200
    assert "choose whether to log a correction" in response.content.decode()
    assert Article.objects.get(pk=live.pk).headline != "Walk starts at six"
    response = client.post(
        change_url(live),
        form_data(live, headline="Walk starts at six", correction_kind="correction", correction_text="We gave 7pm."),
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=live.pk).headline == "Walk starts at six"
    assert live.corrections.get().text == "We gave 7pm."
    response = client.post(change_url(live), form_data(live, headline="Walk starts at 6pm", correction_kind="none"))
    assert response.status_code == 302
    assert live.corrections.count() == 1


def test_suggests_regions_and_topics_named_in_the_text():
    cast = make_cast()
    RegionTag.objects.create(name="Westminster")
    TopicTag.objects.create(name="Politics")
    article = article_in(
        "draft", cast, headline="Westminster council votes", body="<p>A politics story.</p>", regions=["London"]
    )
    client = client_for(cast["owner"])
    html = client.get(change_url(article)).content.decode()
    assert 'data-name="Westminster"' in html and 'data-name="Politics"' in html
    assert 'data-name="London"' not in html
    response = client.post(
        reverse("admin:articles_article_suggest"),
        {
            "headline": "Pimlico market and London politics",
            "body": "<p>Westminster</p>",
            "regions": [RegionTag.objects.get(name="London").pk, "x"],
        },
    )
    names = {tag["name"] for tag in response.json()["regions"]} | {tag["name"] for tag in response.json()["topics"]}
    assert {"Westminster", "Politics"} <= names
    assert "London" not in names


def test_tag_autocomplete_serves_the_vocabulary_to_reporters():
    cast = make_cast()
    RegionTag.objects.create(name="Pimlico")
    RegionTag.objects.create(name="Paris")
    response = client_for(cast["owner"]).get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "regions", "term": "pim"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Pimlico"]


def test_body_is_sanitised_when_saved_through_the_admin_form():
    cast = make_cast()
    article = article_in("draft", cast)
    dirty = (
        '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<a href="https://example.org/">ok</a><img src=x onerror=alert(1)></p><iframe src="https://evil"></iframe>'
    )
    response = client_for(cast["owner"]).post(change_url(article), form_data(article, body=dirty))
    assert response.status_code == 302
    body = Article.objects.get(pk=article.pk).body
    for forbidden in ("script", "onclick", "javascript:", "<img", "onerror", "iframe"):
        assert forbidden not in body
    assert '<a href="https://example.org/" rel="noopener noreferrer">ok</a>' in body


def test_new_article_from_the_add_form_is_a_draft_owned_and_bylined_by_its_reporter():
    cast = make_cast()
    london = RegionTag.objects.create(name="London")
    data = {
        "headline": "Night bus changes",
        "slug": "",
        "standfirst": "Two routes move.",
        "body": "<p>From Monday.</p>",
        "loaded_version": 1,
        "regions": [london.pk],
        "topics": [],
        "status": "published",
        "byline_set-TOTAL_FORMS": 0,
        "byline_set-INITIAL_FORMS": 0,
        "byline_set-MIN_NUM_FORMS": 0,
        "byline_set-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    response = client_for(cast["owner"]).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(headline="Night bus changes")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == cast["owner"]
    assert article.authors == [cast["owner_author"]]
    assert list(article.regions.names()) == ["London"]


# No lost updates ---------------------------------------------------------------------------------------------------


def test_second_save_of_a_stale_form_is_refused_naming_who_saved_and_keeping_the_text():
    cast = make_cast()
    article = article_in("draft", cast)
    reporter, editor = client_for(cast["owner"]), client_for(cast["editor"])
    # Both open the same article (the same version).
    opened_by_reporter = form_data(article)
    opened_by_editor = form_data(article)
    assert reporter.get(change_url(article)).status_code == 200
    assert editor.get(change_url(article)).status_code == 200

    response = editor.post(change_url(article), {**opened_by_editor, "headline": "Editor's headline"})
    assert response.status_code == 302
    response = reporter.post(
        change_url(article), {**opened_by_reporter, "headline": "Reporter's headline", "body": "<p>My new para.</p>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "editor saved this article at" in html
    assert "Your changes were not saved" in html
    assert 'value="Reporter&#x27;s headline"' in html  # the reporter's text stays in the form
    assert "My new para." in html
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Editor's headline"
    assert stored.version == article.version + 1


# Revisions ---------------------------------------------------------------------------------------------------------


def test_every_save_keeps_a_version_with_a_text_diff_and_any_version_can_be_restored():
    cast = make_cast()
    article = article_in(
        "draft", cast, headline="First headline", body="<p>Original paragraph.</p>", topics=["Culture"]
    )
    client = client_for(cast["editor"])
    client.post(change_url(article), form_data(article, body="<p>Original paragraph.</p>"))
    client.post(
        change_url(article),
        form_data(article, headline="Second headline", body="<p>Rewritten paragraph.</p>", topics=[]),
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) == 2
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    latest, first = versions
    page = client.get(reverse("admin:articles_article_revision", args=[article.pk, latest.pk]))
    html = page.content.decode()
    assert "<del>Original</del>" in html and "<ins>Rewritten</ins>" in html
    assert "<del>First</del><ins>Second</ins>" in html.replace("\n", "")

    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, first.pk]))
    assert response.status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.headline == "First headline"
    assert restored.body == "<p>Original paragraph.</p>"
    assert list(restored.topics.names()) == ["Culture"]
    assert restored.authors == [cast["owner_author"]]
    assert restored.status == Article.Status.IN_REVIEW  # the state is not part of a restore
    assert Version.objects.get_for_object(article).count() == 3  # restoring added a version


def test_a_reporter_cannot_restore_an_article_they_may_not_edit():
    cast = make_cast()
    article = article_in("draft", cast)
    client_for(cast["editor"]).post(change_url(article), form_data(article, headline="Edited once"))
    version = Version.objects.get_for_object(article).first()
    article_submit_url = transition_url(article, "submit")
    client_for(cast["owner"]).post(article_submit_url)
    response = client_for(cast["owner"]).post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))
    assert response.status_code == 403


def test_deleted_articles_can_be_recovered():
    cast = make_cast()
    article = article_in("draft", cast, headline="Accidentally deleted")
    client = client_for(cast["editor"])
    client.post(change_url(article), form_data(article))
    data = form_data(article)
    response = client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    recover_list = client.get(reverse("admin:articles_article_recoverlist"))
    assert "Accidentally deleted" in recover_list.content.decode()
    version = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    assert client.get(recover_url).status_code == 200
    response = client.post(recover_url, data)
    assert response.status_code == 302
    recovered = Article.objects.get(pk=article.pk)
    assert recovered.headline == "Accidentally deleted"
    assert recovered.authors == [cast["owner_author"]]


def test_reporters_cannot_delete_articles():
    cast = make_cast()
    article = article_in("draft", cast)
    response = client_for(cast["owner"]).post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_admin_role_manages_accounts_tags_authors_and_footers_without_being_superuser():
    cast = make_cast()
    client = client_for(cast["admin"])
    assert not cast["admin"].is_superuser
    for name in ("auth_user", "articles_regiontag", "articles_topictag", "articles_author", "articles_promofooter"):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name
    editor = client_for(cast["editor"])
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor.get(reverse("admin:articles_regiontag_add")).status_code == 403
    assert get_user_model().objects.filter(is_superuser=True).count() == 0
