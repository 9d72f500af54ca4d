import pytest

from articles.models import Article, RegionTag, TopicTag
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.factories import make_author, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_writes_and_submits_editor_publishes_and_readers_see_it(live_server, page_factory, screenshot):
    RegionTag.objects.create(name="Westminster")
    RegionTag.objects.create(name="London")
    TopicTag.objects.create(name="Politics")
    make_user("Reporter", "amira", author=make_author("Amira Patel"), password=PASSWORD)
    make_user("Editor", "helen", password=PASSWORD)
    base = live_server.url

    # The reporter writes a new article in the prose editor and submits it.
    reporter = page_factory()
    log_in(reporter, base, "amira")
    reporter.goto(f"{base}/admin/articles/article/add/")
    reporter.fill("#id_headline", "Westminster council delays bin strike talks")
    reporter.fill("#id_standfirst", "Talks between the council and crews move to next week.")
    screenshot(reporter, "workflow-reporter-add-form")
    reporter.locator(".field-body [contenteditable='true']").first.focus()
    reporter.keyboard.type("The politics of the bin strike took another turn in Westminster on Monday.")
    # Suggested tags come from the text as it is written; one click adds each.
    reporter.locator(".tag-suggestion[data-name='Westminster']").click(timeout=15000)
    reporter.locator(".tag-suggestion[data-name='Politics']").click(timeout=15000)
    assert reporter.locator("#id_regions option:checked").all_inner_texts() == ["Westminster"]
    reporter.click("input[name=_continue]")
    reporter.wait_for_selector(".workflow-panel")
    article = Article.objects.get(headline="Westminster council delays bin strike talks")
    assert "<p>The politics of the bin strike" in article.body
    assert article.authors[0].name == "Amira Patel"
    assert reporter.locator(".workflow-button").all_inner_texts() == ["Submit for review"]
    screenshot(reporter, "workflow-reporter-change-form")
    reporter.click(".workflow-button--submit")
    reporter.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    # The editor, in a separate browser context, reviews and publishes it.
    editor = page_factory()
    log_in(editor, base, "helen")
    editor.goto(f"{base}/admin/articles/article/")
    assert editor.locator(".badge--in_review").count() == 1
    screenshot(editor, "workflow-admin-list-before")
    editor.click(f"text={article.headline}")
    editor.wait_for_selector(".workflow-panel")
    assert set(editor.locator(".workflow-button").all_inner_texts()) == {"Request changes", "Publish"}
    screenshot(editor, "workflow-editor-change-form")
    editor.click(".workflow-button--publish")
    editor.wait_for_selector(".messagelist")
    assert "is now live" in editor.locator(".messagelist").inner_text()
    editor.goto(f"{base}/admin/articles/article/")
    assert editor.locator(".badge--live").count() == 1
    screenshot(editor, "workflow-admin-list")

    # Readers see it at its public address.
    reader = page_factory()
    response = reader.goto(base + Article.objects.get(pk=article.pk).get_absolute_url())
    assert response.status == 200
    assert reader.locator("h1").inner_text() == "Westminster council delays bin strike talks"
    assert "politics of the bin strike" in reader.locator(".story__body").inner_text()
