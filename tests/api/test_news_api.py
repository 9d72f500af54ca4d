"""The read-only ninjs news API: items, the filtered list and its cursors, the not-live rule, caching, CORS."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from articles.services import article_publish, article_take_down, article_unpublish
from tests.helpers.caches import clear_caches
from tests.helpers.factories import make_article, make_author
from tests.helpers.workflow_helpers import article_in, make_cast

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"


def item_url(article):
    return f"{ITEMS}{article.pk}/"


def live_story(headline, minutes_ago=5, **fields):
    return make_article(
        headline,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def assert_valid(validator, item):
    errors = sorted(validator.iter_errors(item), key=lambda error: list(error.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors]
    for name in ("firstCreated", "versionCreated"):
        assert parse_datetime(item[name]).tzinfo is not None, name


def test_an_item_is_a_valid_ninjs_document_with_everything_the_story_shows(client, ninjs_validator):
    author = make_author("Nadia Okafor")
    article = live_story(
        "Pimlico market reopens",
        standfirst="Traders return after the repairs.",
        body="<p>First &amp; foremost.</p><p>Second <strong>paragraph</strong>.</p>",
        authors=[author],
        regions=["Pimlico"],
        topics=["Business"],
        source_attribution="citing council minutes",
    )
    response = client.get(item_url(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    item = response.json()
    assert_valid(ninjs_validator, item)
    assert item["uri"] == f"http://testserver{item_url(article)}"
    assert item["type"] == "text"
    assert item["version"] == str(article.version)
    assert item["headlines"] == [{"role": "main", "contentType": "text/plain", "value": "Pimlico market reopens"}]
    html_body, text_body = item["bodies"]
    assert html_body["contentType"] == "text/html" and "<strong>paragraph</strong>" in html_body["value"]
    assert text_body == {"role": "main", "contentType": "text/plain", "value": "First & foremost.\n\nSecond paragraph."}
    assert item["descriptions"][0]["value"] == "Traders return after the repairs."
    assert item["by"] == "Nadia Okafor"
    assert item["people"] == [
        {"name": "Nadia Okafor", "rel": "author", "uri": "http://testserver/author/nadia-okafor/"}
    ]
    assert {(s["rel"], s["name"], s["uri"]) for s in item["subjects"]} == {
        ("region", "Pimlico", "http://testserver/region/pimlico/"),
        ("topic", "Business", "http://testserver/topic/business/"),
    }
    assert item["infoSources"] == [{"name": "citing council minutes", "role": "source"}]
    assert item["language"] == "en" and item["copyrightHolder"] == "The WP Times"
    assert item["renditions"][0]["href"] == f"http://testserver{article.get_absolute_url()}"


def test_the_hero_image_comes_as_a_picture_with_its_renditions(client, ninjs_validator, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.services import article_save
    from tests.helpers.images import image_bytes

    cast = make_cast()
    article = article_in("published", cast, headline="Story with a picture")
    article.hero_image = SimpleUploadedFile("market.jpg", image_bytes("JPEG", size=(1300, 650)))
    article.hero_caption, article.hero_credit, article.hero_alt = "The market", "Jo Lens", "Stalls in the rain"
    article_save(article=article, user=cast["editor"])
    item = client.get(item_url(article)).json()
    assert_valid(ninjs_validator, item)
    (picture,) = item["associations"]
    assert picture["type"] == "picture" and picture["by"] == "Jo Lens"
    assert {d["role"]: d["value"] for d in picture["descriptions"]} == {
        "caption": "The market",
        "alt": "Stalls in the rain",
    }
    widths = sorted({r["width"] for r in picture["renditions"]})
    assert widths == [480, 800, 1200, 1300]
    assert all(
        r["href"].startswith("http://testserver/") and r["height"] == r["width"] // 2 for r in picture["renditions"]
    )


def test_the_list_is_newest_first_every_item_valid_and_paged_by_cursor(client, ninjs_validator):
    stories = [live_story(f"Story {n}", minutes_ago=60 - n) for n in range(7)]
    seen, url = [], f"{ITEMS}?limit=3"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.json()
        for item in page["items"]:
            assert_valid(ninjs_validator, item)
        seen += [item["headlines"][0]["value"] for item in page["items"]]
        url = page["next"]
        assert url is None or url.startswith("http://testserver/api/v1/items/?limit=3&cursor=")
    assert seen == [story.headline for story in reversed(stories)]


def test_the_list_filters_by_region_topic_author_and_time(client):
    writer = make_author("Sam Reed")
    old = live_story("Old Pimlico story", minutes_ago=600, regions=["Pimlico"], topics=["Culture"])
    live_story("New Pimlico story", minutes_ago=5, regions=["Pimlico"], topics=["Politics"], authors=[writer])
    live_story("London story", minutes_ago=10, regions=["London"], topics=["Culture"])

    def headlines(query):
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.content
        return [item["headlines"][0]["value"] for item in response.json()["items"]]

    assert headlines("region=pimlico") == ["New Pimlico story", "Old Pimlico story"]
    assert headlines("topic=culture") == ["London story", "Old Pimlico story"]
    assert headlines("region=pimlico&topic=culture") == ["Old Pimlico story"]
    assert headlines("author=sam-reed") == ["New Pimlico story"]
    since = (timezone.now() - timedelta(minutes=60)).isoformat()
    assert headlines(f"region=pimlico&since={since.replace('+', '%2B')}") == ["New Pimlico story"]
    until = (old.publish_at + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert headlines(f"until={until}") == ["Old Pimlico story"]
    assert headlines("since=2000-01-01T00:00:00Z&region=nowhere") == []
    assert headlines("author=nobody-at-all") == []
    # Beyond what UTC can hold: after (or before) every story.
    assert headlines("since=9999-12-31T23:59:59-23:59") == []
    assert len(headlines("since=0001-01-01T00:00:00%2B01:00")) == 3


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=ten",
        "limit=%D9%A3",
        "limit=",
        "since=yesterday",
        "since=2026-05-01",
        "until=2026-02-30T10:00:00Z",
        "until=",
        "cursor=nonsense",
        "cursor=12_",
        "region=" + "x" * 300,
        "topic=a%00b",
        "author=caf%C3%A9",
        "region=",
    ],
)
def test_a_bad_parameter_is_a_400_that_says_which(client, query):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert name in response.json()["error"]


def test_nothing_that_is_not_live_is_in_the_api(client):
    """The not-live matrix for the API: every hidden state, by id and in every list it would be on."""
    now = timezone.now()
    states = {
        "draft": (Article.Status.DRAFT, None),
        "in_review": (Article.Status.IN_REVIEW, None),
        "scheduled": (Article.Status.PUBLISHED, now + timedelta(hours=3)),
        "embargoed": (Article.Status.PUBLISHED, now - timedelta(hours=1)),
        "unpublished": (Article.Status.UNPUBLISHED, now - timedelta(days=1)),
        "taken_down": (Article.Status.TAKEN_DOWN, now - timedelta(days=1)),
    }
    shared = make_author("Shared Reporter")
    hidden = {}
    for state, (status, publish_at) in states.items():
        word = f"zq{state.replace('_', '')}word"
        hidden[state] = make_article(
            f"Hidden {word} story",
            body=f"<p>Body {word}</p>",
            status=status,
            publish_at=publish_at,
            authors=[shared, make_author(f"Only {state} writer")],
            regions=["Pimlico", f"Only {state} region"],
            topics=["Culture", f"Only {state} topic"],
        )
    Article.objects.filter(pk=hidden["embargoed"].pk).update(embargo_ends_at=now + timedelta(hours=2))
    live = live_story("Visible lantern story", authors=[shared], regions=["Pimlico"], topics=["Culture"])

    lists = ["", "region=pimlico", "topic=culture", "author=shared-reporter", "since=2000-01-01"]
    for state in states:
        slug = state.replace("_", "-")
        lists += [f"region=only-{slug}-region", f"topic=only-{slug}-topic", f"author=only-{slug}-writer"]
    for query in lists:
        body = client.get(f"{ITEMS}?{query}").content.decode()
        for state, article in hidden.items():
            assert "Hidden" not in body and f"/{article.pk}/" not in body, (state, query)
            assert f"Only {state.replace('_', ' ')}" not in body, (state, query)
    assert [item["headlines"][0]["value"] for item in client.get(ITEMS).json()["items"]] == [live.headline]
    for state, article in hidden.items():
        response = client.get(item_url(article))
        assert response.status_code == (410 if state == "taken_down" else 404), state
        assert "Hidden" not in response.content.decode()


def test_etag_and_last_modified_answer_a_conditional_request_with_304(client):
    article = live_story("Conditional story")
    response = client.get(item_url(article))
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(item_url(article), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(item_url(article), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    listing = client.get(ITEMS)
    assert client.get(ITEMS, HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_any_origin_may_read_and_only_read(client):
    article = live_story("Shared story")
    for url in (ITEMS, item_url(article), "/api/v1/openapi.json", f"{ITEMS}?limit=0", f"{ITEMS}99999/"):
        response = client.get(url, HTTP_ORIGIN="https://partner.example")
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response.get("Access-Control-Expose-Headers", ""), url
    preflight = client.options(ITEMS, HTTP_ORIGIN="https://partner.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(ITEMS)
        assert response.status_code == 405, method
        assert "Access-Control-Allow-Origin" not in response


def test_the_page_cache_serves_the_api_and_forgets_exactly_what_changed(page_cache, django_capture_on_commit_callbacks):
    cast = make_cast()
    editor = cast["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        first = article_in("published", cast, headline="First cached story", regions=["Pimlico"])
        other = article_in("published", cast, headline="Other cached story", regions=["London"])
    reader = Client()
    for url in (ITEMS, item_url(first), f"{ITEMS}?region=london"):
        assert reader.get(url)["X-Page-Cache"] == "miss", url
        hit = reader.get(url)
        assert hit["X-Page-Cache"] == "hit", url
        assert hit["Access-Control-Allow-Origin"] == "*"
        assert "max-age" in hit["Cache-Control"] and "public" in hit["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=first, user=editor)
    assert reader.get(item_url(first)).status_code == 404
    assert "First cached story" not in reader.get(ITEMS).content.decode()
    # London's list showed nothing that changed.
    assert reader.get(f"{ITEMS}?region=london")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=Article.objects.get(pk=first.pk), user=editor)
    assert "First cached story" in reader.get(ITEMS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article_take_down(article=other, user=editor, comment="A court order.")
    assert reader.get(item_url(other)).status_code == 410
    assert "Other cached story" not in reader.get(f"{ITEMS}?region=london").content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_cold_query_budget_does_not_grow_with_the_archive(client, size):
    stories = [live_story(f"Budget story {n}", minutes_ago=n + 1, regions=["Pimlico"]) for n in range(size)]
    budgets = {ITEMS: 3, f"{ITEMS}?region=pimlico&limit=50": 4, item_url(stories[0]): 1}
    for url, budget in budgets.items():
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= budget, (url, [q["sql"] for q in queries])


def test_the_openapi_description_is_served_and_names_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert description["openapi"].startswith("3.")
    assert set(description["paths"]) == {"/items/", "/items/{id}/"}
    assert {p["name"] for p in description["paths"]["/items/"]["get"]["parameters"]} == {
        "region",
        "topic",
        "author",
        "since",
        "until",
        "cursor",
        "limit",
    }
