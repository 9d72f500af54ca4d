"""In Chromium: an editor uploads wire copy, previews it, makes a draft with one click; a story taken down
answers readers with its short notice."""

import pytest

from articles.models import Article, RegionTag, TopicTag, WireItem
from articles.services import article_publish, article_take_down
from tests.helpers.desk_browser import PASSWORD, log_in
from tests.helpers.factories import make_article, make_author, make_footer, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_takes_wire_copy_from_upload_to_draft(
    live_server, page_factory, screenshot, seed_file, outlet_tagline
):
    make_user("Editor", "helen", password=PASSWORD)
    make_footer(name="Site tagline", tagline=outlet_tagline, is_default=True, teaser_text="Something else")
    RegionTag.objects.create(name="Turkey")
    TopicTag.objects.create(name="Defence")
    base = live_server.url
    page = page_factory()
    log_in(page, base, "helen")

    page.goto(f"{base}/admin/articles/wireitem/")
    page.click("text=Upload wire copy")
    page.set_input_files("#id_files", str(seed_file))
    page.fill("#id_source", "The WP Times wire")
    page.select_option("#id_regions", label="Turkey")
    page.select_option("#id_topics", label="Defence")
    screenshot(page, "wire-upload")
    page.click("input[type=submit][value=Upload]")
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "wire-list")
    item = WireItem.objects.get()
    assert item.headline in page.content()

    page.click("#result_list tbody a")
    page.wait_for_selector(".wire-preview")
    assert page.locator(".wire-preview p").count() == 6
    screenshot(page, "wire-preview")
    page.click("button:has-text('Make a draft')")
    page.wait_for_url("**/admin/articles/article/*/change/")
    article = Article.objects.get()
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert page.input_value("#id_headline") == item.headline
    assert article.source_attribution == "The WP Times wire"
    assert article.promo_footer.tagline == outlet_tagline
    screenshot(page, "wire-draft")


def test_a_story_taken_down_tells_readers_it_is_gone(live_server, page_factory, screenshot):
    editor = make_user("Editor", "helen", password=PASSWORD)
    article = make_article("Contested council story", authors=[make_author("Sam Reed")], user=editor)
    article_take_down(article=article_publish(article=article, user=editor), user=editor, comment="A court order.")
    page = page_factory()
    response = page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert response.status == 410
    assert "This story has been removed" in page.content()
    assert "Contested council story" not in page.content()
    screenshot(page, "story-taken-down")
