import pytest

from articles.models import Article
from tests.helpers.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_page_renders_in_chromium(live_server, page_factory, screenshot):
    article = make_article("Lantern walk returns to Pimlico", status=Article.Status.PUBLISHED)
    page = page_factory()
    response = page.goto(live_server.url + article.get_absolute_url())
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Lantern walk returns to Pimlico"
    assert screenshot(page, "smoke-article").exists()
