"""Search on whichever database the suite runs on: PostgreSQL full-text, or the SQLite fallback."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import planner, search, services
from articles.models import Article, ListingEntry
from articles.search import ranked_ids
from devtools.archive import generate_archive
from reader import selectors
from tests.helpers.factories import make_article, make_user

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


def test_equally_good_matches_are_newest_first(client):
    newest_but_added_first = published("Lantern fair", hours_ago=1)
    older = published("Lantern fair", hours_ago=5)
    newer = published("Lantern fair", hours_ago=2)
    found = results(client, "lantern").context["article_ids"]
    assert found == [newest_but_added_first.pk, newer.pk, older.pk]


def test_ids_come_in_the_order_of_the_ranked_rows_best_match_then_newest_then_highest_id(stories):
    """On PostgreSQL the ids are ordered by the database, the rows by the same rule; SQLite orders both alike."""
    moment = timezone.now() - timedelta(hours=2)
    twins = [make_article("Lantern fair", status=Article.Status.PUBLISHED, publish_at=moment) for _ in range(3)]
    rows = search.ranked("lantern")
    assert rows == sorted(rows, key=lambda row: (row[1], row[2], row[0]), reverse=True)
    assert ranked_ids("lantern") == [pk for pk, _rank, _moment in rows]
    shown = [pk for pk in ranked_ids("lantern") if pk in {twin.pk for twin in twins}]
    assert shown == sorted(shown, reverse=True) and len(shown) == 3


def test_search_page_is_not_indexed(client, stories):
    assert '<meta name="robots" content="noindex">' in results(client, "lantern").content.decode()


def test_only_the_newest_matches_are_ranked(client, stories, monkeypatch):
    _in_headline, in_standfirst, _in_body, _unrelated, _draft = stories
    # The two most recently added matches are the draft and in_standfirst; only the live one is shown.
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 2)
    assert list(results(client, "lantern").context["article_ids"]) == [in_standfirst.pk]


def test_a_repeated_search_reads_only_the_page_it_shows(client, stories, settings, django_assert_num_queries):
    in_headline, in_standfirst, in_body, _unrelated, _draft = stories
    first = results(client, "lantern")
    # The ranked ids and the rendered cards are both remembered: no search, no count, no rows.
    with django_assert_num_queries(0):
        again = results(client, "lantern")
    assert again.context["article_ids"] == [in_headline.pk, in_standfirst.pk, in_body.pk]
    assert again.content == first.content


def test_a_publish_shows_up_in_a_remembered_search(client, stories, settings, django_capture_on_commit_callbacks):
    assert results(client, "lantern").context["paginator"].count == 3
    draft = stories[-1]
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, user=make_user("Editor"))
    response = results(client, "lantern")
    assert response.context["paginator"].count == 4
    assert draft.pk in response.context["article_ids"]


def test_the_results_cards_read_their_rows_by_primary_key(stories):
    ids = ranked_ids("lantern")
    with CaptureQueriesContext(connection) as queries:
        assert len(selectors.card_rows(ids)) == 3
    (rows,) = [query["sql"] for query in queries.captured_queries]
    assert rows.startswith('SELECT "articles_article"."id"'), rows
    if connection.vendor == "sqlite":
        # A filter on the live columns would send SQLite down the live-order index past every live article.
        assert explain(rows).splitlines() == ["SEARCH articles_article USING INTEGER PRIMARY KEY (rowid=?)"]


def explain(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


def test_postgres_search_uses_the_stored_vector_index_and_sqlite_the_fts_table(stories):
    with CaptureQueriesContext(connection) as queries:
        assert ranked_ids("lantern")
    # On PostgreSQL the search is preceded by the planner's estimate of its matches (below).
    query = queries.captured_queries[-1]
    assert len(queries) == (2 if connection.vendor == "postgresql" else 1)
    plan = explain(query["sql"])
    # Candidates come from the search index alone, never from a walk of the live articles.
    assert "article_live_order_idx" not in plan, plan
    if connection.vendor == "postgresql":
        assert "article_search_document_idx" in plan, plan
    else:
        assert connection.vendor == "sqlite"
        steps = [step for step in plan.splitlines() if step.startswith(("SCAN", "SEARCH"))]
        # The FTS index's own newest matches drive the query, each then one probe of its live entry on the list
        # of every story: no article row is read.
        assert steps[0].startswith("SCAN articles_article_search VIRTUAL TABLE"), plan
        assert not [step for step in steps if "articles_article " in f"{step} "], plan
        # The rank: whether each column holds the query, read from the FTS index within the candidates' range.
        assert len([step for step in steps if step.startswith("SCAN articles_article_search")]) == 4, plan
        (probe,) = [step for step in steps if step.startswith("SEARCH entry")]
        assert probe.startswith("SEARCH entry USING INDEX"), plan
        assert probe.endswith("(article_id=? AND kind=? AND key=?)"), plan
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'article_search_idx'")
            assert cursor.fetchall() == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans; run with DATABASE_URL=postgres://…")
def test_the_newest_matches_are_read_by_the_cheaper_plan_for_how_many_stories_match(monkeypatch):
    """A word in most stories: walk the stories newest first and stop at the candidates. A word in few: collect
    them from the search index, where a walk would test CANDIDATES x stories / matches vectors to find them."""
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 20)
    generate_archive(articles=1_000, seed=8)
    planner.refresh_statistics()
    for word, in_most in [("council", True), ("embassy", False)]:
        matches = Article.objects.alias(search=search.stored_search_document()).filter(
            search=search._postgres_query(word)
        )
        assert (matches.count() > 500) == in_most
        newest = search._newest_matches(matches)
        plan = plan_as_run(*newest.query.sql_with_params())
        assert ("Index Scan Backward using articles_article_pkey" in plan) == in_most, plan
        assert [row["pk"] for row in newest] == list(matches.order_by("-pk").values_list("pk", flat=True)[:20])


def plan_as_run(sql, params=None):
    """PostgreSQL's plan for sql with no planner setting changed (unlike `explain()`), the values written in."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {connection.ops.compose_sql(sql, params)}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans; run with DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
def test_a_candidate_is_known_live_from_its_own_row_with_no_lookup_per_candidate():
    """When each candidate went live is worked out from its own columns: no subquery per candidate, which on a
    small vacuumed archive PostgreSQL answered by scanning the list of every story for each (the search 4 times
    slower at 1,000 stories than at 100,000). Only the live ones are kept, with the moment their entry has."""
    generate_archive(articles=1_000, seed=8)  # ends with VACUUM ANALYZE, outside any transaction here
    with CaptureQueriesContext(connection) as queries:
        rows = search.ranked("council")
    plan = plan_as_run(queries.captured_queries[-1]["sql"])
    assert "SubPlan" not in plan and "articles_listingentry" not in plan, plan
    entries = dict(ListingEntry.objects.live().of(ListingEntry.Kind.ALL).values_list("article_id", "public_at"))
    assert rows and {pk: moment for pk, _rank, moment in rows}.items() <= entries.items()
