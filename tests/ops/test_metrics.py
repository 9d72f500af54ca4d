"""/metrics: Prometheus metrics for the operators' scraper only, never cached, adding no SQL to any page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from articles.models import Article
from ops.checks import check_metrics_token
from tests.helpers.factories import make_article
from tests.helpers.workflow_helpers import article_in, make_cast

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
TOKEN = "metrics-token-for-the-tests-0123456789"
VIEW_LATENCY = "django_http_requests_latency_seconds_by_view_method_count"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def samples(text):
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.status_code
    return samples(response.content.decode())


def value(scraped, name, **labels):
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("authorization", [None, "Bearer ", f"Bearer {TOKEN}"])
def test_metrics_is_404_while_no_token_is_configured(client, settings, authorization):
    settings.METRICS_TOKEN = ""
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    assert client.get("/metrics", **headers).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer jeton-chiffré-ünïcode",
        "Bearer " + "x" * 10_000,
    ],
)
def test_metrics_is_404_without_the_right_token(client, metrics_token, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"django_http" not in response.content


@pytest.mark.parametrize(("token", "warned"), [("", False), ("short-token", True), ("x" * 31, True), ("x" * 32, False)])
def test_deploy_check_warns_of_a_short_metrics_token(settings, token, warned):
    settings.METRICS_TOKEN = token
    assert [warning.id for warning in check_metrics_token()] == (["ops.W002"] if warned else [])


def test_a_refused_write_says_nothing_more_than_404(client, metrics_token):
    assert client.post("/metrics").status_code == 404
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_metrics_with_the_token_show_the_latency_of_a_view_just_requested(client, metrics_token):
    before = scrape(client)
    assert client.get("/healthz").status_code == 200
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    after = samples(response.content.decode())
    assert (
        value(after, VIEW_LATENCY, view="healthz", method="GET")
        == value(before, VIEW_LATENCY, view="healthz", method="GET") + 1
    )
    assert ("django_http_requests_latency_seconds_by_view_method_bucket", ()) not in after  # labelled by view


def test_page_cache_hits_and_misses_are_counted(client, page_cache, metrics_token):
    article = make_article("Pimlico market reopens", status=Article.Status.PUBLISHED)
    url = article.get_absolute_url()
    before = scrape(client)
    first = client.get(url)
    second = client.get(url)
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=second["ETag"])
    assert (first["X-Page-Cache"], second["X-Page-Cache"], revalidated.status_code) == ("miss", "hit", 304)
    after = scrape(client)
    moved = {
        outcome: value(after, "newsroom_page_cache_requests_total", outcome=outcome)
        - value(before, "newsroom_page_cache_requests_total", outcome=outcome)
        for outcome in ("hit", "stale", "miss")
    }
    # The 304 is a hit too, though it carries no X-Page-Cache header.
    assert moved == {"hit": 2, "stale": 0, "miss": 1}


def test_every_sql_statement_is_counted_and_the_metrics_add_none(client, metrics_token, django_assert_num_queries):
    make_article("Tachbrook Street traffic", status=Article.Status.PUBLISHED)
    before = scrape(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0):
        after = scrape(client)
    assert len(queries) > 0
    alias = connection.alias
    assert value(after, "newsroom_db_queries_total", alias=alias) - value(
        before, "newsroom_db_queries_total", alias=alias
    ) == len(queries)


def published(client):
    return value(scrape(client), "newsroom_articles_published_total")


def test_a_publish_through_the_service_is_counted_once_it_commits(
    client, metrics_token, django_capture_on_commit_callbacks
):
    cast = make_cast()
    start = published(client)
    with django_capture_on_commit_callbacks(execute=True):
        article_in("published", cast)
    assert published(client) == start + 1
    with django_capture_on_commit_callbacks(execute=True):
        article_in("scheduled", cast)
        article_in("in_review", cast)
        make_article("A draft")
    assert published(client) == start + 2  # scheduling is publishing; a draft or a submission is not


def test_a_publish_that_is_rolled_back_is_not_counted(client, metrics_token, django_capture_on_commit_callbacks):
    cast = make_cast()
    start = published(client)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        article_in("published", cast)
        raise RuntimeError("the request failed after the publish")
    assert published(client) == start


def test_the_metrics_are_never_stored_by_the_page_cache(client, page_cache, metrics_token):
    first = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    second = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "private" in second["Cache-Control"]
    # What a scrape returned is never served to anyone without the token, from the cache or otherwise.
    for _ in range(2):
        anonymous = client.get("/metrics")
        assert anonymous.status_code == 404 and "X-Page-Cache" not in anonymous


WORKER = """
import os, sys
import django
django.setup()
from django.test import Client
client = Client()
if sys.argv[1] == "request":
    assert client.get("/healthz").status_code == 200
else:
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + os.environ["METRICS_TOKEN"])
    sys.stdout.write(response.content.decode())
"""


def test_with_a_multiprocess_dir_the_metrics_add_up_every_worker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "METRICS_TOKEN": TOKEN,
    }

    def run(*args):
        result = subprocess.run(
            [sys.executable, "-c", WORKER, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("request")
    run("request")
    scraped = samples(run("scrape"))
    # Two worker processes answered /healthz once each; a third process reports both.
    assert value(scraped, VIEW_LATENCY, view="healthz", method="GET") == 2
    assert list(tmp_path.glob("*.db"))
