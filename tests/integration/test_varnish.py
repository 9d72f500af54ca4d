"""A real Varnish (deploy/varnish.vcl) in front of a real gunicorn, as in production.

The site runs in its own process on the test database with the page cache on;
the test's own writes (through `articles.services`) purge the same Varnish, as
the desk's would. Every check is an HTTP request to Varnish.
"""

import gzip
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, RegionTag
from tests.helpers.factories import make_article, make_user

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
VCL = PROJECT_DIR / "deploy" / "varnish.vcl"
VARNISHD = Path("/usr/sbin/varnishd")
# Starting a process, and how long a purge may take to show through Varnish.
START_TIMEOUT = 30
PURGE_SECONDS = 1.0
# Nothing the test session set for itself leaks into the site's process.
IGNORED_ENV = {"DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "NEWSROOM_ENV"}
TAG_HEADERS = ("xkey", "surrogate-key", "cache-tag")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, path, method="GET", headers=None):
    """(status, headers with lower-case names, body) of one request to 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        conn.close()


def log_tail(path):
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


class Process:
    """A server process started by a fixture, its output in a log file; stop() is safe to call twice."""

    def __init__(self, name, command, log, **kwargs):
        self.name, self.log = name, log
        self._log_file = log.open("w")
        try:
            self.process = subprocess.Popen(command, stdout=self._log_file, stderr=subprocess.STDOUT, **kwargs)
        except BaseException:
            self._log_file.close()
            raise

    def wait_until(self, ready):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{log_tail(self.log)}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"{self.name} not ready after {START_TIMEOUT} s:\n{log_tail(self.log)}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log_file.close()


@pytest.fixture
def vcl(tmp_path):
    """deploy/varnish.vcl with the backend on a free port, checked by compiling it."""
    if not VARNISHD.exists():
        pytest.skip(f"Varnish is not installed at {VARNISHD} (apt-get install varnish varnish-modules)")
    port = free_port()
    text = VCL.read_text()
    assert '.port = "8000";' in text, "deploy/varnish.vcl no longer names its backend port as the test expects"
    path = tmp_path / "varnish.vcl"
    path.write_text(text.replace('.port = "8000";', f'.port = "{port}";'))
    compiled = subprocess.run(
        [str(VARNISHD), "-C", "-j", "none", "-f", str(path), "-n", str(tmp_path / "varnish-check")],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    if compiled.returncode != 0 and "xkey" in compiled.stderr:
        pytest.skip("Varnish's xkey module is missing (apt-get install varnish-modules)")
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    return path, port


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """DATABASE_URL of the test database for the site's process.

    PostgreSQL: the test database itself. SQLite: the in-memory test database
    cannot be opened by another process, so it is copied to a file and the
    test's connection points there until the test ends.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        yield (
            f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
            f"/{settings['NAME']}"
        )
        return
    if not connection.is_in_memory_db():
        yield f"sqlite:///{settings['NAME']}"
        return
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    saved_name, kept = settings["NAME"], connection.connection
    connection.connection = None
    settings["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings["NAME"] = saved_name
        connection.connection = kept


@pytest.fixture
def varnish_port():
    return free_port()


@pytest.fixture
def origin(vcl, varnish_port, shared_database, settings, tmp_path):
    """gunicorn serving the site on the VCL's backend port, with the page cache on."""
    _path, port = vcl
    env = {key: value for key, value in os.environ.items() if key not in IGNORED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=shared_database,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PAGE_CACHE="1",
        VARNISH_PURGE_URLS=f"http://127.0.0.1:{varnish_port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    generation = settings.CACHES["page_generation"]
    if generation["BACKEND"].endswith("FileBasedCache"):
        # The test's own writes invalidate the site's page cache too, through the shared token.
        env["PAGE_CACHE_GENERATION_DIR"] = generation["LOCATION"]
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = Process("gunicorn", command, tmp_path / "gunicorn.log", cwd=PROJECT_DIR, env=env)
    server.port = port
    try:
        server.wait_until(lambda: request(port, "/robots.txt")[0] == 200)
        yield server
    finally:
        server.stop()


@pytest.fixture
def varnish(vcl, varnish_port, origin, settings, tmp_path):
    """varnishd with deploy/varnish.vcl in front of the origin; the test's writes purge it."""
    path, _backend_port = vcl
    command = [
        str(VARNISHD),
        "-F",
        # No privilege separation: runs as whoever starts it, root or not, in a container too.
        *("-j", "none"),
        *("-n", str(tmp_path / "varnish")),
        *("-a", f"127.0.0.1:{varnish_port}"),
        *("-T", "none"),
        *("-f", str(path)),
        *("-s", "malloc,64m"),
        *("-p", "vsl_space=1m"),
    ]
    server = Process("varnishd", command, tmp_path / "varnishd.log")
    server.port = varnish_port
    try:
        server.wait_until(lambda: request(varnish_port, "/", "PURGE", {"xkey-purge": "nothing"})[0] == 200)
        settings.PAGE_CACHE_PURGERS = [
            {"BACKEND": "pagecache.purge.VarnishPurger", "OPTIONS": {"url": f"http://127.0.0.1:{varnish_port}"}}
        ]
        yield server
    finally:
        server.stop()


def through(varnish, path, **headers):
    return request(varnish.port, path, headers=headers)


def eventually(check, seconds=PURGE_SECONDS):
    """Poll check() until it returns a true value, for at most `seconds`; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(0.05)


def cached(varnish, path):
    """Request the page twice, so that Varnish has it; return the second answer (status, headers, body)."""
    through(varnish, path)
    return through(varnish, path)


def shows(varnish, path, text):
    status, _headers, body = through(varnish, path)
    return status == 200 and text in body


def test_a_page_is_served_from_varnish_without_its_tags(varnish, origin):
    story = make_article("Lantern walk returns", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    url = story.get_absolute_url()
    first = through(varnish, url)
    second = through(varnish, url)
    assert (first[0], first[1]["x-cache"]) == (200, "MISS")
    assert (second[0], second[1]["x-cache"]) == (200, "HIT")
    assert "Lantern walk returns" in second[2]
    # The site's request id names the request a copy was rendered for: a hit does not replay it.
    assert "x-request-id" in first[1] and "x-request-id" not in second[1]
    for _status, headers, _body in (first, second):
        assert not set(TAG_HEADERS) & set(headers), headers
    # The origin does name the tags: Varnish keeps them to itself.
    assert f"article:{story.pk}" in request(origin.port, url)[1]["xkey"].split()
    # Anonymous readers share the copy whatever other cookies they carry; a session is never served from it.
    assert through(varnish, url, Cookie="_ga=GA1.2.3; csrftoken=abc")[1]["x-cache"] == "HIT"
    with_session = [through(varnish, url, Cookie="sessionid=abc") for _ in range(2)]
    assert [headers["x-cache"] for _status, headers, _body in with_session] == ["MISS", "MISS"]


def test_text_is_kept_compressed_and_unzipped_for_a_client_that_does_not_accept_gzip(varnish):
    make_article("Lantern walk returns", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    for path in ("/", "/feed/"):
        conn = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            compressed = response.read()
            assert response.status == 200
            assert response.getheader("Content-Encoding") == "gzip"
        finally:
            conn.close()
        status, headers, plain = through(varnish, path)
        assert status == 200 and "content-encoding" not in headers
        assert gzip.decompress(compressed).decode() == plain
        assert "Lantern walk returns" in plain and len(compressed) < len(plain.encode())


def test_a_publish_shows_on_the_home_and_region_pages_within_a_second(varnish):
    make_article("Bridge reopens after repairs", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    region = reverse("reader:region", args=[RegionTag.objects.get(name="Pimlico").slug])
    for path in ("/", region):
        assert cached(varnish, path)[1]["x-cache"] == "HIT"
    draft = make_article("Night market opens on Tachbrook Street", regions=["Pimlico"])

    services.article_publish(article=draft, user=make_user("Editor"))

    for path in ("/", region):
        assert eventually(lambda path=path: shows(varnish, path, "Night market opens on Tachbrook Street")), (
            f"{path} does not show the new story {PURGE_SECONDS} s after the publish"
        )


def test_a_draft_save_purges_nothing(varnish):
    story = make_article("Library extends its hours", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    draft = make_article("Council weighs new cycle lanes", regions=["Pimlico"])
    pages = ["/", story.get_absolute_url()]
    before = {path: cached(varnish, path) for path in pages}
    assert all(headers["x-cache"] == "HIT" for _status, headers, _body in before.values())

    draft.body = "<p>Typed and saved again.</p>"
    services.article_save(article=draft, user=make_user("Editor"))

    for path in pages:
        status, headers, body = through(varnish, path)
        assert (status, headers["x-cache"]) == (200, "HIT"), path
        assert body == before[path][2]


def test_an_unpublished_story_is_gone_within_a_second(varnish):
    story = make_article("Market hall to close", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    url = story.get_absolute_url()
    status, headers, _body = cached(varnish, url)
    assert (status, headers["x-cache"]) == (200, "HIT")

    services.article_unpublish(article=story, user=make_user("Editor"))

    assert eventually(lambda: through(varnish, url)[0] == 404), "still served after the unpublish"
    assert through(varnish, url)[0] == 404


def test_a_story_scheduled_after_the_pages_were_cached_shows_on_time(varnish):
    make_article("Bridge reopens after repairs", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    assert cached(varnish, "/")[1]["x-cache"] == "HIT"
    draft = make_article("Summer fair returns to the square", regions=["Pimlico"])
    moment = timezone.now() + timedelta(seconds=3)

    services.article_publish(article=draft, user=make_user("Editor"), publish_at=moment)

    # The schedule purge dropped the page: fetched again, it may be kept only until the moment.
    status, headers, body = through(varnish, "/")
    assert (status, headers["x-cache"]) == (200, "MISS")
    assert "Summer fair returns to the square" not in body
    assert int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1)) <= 3
    seconds = (moment - timezone.now()).total_seconds() + 1 + PURGE_SECONDS
    assert eventually(lambda: shows(varnish, "/", "Summer fair returns to the square"), seconds), (
        "the scheduled story is not on the home page a second after its moment"
    )


def test_with_the_origin_down_varnish_serves_the_last_good_copy(varnish, origin):
    story = make_article("Lido opens for the summer", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    # A story scheduled a few seconds ahead: pages may be kept only until then, so the copy goes stale soon.
    make_article(status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(seconds=4))
    url = story.get_absolute_url()
    fetched_at = time.monotonic()
    status, headers, body = through(varnish, url)
    max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))
    assert status == 200 and max_age <= 4, headers
    assert through(varnish, url)[1]["x-cache"] == "HIT"

    origin.stop()
    with pytest.raises(OSError):
        request(origin.port, url)
    time.sleep(max(0.0, fetched_at + max_age + 1.5 - time.monotonic()))

    stale_status, stale_headers, stale_body = through(varnish, url)
    assert (stale_status, stale_headers["x-cache"]) == (200, "HIT")
    # Age counts whole seconds: at least max-age, the copy is past its TTL.
    assert int(stale_headers["age"]) >= max_age, "not a stale copy"
    assert stale_body == body
    # A page Varnish never had cannot be served.
    assert through(varnish, "/regions/")[0] == 503
