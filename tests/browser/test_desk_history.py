"""Safe history in Chromium: a restore of a live story is asked first and keeps its address; a deleted story
comes back from the trash with its corrections and history, unpublished; unpublishing is asked first."""

import pytest
import reversion

from articles import services
from articles.models import Article, Correction
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keep_version(article, user, comment=""):
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(Article.objects.get(pk=article.pk))


def csp_errors(page):
    """Collects the page's console errors about the Content-Security-Policy."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    return errors


def test_restoring_a_live_story_asks_first_takes_a_correction_and_keeps_its_address(
    live_server, page_factory, screenshot
):
    editor_user = make_user("Editor", "helen", password=PASSWORD)
    author = make_author("Amira Patel")
    article = make_article("Lantern walk in Pimlico", slug="lantern-walk-draft", authors=[author], user=editor_user)
    keep_version(article, editor_user, "First draft.")
    Article.objects.filter(pk=article.pk).update(slug="lantern-walk-in-pimlico")
    services.article_publish(article=article, user=editor_user)
    Article.objects.filter(pk=article.pk).update(headline="Lantern walk moves to Sunday")
    keep_version(article, editor_user)  # no comment: the history still labels the row
    base = live_server.url

    page = page_factory()
    log_in(page, base, "helen")
    page.goto(f"{base}/admin/articles/article/{article.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 2
    assert all(text.strip() for text in page.locator(".history-action").all_inner_texts())
    assert "Changed headline" in rows.nth(0).inner_text()  # newest first
    screenshot(page, "desk-history-list")
    rows.nth(1).locator("th a").click()
    page.click(".restore-link")
    page.wait_for_selector(".restore-confirm")
    assert "This story is live" in page.inner_text(".restore-confirm")
    assert "its address stays" in page.inner_text(".restore-confirm")
    # Nothing has changed yet: this page only asks.
    assert Article.objects.get(pk=article.pk).headline == "Lantern walk moves to Sunday"

    page.click(".restore-confirm-button")
    page.wait_for_selector(".errorlist")
    assert "choose whether to log a correction" in page.inner_text(".restore-form")
    assert Article.objects.get(pk=article.pk).headline == "Lantern walk moves to Sunday"
    page.select_option("select[name=correction_kind]", "correction")
    page.fill("textarea[name=correction_text]", "We briefly gave the wrong day.")
    screenshot(page, "desk-history-restore-confirm")
    page.click(".restore-confirm-button")
    page.wait_for_selector(".messagelist")
    assert "restored as the newest version" in page.inner_text(".messagelist")

    restored = Article.objects.get(pk=article.pk)
    assert restored.headline == "Lantern walk in Pimlico"
    assert restored.slug == "lantern-walk-in-pimlico"  # the draft's old address is not brought back
    assert restored.is_live
    assert Correction.objects.get(article=restored).text == "We briefly gave the wrong day."
    assert page.goto(base + restored.get_absolute_url()).status == 200


def test_delete_then_recover_keeps_corrections_and_history_and_comes_back_unpublished(
    live_server, page_factory, screenshot
):
    editor_user = make_user("Editor", "helen", password=PASSWORD)
    make_user("Reporter", "amira", password=PASSWORD)
    article = make_article("Towpath reopens after repairs", authors=[make_author("Amira Patel")], user=editor_user)
    services.article_publish(article=article, user=editor_user, comment="Checked with the council.")
    services.correction_add(article=article, user=editor_user, kind="correction", text="The towpath is 2km long.")
    base = live_server.url

    reporter = page_factory()
    log_in(reporter, base, "amira")
    reporter.goto(f"{base}/admin/articles/article/")
    assert reporter.locator("text=Recover deleted stories").count() == 0

    page = page_factory()
    errors = csp_errors(page)
    log_in(page, base, "helen")
    page.goto(f"{base}/admin/articles/article/{article.pk}/delete/")
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert not Article.objects.filter(pk=article.pk).exists()

    page.click("text=Recover deleted stories")
    assert "Towpath reopens after repairs" in page.inner_text("#change-history")
    page.click("#change-history tbody a")
    # The rich-text editor loads under the CSP: the body is editable text, not raw HTML.
    body = page.locator(".field-body [contenteditable='true']").first
    body.wait_for(timeout=15000)
    assert "Body text." in body.inner_text() and "<p>" not in body.inner_text()
    assert "unpublished" in page.inner_text(".recover-note")
    screenshot(page, "desk-history-recover-form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert not errors, errors

    story = Article.objects.get(pk=article.pk)
    assert story.status == Article.Status.UNPUBLISHED
    assert story.corrections.get().text == "The towpath is 2km long."
    assert story.transitions.filter(comment="Checked with the council.").exists()
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    assert "Unpublished" in page.inner_text(".workflow-panel h2")
    assert "The towpath is 2km long." in page.inner_text("#corrections-heading + ol")
    history = page.inner_text(".transition-log")
    assert "Checked with the council." in history and "Recovered from the trash" in history
    screenshot(page, "desk-history-recovered")


def test_unpublishing_asks_first_one_story_or_many(live_server, page_factory, screenshot):
    editor_user = make_user("Editor", "helen", password=PASSWORD)
    author = make_author("Amira Patel")
    one, two = (
        services.article_publish(article=make_article(headline, authors=[author]), user=editor_user)
        for headline in ("Night bus route changes", "Library extends hours")
    )
    base = live_server.url
    page = page_factory()
    log_in(page, base, "helen")

    page.goto(f"{base}/admin/articles/article/{one.pk}/change/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(".workflow-button--unpublish")
    page.wait_for_timeout(500)
    assert Article.objects.get(pk=one.pk).is_live
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".workflow-button--unpublish")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=one.pk).status == Article.Status.UNPUBLISHED

    page.goto(f"{base}/admin/articles/article/")
    page.check(f"input[name=_selected_action][value='{two.pk}']")
    page.select_option("select[name=action]", "unpublish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".unpublish-confirm")
    assert "Library extends hours" in page.inner_text(".unpublish-confirm")
    assert Article.objects.get(pk=two.pk).is_live
    screenshot(page, "desk-history-unpublish-confirm")
    page.click(".unpublish-confirm-button")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=two.pk).status == Article.Status.UNPUBLISHED
    assert "unpublished" in page.inner_text(".messagelist")
