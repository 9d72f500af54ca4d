"""Real concurrency on PostgreSQL: separate processes, each with its own connection, racing through the admin.

SQLite serialises every writer on one file lock, so these races only mean
something on PostgreSQL; CI runs the suite on both databases.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from reversion.models import Version

from articles.models import Article, ArticleTransition
from tests.helpers.desk_process import BARRIER_LOCK
from tests.helpers.workflow_helpers import article_in, make_cast, snapshot

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (row locks between real connections); run with DATABASE_URL=postgres://…",
    ),
]

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 60


def side_connection():
    """A connection of our own to the test database, outside Django's, in autocommit mode."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def database_url():
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


def start(scenario, **payload):
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "0", "PAGE_CACHE": "0", "LOG_LEVEL": "CRITICAL"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.desk_process", scenario, json.dumps(payload)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result_of(process):
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr[-3000:]
    return json.loads(stdout.strip().splitlines()[-1])


def wait_for(side, sql, done, what):
    """Poll a query on the side connection until done(row) holds; return that row."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        row = side.execute(sql).fetchone()
        if done(row):
            return row
        time.sleep(0.05)
    activity = side.execute("SELECT pid, wait_event_type, state, left(query, 100) FROM pg_stat_activity").fetchall()
    pytest.fail(f"timed out waiting for {what}; connections: {activity}")


def race(scenario, payloads):
    """Start one process per payload, hold them at the barrier until all wait there, then let go at once."""
    with side_connection() as side:
        side.execute("SELECT pg_advisory_lock(%s)", [BARRIER_LOCK])
        processes = [start(scenario, **payload) for payload in payloads]
        try:
            wait_for(
                side,
                f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {BARRIER_LOCK} AND NOT granted",
                lambda row: row == (len(payloads),),
                "every process to reach the barrier",
            )
        finally:
            side.execute("SELECT pg_advisory_unlock(%s)", [BARRIER_LOCK])
        return [result_of(process) for process in processes]


def test_two_editors_saving_at_once_one_wins_the_other_is_told_and_keeps_their_text():
    cast = make_cast()
    second_editor = make_cast_editor()
    article = article_in("draft", cast, headline="Original headline")
    results = race(
        "save",
        [
            {"user": cast["editor"].pk, "article": article.pk, "headline": "Headline from Ann", "text": "Ann wrote"},
            {"user": second_editor.pk, "article": article.pk, "headline": "Headline from Bob", "text": "Bob wrote"},
        ],
    )
    winners = [r for r in results if r["status"] == 302]
    losers = [r for r in results if r["status"] == 200]
    assert len(winners) == 1 and len(losers) == 1, results
    loser = losers[0]
    assert loser["told"] and loser["kept_headline"] and loser["kept_text"], loser
    article.refresh_from_db()
    assert article.version == 2
    winner_name = "Ann" if results[0]["status"] == 302 else "Bob"
    assert article.headline == f"Headline from {winner_name}"
    assert f"{winner_name} wrote" in article.body
    assert Version.objects.get_for_object(article).count() == 1


def make_cast_editor():
    from tests.helpers.factories import make_user

    return make_user("Editor", "second_editor")


@pytest.mark.parametrize("clicks", [2, 4])
def test_concurrent_publishes_make_one_transition_and_one_history_entry(clicks):
    cast = make_cast()
    article = article_in("in_review", cast)
    transitions_before = ArticleTransition.objects.filter(article=article).count()
    editors = [cast["editor"], cast["admin"]]
    results = race("publish", [{"user": editors[i % 2].pk, "article": article.pk} for i in range(clicks)])
    # Every click comes back to the change page; the late ones with a message, none with an error.
    assert [r["status"] for r in results] == [302] * clicks
    article.refresh_from_db()
    assert article.is_live
    published = ArticleTransition.objects.filter(article=article, to_status=Article.Status.PUBLISHED)
    assert published.count() == 1
    assert ArticleTransition.objects.filter(article=article).count() == transitions_before + 1


def test_a_connection_killed_inside_a_transition_rolls_everything_back_and_the_retry_works():
    cast = make_cast()
    article = article_in("in_review", cast)
    before = snapshot(article)
    versions_before = Version.objects.count()
    # Two connections of our own: one holds a lock in an open transaction; the other watches, outside any
    # transaction, since PostgreSQL shows a transaction the same pg_stat_activity snapshot throughout.
    with side_connection() as locker, side_connection() as watcher:
        # Hold the history table so the service stops after its first write (the article row), lock in hand.
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE articles_articletransition IN EXCLUSIVE MODE")
        process = start("drop", user=cast["editor"].pk, article=article.pk)
        try:
            (pid,) = wait_for(
                watcher,
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO \"articles_articletransition\"%'",
                lambda row: row is not None,
                "the transition to block after updating the article",
            )
            assert watcher.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
            wait_for(
                watcher,
                f"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}",
                lambda row: row == (0,),
                "the killed connection to go",
            )
            # Nothing of the killed transition survives (the retry, if already running, waits for our lock).
            assert snapshot(article) == before
            assert Version.objects.count() == versions_before
        except BaseException:
            process.kill()
            raise
        finally:
            locker.execute("COMMIT")
    result = result_of(process)
    # The killed request got the clean 503 page; the editor's retry published the article.
    assert result == {"first": 503, "first_retry_after": "10", "first_page": True, "second": 302}
    article.refresh_from_db()
    assert article.is_live
    assert ArticleTransition.objects.filter(article=article, to_status=Article.Status.PUBLISHED).count() == 1
    assert article.transitions.count() == before[-1] + 1
