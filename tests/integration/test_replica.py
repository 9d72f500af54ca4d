"""A real PostgreSQL streaming replica behind the site: readers' pages read from it, and its lag never shows.

The fixture starts a primary and a replica (two clusters made with initdb and pg_basebackup, each
on a free port in a temporary folder) and the site in gunicorn with `DATABASE_REPLICA_URLS` and the
page cache on. The test pauses replay on the replica (`pg_wal_replay_pause()`), proves that pages
are read from it, then has an editor publish a story: every public page shows it at once, read back
from the primary, although the replica has not seen it. Then replay resumes.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.test import RequestFactory

from ops.replicas import reads_from_replica
from tests.helpers.pg_replica import primary_and_replica, wait_for_replay
from tests.integration.test_varnish import IGNORED_ENV, free_port, request

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT = 40

SEED = """
import json
from articles import services
from articles.models import Article
from tests.helpers.factories import make_article, make_user
editor = make_user("Editor", username="editor")
quiet = make_article("Quiet Monday in Pimlico", regions=["London"], topics=["Culture"])
bridge = make_article("Bridge reopens to walkers", regions=["London"], topics=["Culture"])
plan = make_article("Council backs the library plan", regions=["Pimlico"], topics=["Politics"])
for story in (quiet, bridge):
    services.article_publish(article=story, user=editor)
print(json.dumps({"quiet": quiet.pk, "bridge": bridge.pk, "plan": plan.pk}))
"""

PUBLISH = """
from articles import services
from articles.models import Article
from django.contrib.auth import get_user_model
story = Article.objects.get(pk={pk})
services.article_publish(article=story, user=get_user_model().objects.get(username="editor"))
print(story.get_absolute_url())
"""


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def site():
    try:
        clusters = primary_and_replica()
        primary, replica = clusters.__enter__()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot start a PostgreSQL primary and replica: {error}")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-site-"))
    process = None
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115  (closed below, after gunicorn stops)
    try:
        with primary.connect() as connection:
            connection.execute("CREATE DATABASE newsroom")
        env = {key: value for key, value in os.environ.items() if key not in IGNORED_ENV | {"REDIS_URL"}}
        env.update(
            DATABASE_URL=primary.url("newsroom"),
            DATABASE_REPLICA_URLS=replica.url("newsroom"),
            PAGE_CACHE="1",
            PAGE_CACHE_GENERATION_DIR=str(folder / "generation"),
            MEDIA_ROOT=str(folder / "media"),
            RELEASE="replica-test",
            DEBUG="0",
            CONN_MAX_AGE="0",
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        ids = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if request(port, "/robots.txt")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.3)
        yield {"port": port, "primary": primary, "replica": replica, "env": env, "ids": ids}
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
        log.close()
        clusters.__exit__(None, None, None)


def headline_on(cluster, pk):
    with cluster.connect("newsroom") as connection:
        return connection.execute("SELECT headline, status FROM articles_article WHERE id = %s", [pk]).fetchone()


def test_replica_lag_never_shows_after_a_publish(site):
    port, primary, replica, ids = site["port"], site["primary"], site["replica"], site["ids"]
    wait_for_replay(primary, replica)
    status, _headers, home = request(port, "/")
    assert status == 200 and "Quiet Monday in Pimlico" in home and "Council backs" not in home

    with replica.connect() as connection:
        connection.execute("SELECT pg_wal_replay_pause()")
    try:
        # Pages are read from the replica: a change written to the primary behind the site's back (announced to
        # nobody) does not show while replay is paused.
        with primary.connect("newsroom") as connection:
            connection.execute(
                "UPDATE articles_article SET headline = 'Bridge reopens (primary only)' WHERE id = %s", [ids["bridge"]]
            )
        time.sleep(0.5)
        with primary.connect("newsroom") as connection:
            slug = connection.execute("SELECT slug FROM articles_article WHERE id = %s", [ids["bridge"]]).fetchone()[0]
        page = request(port, f"/news/{slug}/")[2]
        assert "Bridge reopens to walkers" in page and "(primary only)" not in page

        # An editor publishes: every public page shows the story at once, although the replica has not seen it.
        url = manage(site["env"], "shell", "-c", PUBLISH.format(pk=ids["plan"])).strip().splitlines()[-1]
        assert headline_on(replica, ids["plan"])[1] != "published"
        headline = "Council backs the library plan"
        expected = {
            "/": headline,
            url: headline,
            "/region/pimlico/": headline,
            "/topic/politics/": headline,
            "/regions/": "/region/pimlico/",  # a section is listed only while it has a live story
            "/topics/": "/topic/politics/",
            "/feed/": headline,
            "/sitemap-news.xml": url,
            "/search/?q=library": headline,
        }
        for path, text in expected.items():
            status, _headers, body = request(port, path)
            assert status == 200, path
            assert text in body, path
        assert headline_on(replica, ids["plan"])[1] != "published"  # replay really was paused throughout
    finally:
        with replica.connect() as connection:
            connection.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(primary, replica)
    assert "Council backs the library plan" in request(port, "/")[2]


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("GET", "/", {}, True),
        ("HEAD", "/news/a-story/", {}, True),
        ("GET", "/admin/articles/article/", {}, False),
        ("GET", "/preview/abc/", {}, False),
        ("POST", "/newsletter/", {}, False),
        ("GET", "/", {"sessionid": "x"}, False),
    ],
)
def test_the_desk_writes_and_signed_in_people_read_from_the_primary(method, path, cookies, expected):
    request_ = RequestFactory().generic(method, path)
    request_.COOKIES.update(cookies)
    assert reads_from_replica(request_) is expected
