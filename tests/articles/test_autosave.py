"""No lost work on the server: workflow buttons that save first, autosaves that change nothing, edit leases."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import autosave
from articles.exceptions import AutosaveError, WorkflowPermissionError
from articles.models import Article, ArticleTransition, Autosave, EditLease
from articles.signals import content_changed
from tests.helpers.workflow_helpers import article_in, client_for, form_data, make_cast, snapshot

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def announced():
    """Every `content_changed` sent while the test runs."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    content_changed.connect(receiver, dispatch_uid="test-autosave-announced")
    yield calls
    content_changed.disconnect(dispatch_uid="test-autosave-announced")


# Workflow buttons post the form: save, then the step --------------------------------------------------------------


def test_publish_from_the_form_saves_the_unsaved_headline_then_publishes(cast):
    article = article_in("in_review", cast, headline="Old headline")
    client = client_for(cast["editor"])
    data = form_data(article, headline="New headline", _transition="publish", **{"publish-comment": "Good to go"})
    data.pop("_save")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.headline == "New headline"
    assert article.is_live
    step = ArticleTransition.objects.filter(article=article).latest("pk")
    assert (step.to_status, step.comment) == ("published", "Good to go")
    messages = [str(m) for m in client.get(change_url(article)).context["messages"]]
    assert messages == ["Saved, and “New headline” is now live."]


def test_a_scheduled_publish_from_the_form_reads_its_prefixed_times(cast):
    article = article_in("draft", cast)
    when = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    data = form_data(article, _transition="publish", **{"publish-publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    client_for(cast["editor"]).post(change_url(article), data)
    article.refresh_from_db()
    assert article.desk_state == "scheduled"
    assert article.publish_at == when


def test_an_invalid_form_shows_its_errors_and_takes_no_step(cast):
    article = article_in("in_review", cast)
    before = snapshot(article)
    response = client_for(cast["editor"]).post(
        change_url(article), form_data(article, headline="", _transition="publish")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline"]
    assert snapshot(article) == before


def test_an_edit_conflict_refuses_the_step_and_keeps_the_other_version(cast):
    article = article_in("in_review", cast, headline="Their headline")
    stale = form_data(article, headline="My headline", _transition="publish")
    Article.objects.filter(pk=article.pk).update(version=article.version + 1)
    response = client_for(cast["editor"]).post(change_url(article), stale)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Their headline", "in_review")


def test_a_refused_step_keeps_the_saved_edit_and_says_why(cast):
    article = article_in("in_review", cast)
    client = client_for(cast["editor"])
    response = client.post(
        change_url(article), form_data(article, standfirst="Sharper standfirst.", _transition="request_changes")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.standfirst, article.status) == ("Sharper standfirst.", "in_review")
    messages = [str(m) for m in client.get(change_url(article)).context["messages"]]
    assert messages == [
        "Your changes were saved, but “Request changes” was refused: Say what needs changing: the comment is required."
    ]


def test_a_role_refused_the_step_saves_nothing(cast):
    article = article_in("draft", cast)
    before = snapshot(article)
    response = client_for(cast["owner"]).post(
        change_url(article), form_data(article, headline="x", _transition="publish")
    )
    assert response.status_code == 403
    assert snapshot(article) == before


def test_an_unknown_step_is_not_found(cast):
    article = article_in("draft", cast)
    response = client_for(cast["editor"]).post(change_url(article), form_data(article, _transition="explode"))
    assert response.status_code == 404


def test_enter_in_a_field_saves_the_form_it_never_takes_a_step(cast):
    """The first submit button of the form (what Enter presses) is a hidden Save, before the workflow buttons."""
    article = article_in("in_review", cast)
    html = client_for(cast["editor"]).get(change_url(article)).content.decode()
    default = html.index('class="desk-default-submit"')
    assert default < html.index('name="_transition"')
    assert 'form="article_form" name="_continue"' in html


# Autosave -----------------------------------------------------------------------------------------------------------


def test_autosave_keeps_the_text_and_leaves_the_story_and_readers_untouched(cast, announced):
    article = article_in("published", cast, headline="Live headline")
    before = snapshot(article)
    announced.clear()
    response = client_for(cast["editor"]).post(
        autosave_url(article),
        {
            "loaded_version": article.version,
            "store": "on",
            "headline": "Draft headline",
            "body": "<p>New</p><script>x</script>",
        },
    )
    assert response.status_code == 200
    assert response.json()["saved_at"]
    kept = Autosave.objects.get(article=article, user=cast["editor"])
    assert kept.content == {"headline": "Draft headline", "body": "<p>New</p>"}
    assert kept.based_on_version == article.version
    assert snapshot(article) == before
    assert announced == []


def test_a_heartbeat_without_text_keeps_no_autosave_but_holds_the_lease(cast):
    article = article_in("draft", cast)
    response = client_for(cast["owner"]).post(autosave_url(article), {"loaded_version": 1})
    assert response.json() == {"saved_at": None, "editors": []}
    assert not Autosave.objects.exists()
    assert EditLease.objects.active().filter(article=article, user=cast["owner"]).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"loaded_version": 1, "store": "on", "headline": "x" * 5000}, "longer than"),
        ({"loaded_version": 1, "store": "on", "standfirst": "a\x00b"}, "NUL"),
        ({"store": "on", "headline": "no stamp"}, "version stamp"),
    ],
)
def test_bad_autosaves_are_refused_in_plain_words(cast, data, message):
    article = article_in("draft", cast)
    response = client_for(cast["owner"]).post(autosave_url(article), data)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Autosave.objects.exists()


def test_autosave_refuses_a_role_that_may_not_edit(cast):
    article = article_in("in_review", cast)
    with pytest.raises(WorkflowPermissionError):
        autosave.autosave_store(article=article, user=cast["owner"], content={"headline": "x"}, based_on_version=1)
    with pytest.raises(AutosaveError):
        autosave.clean_content({"headline": ["not", "text"]})


def test_the_form_offers_a_pending_autosave_and_restores_it_into_the_form_only(cast):
    article = article_in("published", cast, headline="Live headline")
    client = client_for(cast["editor"])
    client.post(autosave_url(article), {"loaded_version": article.version, "store": "on", "headline": "Draft headline"})
    html = client.get(change_url(article)).content.decode()
    assert "Restore my autosaved text" in html
    assert "Readers still see the published version." in html

    restored = client.get(change_url(article) + "?restore=autosave")
    assert restored.context["adminform"].form.initial["headline"] == "Draft headline"
    assert 'data-restored="true"' in restored.content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Live headline"

    # Saving the restored text of a live story still asks about a correction, as any edit does.
    data = form_data(article, headline="Draft headline")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "choose whether to log a correction" in response.content.decode()
    client.post(change_url(article), {**data, "correction_kind": "none"})
    assert Article.objects.get(pk=article.pk).headline == "Draft headline"
    assert not Autosave.objects.exists(), "a save spends the autosave"


def test_an_autosave_equal_to_the_story_is_not_offered_and_discard_forgets_it(cast):
    article = article_in("draft", cast, headline="Same headline")
    client = client_for(cast["owner"])
    Autosave.objects.create(
        article=article, user=cast["owner"], content={"headline": "Same headline"}, based_on_version=1
    )
    assert "Restore my autosaved text" not in client.get(change_url(article)).content.decode()
    client.post(reverse("admin:articles_article_autosave_discard", args=[article.pk]))
    assert not Autosave.objects.exists()


# Edit leases --------------------------------------------------------------------------------------------------------


def test_a_second_editor_is_told_who_has_the_story_open_and_is_not_blocked(cast):
    article = article_in("in_review", cast)
    client_for(cast["admin"]).post(autosave_url(article), {"loaded_version": article.version})
    editor = client_for(cast["editor"])
    html = editor.get(change_url(article)).content.decode()
    assert "Someone else has this story open" in html and "chief (since" in html
    heartbeat = editor.post(autosave_url(article), {"loaded_version": article.version}).json()
    assert [entry["name"] for entry in heartbeat["editors"]] == ["chief"]
    assert editor.post(change_url(article), form_data(article, headline="Still saved")).status_code == 302


def test_an_expired_lease_is_not_shown(cast):
    article = article_in("draft", cast)
    EditLease.objects.create(article=article, user=cast["admin"], expires_at=timezone.now() - timedelta(seconds=1))
    html = client_for(cast["editor"]).get(change_url(article)).content.decode()
    assert 'data-others role="status" hidden' in html
    assert "chief (since" not in html


# Read only and previews ---------------------------------------------------------------------------------------------


def test_the_read_only_view_renders_the_body(cast):
    article = article_in("in_review", cast, body="<p>Rendered <strong>text</strong></p>")
    html = client_for(cast["owner"]).get(change_url(article)).content.decode()
    assert '<div class="body-rendered"><p>Rendered <strong>text</strong></p></div>' in html
    assert "&lt;p&gt;" not in html
    assert 'id="desk-editing"' not in html


def test_the_staff_preview_says_it_is_not_published_and_links_back_to_the_editor(cast):
    article = article_in("draft", cast)
    html = client_for(cast["editor"]).get(reverse("reader:staff_preview", args=[article.pk])).content.decode()
    assert "Preview — not published." in html
    assert f'href="{change_url(article)}">Back to the editor' in html


def test_a_shared_preview_has_the_bar_but_no_way_into_the_desk(cast, client):
    from articles.services import preview_link_create

    article = article_in("draft", cast)
    link = preview_link_create(article=article, user=cast["editor"])
    html = client.get(link.get_absolute_url()).content.decode()
    assert "Preview — not published." in html
    assert "Back to the editor" not in html
    assert "/admin/" not in html
    assert "Preview — not published" not in client.get("/").content.decode()


def test_active_preview_links_have_a_copy_button_above_the_form(cast):
    from articles.services import preview_link_create

    article = article_in("draft", cast)
    link = preview_link_create(article=article, user=cast["editor"])
    html = client_for(cast["editor"]).get(change_url(article)).content.decode()
    top = html.index('class="desk-preview-links"')
    assert top < html.index('id="article_form"')
    assert link.get_absolute_url() in html[top:] and "data-copy-link" in html[top:]
