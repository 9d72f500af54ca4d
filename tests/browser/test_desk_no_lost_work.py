"""No lost work on the article form, in Chromium: workflow buttons save first, a leave guard, autosave, a local
backup that outlives the session, Ctrl/Cmd+S, spell-check, word count, the open-elsewhere notice and previews."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from articles.models import Article, Autosave
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.workflow_helpers import article_in, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ".field-body [contenteditable='true']"


def open_form(page, base_url, article, *, idle=True):
    page.goto(base_url + reverse("admin:articles_article_change", args=[article.pk]))
    page.wait_for_selector(BODY)
    # The in-memory SQLite of the test server refuses a read that overlaps a write, where PostgreSQL or
    # a file database would wait: nothing of the page is left in flight when the test goes on.
    settle(page, idle=idle)


def type_into(page, selector, text):
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def settle(page, *, idle=True):
    """Until the change form that just loaded is ready (opening it took the edit lease; its script runs)."""
    page.wait_for_selector("#desk-editing[data-unsent]", state="attached")
    if idle:  # not with a fast autosave, which is never idle for long
        page.wait_for_load_state("networkidle")


def wait_for_server(page, action=None):
    """Do action (if any), then wait for the form's next answer from the server saying everything typed so far is
    kept there. The last answer's word is cleared first: an answer to the action that comes at once is not missed."""
    page.evaluate("delete document.getElementById('desk-editing').dataset.unsent")
    if action is not None:
        action()
    page.wait_for_selector("#desk-editing[data-unsent='false']", state="attached")


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture(autouse=True)
def slow_autosave(settings):
    """No timed autosave during a test unless it asks for one (it sets a short interval itself)."""
    settings.DESK_AUTOSAVE_SECONDS = 600


@pytest.fixture
def open_page(page_factory):
    """Pages whose autosave timers are stopped before the test's database is emptied."""
    pages = []

    def new_page():
        page = page_factory()
        # Tag suggestions are answered in the browser: the in-memory SQLite of the test server refuses a
        # request that overlaps a write (PostgreSQL or a file database would wait), and these tests are
        # about the autosave's own requests.
        page.route("**/suggest/", lambda route: route.fulfill(json={"regions": [], "topics": []}))
        pages.append(page)
        return page

    yield new_page
    for page in pages:
        page.close()  # without running the leave guard
    time.sleep(0.5)  # let a request already on its way finish


def test_publish_with_an_unsaved_headline_publishes_the_new_headline(live_server, open_page, screenshot, cast):
    article = article_in("in_review", cast, headline="Council delays bin talks")
    page = open_page()
    log_in(page, live_server.url, "editor")
    open_form(page, live_server.url, article)
    type_into(page, "#id_headline", "Council and crews agree bin deal")
    screenshot(page, "desk-unsaved-headline-before-publish")
    page.click(".workflow-button--publish")
    page.wait_for_selector(".messagelist")
    settle(page)
    assert "Saved, and “Council and crews agree bin deal” is now live." in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.is_live and article.headline == "Council and crews agree bin deal"
    reader = open_page()
    reader.goto(live_server.url + article.get_absolute_url())
    assert reader.locator("h1").inner_text() == "Council and crews agree bin deal"


def test_enter_in_the_headline_saves_and_takes_no_workflow_step(live_server, open_page, cast):
    article = article_in("in_review", cast, headline="Enter key story")
    page = open_page()
    log_in(page, live_server.url, "editor")
    open_form(page, live_server.url, article)
    type_into(page, "#id_headline", "Enter key story, saved")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Enter key story, saved", "in_review")


def test_leaving_a_dirty_form_asks_first_and_a_clean_one_does_not(live_server, open_page, cast):
    article = article_in("draft", cast)
    page = open_page()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    log_in(page, live_server.url, "editor")
    open_form(page, live_server.url, article)
    change_url = page.url
    page.click(BODY)  # a click alone changes nothing
    with page.expect_navigation():
        page.click(".breadcrumbs a >> nth=0")
    assert dialogs == []

    open_form(page, live_server.url, article)
    page.click(BODY)
    page.keyboard.type(" An unsaved sentence.")
    page.click(".breadcrumbs a >> nth=0")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == change_url
    assert "An unsaved sentence." in page.locator(BODY).inner_text()


def test_an_expired_session_loses_no_typed_text(live_server, open_page, screenshot, cast):
    article = article_in("draft", cast, headline="Session story")
    page = open_page()
    log_in(page, live_server.url, "owner")
    open_form(page, live_server.url, article)
    type_into(page, "#id_headline", "Typed while the session ran out")
    page.click(BODY)
    page.keyboard.press("End")
    page.keyboard.type(" A paragraph typed at length.")
    # Leaving the body autosaves it; answered before the test writes to the database.
    wait_for_server(page, lambda: page.click("#id_standfirst"))
    Session.objects.all().delete()
    page.click("input[name=_continue]")
    page.wait_for_selector("#id_username")

    page.fill("#id_username", "owner")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("[data-backup-offer]:not([hidden])")
    settle(page)
    screenshot(page, "desk-restore-after-sign-in")
    assert Article.objects.get(pk=article.pk).headline == "Session story"
    page.click("[data-backup-restore]")
    assert page.input_value("#id_headline") == "Typed while the session ran out"
    assert "A paragraph typed at length." in page.locator(BODY).inner_text()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    settle(page)
    article.refresh_from_db()
    assert article.headline == "Typed while the session ran out"
    assert "A paragraph typed at length." in article.body
    # Saved: the backup is spent and not offered again.
    open_form(page, live_server.url, article)
    page.wait_for_timeout(300)
    assert page.locator("[data-backup-offer]").is_hidden()


def test_ctrl_s_saves_and_keeps_the_form_open(live_server, open_page, cast):
    article = article_in("draft", cast, headline="Shortcut story")
    page = open_page()
    log_in(page, live_server.url, "owner")
    open_form(page, live_server.url, article)
    type_into(page, "#id_headline", "Saved with the keyboard")
    with page.expect_navigation():
        page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success")
    settle(page)
    assert page.url.endswith(reverse("admin:articles_article_change", args=[article.pk]))
    assert Article.objects.get(pk=article.pk).headline == "Saved with the keyboard"


def test_spell_check_is_on_and_word_count_follows_the_text(live_server, open_page, screenshot, cast):
    article = article_in("draft", cast, body="<p>One two three four.</p>")
    page = open_page()
    log_in(page, live_server.url, "owner")
    open_form(page, live_server.url, article)
    assert page.get_attribute(BODY, "spellcheck") == "true"
    assert page.inner_text(".body-stats") == "4 words · about 1 min read"
    page.click(BODY)
    page.keyboard.press("End")
    page.keyboard.type(" Five six.")
    page.wait_for_function("document.querySelector('.body-stats').textContent.startsWith('6 words')")
    screenshot(page, "desk-change-form")


def test_autosave_keeps_a_live_story_pending_and_the_form_restores_it(
    live_server, open_page, screenshot, settings, cast
):
    settings.DESK_AUTOSAVE_SECONDS = 0.5
    article = article_in("published", cast, headline="Live lantern story")
    page = open_page()
    log_in(page, live_server.url, "editor")
    open_form(page, live_server.url, article, idle=False)
    type_into(page, "#id_headline", "Autosaved lantern headline")
    wait_for_server(page)
    assert page.locator("text=Autosaved (not published) at").is_visible()
    # The tab is closed without saving (and its timers stop: SQLite in tests takes one writer at a time).
    page.close()
    settings.DESK_AUTOSAVE_SECONDS = 600
    time.sleep(1)
    assert Autosave.objects.get(article=article).content["headline"] == "Autosaved lantern headline"
    article.refresh_from_db()
    assert article.headline == "Live lantern story"
    reader = open_page()
    reader.goto(live_server.url + article.get_absolute_url())
    assert reader.locator("h1").inner_text() == "Live lantern story"

    # Opened again later (the tab was closed without saving): the form offers the autosave.
    other = open_page()
    log_in(other, live_server.url, "editor")
    open_form(other, live_server.url, article)
    assert other.locator("[data-pending-autosave]").is_visible()
    screenshot(other, "desk-pending-autosave")
    other.click("[data-restore-autosave]")
    other.wait_for_selector(BODY)
    assert other.input_value("#id_headline") == "Autosaved lantern headline"


def test_a_second_editor_sees_who_else_has_the_story_open(live_server, open_page, screenshot, cast):
    article = article_in("in_review", cast)
    first = open_page()
    log_in(first, live_server.url, "chief")
    open_form(first, live_server.url, article)
    second = open_page()
    log_in(second, live_server.url, "editor")
    open_form(second, live_server.url, article)
    assert second.locator("[data-others]").is_visible()
    assert "chief" in second.inner_text("[data-others]")
    screenshot(second, "desk-someone-else-has-it-open")
    # The first editor hears at their next autosave (here: leaving a field they changed).
    first.click("#id_standfirst")
    first.keyboard.press("End")
    first.keyboard.type(" More.")
    first.click("#id_headline")
    first.wait_for_selector("[data-others]:not([hidden])")
    assert "editor" in first.inner_text("[data-others-names]")


def test_previews_carry_a_bar_and_links_can_be_copied(live_server, open_page, screenshot, cast):
    article = article_in("draft", cast, headline="Preview bar story")
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server.url, "editor")
    open_form(page, live_server.url, article)
    page.click("text=Create a preview link")
    page.wait_for_selector("[data-copy-link]")
    page.click("[data-copy-link]")
    page.wait_for_selector("[data-copy-link]:text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/preview/" in copied

    page.goto(live_server.url + reverse("reader:staff_preview", args=[article.pk]))
    assert page.locator(".preview-bar").is_visible()
    screenshot(page, "desk-staff-preview-bar")
    page.click("text=Back to the editor")
    page.wait_for_selector(BODY)

    reader = open_page()
    reader.goto(copied)
    assert "Preview — not published." in reader.inner_text(".preview-bar")
    assert reader.locator(".preview-bar a").count() == 0
