"""Search on whichever database the suite runs on: PostgreSQL full-text, or the SQLite fallback."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def published(headline, *, hours_ago=1, **fields):
    return make_article(
        headline, status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


@pytest.fixture
def stories():
    in_body = published("Council news", hours_ago=1, standfirst="Short.", body="<p>The lantern parade was long.</p>")
    in_headline = published("Lantern walk returns", hours_ago=5, standfirst="A walk.", body="<p>Crowds.</p>")
    in_standfirst = published("Winter walk", hours_ago=3, standfirst="Lanterns light the square.", body="<p>Fine.</p>")
    unrelated = published("Budget vote", standfirst="Money.", body="<p>Councillors voted.</p>")
    draft = make_article("Lantern draft", standfirst="Lantern.", body="<p>Lantern.</p>")
    return in_headline, in_standfirst, in_body, unrelated, draft


def results(client, query, page=None):
    params = {"q": query} if page is None else {"q": query, "page": page}
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def test_headline_ranks_above_standfirst_above_body(client, stories):
    in_headline, in_standfirst, in_body, _unrelated, _draft = stories
    found = list(results(client, "lantern").context["article_ids"])
    assert found == [in_headline.pk, in_standfirst.pk, in_body.pk]


def test_every_word_must_match(client, stories):
    in_headline, *_ = stories
    assert list(results(client, "lantern walk returns").context["article_ids"]) == [in_headline.pk]
    assert list(results(client, "lantern budget").context["article_ids"]) == []


def test_html_markup_is_not_searched(client, stories):
    assert list(results(client, "strong").context["article_ids"]) == []
    published("Markup", body="<p><strong>Bold</strong> claim</p>")
    assert list(results(client, "strong").context["article_ids"]) == []


def test_search_matches_regardless_of_case(client, stories):
    in_headline, *_ = stories
    assert in_headline.pk in results(client, "LANTERN WALK").context["article_ids"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        "lantern " * 300,
        '"unclosed',
        "a & b | !c <-> d:*",
        "-lantern",
        "OR OR OR",
        "'; DROP TABLE articles_article; --",
        "%_%",
        "\x00\x01 lantern \u202e",
        "🏮",
        "the",
        "\\",
        "(((",
    ],
)
def test_odd_queries_get_a_normal_page(client, stories, query):
    response = results(client, query)
    assert "Search" in response.content.decode()


def test_empty_query_shows_a_prompt_not_every_article(client, stories):
    response = results(client, "")
    assert list(response.context["article_ids"]) == []
    assert "Type a word or two" in response.content.decode()


def test_search_is_paginated_and_keeps_the_query(client):
    for n in range(25):
        published(f"Lantern story {n}", hours_ago=n + 1)
    first = results(client, "lantern")
    assert len(first.context["article_ids"]) == 20
    assert 'rel="next" href="?q=lantern&amp;page=2"' in first.content.decode()
    assert len(results(client, "lantern", page=2).context["article_ids"]) == 5
    assert client.get("/search/", {"q": "lantern", "page": 3}).status_code == 404
    assert client.get("/search/", {"q": "lantern", "page": "x"}).status_code == 404


def test_search_page_is_not_indexed(client, stories):
    assert '<meta name="robots" content="noindex">' in results(client, "lantern").content.decode()


def test_postgres_search_uses_the_stored_vector_index_and_sqlite_the_fts_table(stories):
    # The search condition alone, so that only the search index can stand in for a table scan.
    queryset = search_articles(Article.objects.all(), "lantern")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "article_search_document_idx" in plan, plan
    else:
        assert connection.vendor == "sqlite"
        assert "articles_article_search" in str(queryset.query)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'article_search_idx'")
            assert cursor.fetchall() == []
