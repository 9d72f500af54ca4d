import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.caches import clear_caches
from tests.helpers.s3 import bucket, s3_endpoint  # noqa: F401 (fixtures: an S3 server per module, a bucket per test)

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"
SEED_FILE = SEED_DIR / "000_b941ca2dd80af398.txt"

# CI sets this so that a test which would skip for lack of Chromium, PostgreSQL
# or the seed file fails instead. Tests marked `postgres` still skip on SQLite,
# and tests marked `sqlite` on PostgreSQL: CI runs the suite on both databases.
STRICT = os.environ.get("NEWSROOM_STRICT_TESTS", "") == "1"
DATABASE_MARKERS = {"postgres": "postgresql", "sqlite": "sqlite"}


def marked_for_another_database(item):
    from django.db import connection

    return any(
        item.get_closest_marker(marker) is not None and connection.vendor != vendor
        for marker, vendor in DATABASE_MARKERS.items()
    )


def pytest_collection_modifyitems(items):
    """Modules with a test marked `slow` run first, each kept whole (their module fixtures are set up once): with
    two workers, a test of minutes picked up last would leave the other worker idle for all of it."""
    slow_modules = {item.module for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.module not in slow_modules)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not marked_for_another_database(item):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under NEWSROOM_STRICT_TESTS=1, which forbids skips: {reason}"


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, taking one request at a time on SQLite.

    SQLite's test database is in memory, shared by the live server's request
    threads through SQLite's shared cache, which locks whole tables and refuses
    a second writer at once ("database table is locked") instead of waiting
    for it. A desk page's autosave or heartbeat still in flight when Save is
    pressed would fail that way. PostgreSQL serves them side by side, as in
    production.
    """
    from django.db import connection

    server = live_server.thread.httpd
    if connection.vendor == "sqlite":
        application, lock = server.get_app(), threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    yield from response
                finally:
                    if hasattr(response, "close"):
                        response.close()

        server.set_app(one_at_a_time)
    return live_server


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def page_generation_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("page-generation")


# With REDIS_URL, each test process empties a Redis database of its own (Redis's FLUSHDB empties a whole
# database): never the one REDIS_URL names, which may hold a running site's cache.
TEST_REDIS_DATABASES = range(8, 16)


@pytest.fixture(scope="session")
def test_redis_url(worker_id):
    """REDIS_URL with this test process's own database (`TEST_REDIS_DATABASES`), or "" without REDIS_URL."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    index = 0 if worker_id == "master" else int(worker_id.removeprefix("gw")) + 1
    if index >= len(TEST_REDIS_DATABASES):
        raise pytest.UsageError(f"With REDIS_URL, run at most {len(TEST_REDIS_DATABASES) - 1} test workers.")
    return urlsplit(url)._replace(path=f"/{TEST_REDIS_DATABASES[index]}").geturl()


@pytest.fixture(autouse=True)
def empty_caches(settings, page_generation_dir, test_redis_url):
    """Every test starts from empty caches, and a test run keeps its generation token apart from any other run.

    The remembered reads are on, as in production; the whole-page cache is off
    unless a test asks for the `page_cache` fixture.
    """
    generation = settings.CACHES["page_generation"]
    if generation["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {**settings.CACHES, "page_generation": {**generation, "LOCATION": str(page_generation_dir)}}
    if test_redis_url:
        settings.CACHES = {
            alias: {**cache, "LOCATION": test_redis_url} if cache["BACKEND"].endswith("RedisCache") else cache
            for alias, cache in settings.CACHES.items()
        }
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache switched on, starting empty."""
    settings.PAGE_CACHE = True
    clear_caches()
    return settings


@pytest.fixture
def memo_off(settings):
    """Remembered reads switched off: every value computed on every request."""
    settings.GENERATION_MEMO = False
    return settings


@pytest.fixture
def seed_file():
    if not SEED_FILE.exists():
        pytest.skip(f"seed file not found at {SEED_FILE}")
    return SEED_FILE


@pytest.fixture
def outlet_tagline(seed_file):
    """The outlet tagline, read from the seed file's promotional last line."""
    last_line = [line for line in seed_file.read_text().splitlines() if line.strip()][-1]
    return last_line[: last_line.index(":") + 1]


NINJS_SCHEMA = SEED_DIR.parent / "ninjs" / "ninjs-schema_3.1.json"


@pytest.fixture(scope="session")
def ninjs_validator():
    """A validator for the IPTC's ninjs 3.1 JSON schema (with format checks), from the shared folder."""
    import json

    from jsonschema import Draft202012Validator

    if not NINJS_SCHEMA.exists():
        pytest.skip(f"the ninjs 3.1 schema was not found at {NINJS_SCHEMA}")
    schema = json.loads(NINJS_SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright, shared by the session."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the tests themselves are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(chromium):
    """Open pages in fresh browser contexts (one per user) at a given viewport."""
    contexts = []

    def open_page(width=1280, height=900):
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)

    def save(page, name):
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def axe_violations():
    """Run axe-core in a page; return violations of serious or critical impact."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        return [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]

    return check
