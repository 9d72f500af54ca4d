"""Request ids: one per request, in the X-Request-ID header and in every log record; JSON log lines in production."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from articles.models import Article
from ops.logs import JsonFormatter, RequestIdFilter
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
GENERATED = re.compile(r"[0-9a-f]{32}")


class BrokenStorage(FileSystemStorage):
    def exists(self, name):
        raise OSError("storage unreachable")


@pytest.fixture
def json_lines():
    """Records of every logger, through the production formatter and the request id filter, as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_every_response_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert GENERATED.fullmatch(first["X-Request-ID"]) and GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    "incoming", ["3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "lb01:req.42-7"]
)
def test_a_sane_request_id_from_the_proxy_is_kept(client, incoming):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 101,
        "abcdefgh\nSet-Cookie: x=1",
        "abcdefgh\n",
        "ünïcode-request-id",
        "with spaces in it",
        "short",
        "-starts-with-a-dash",
        "",
        "abcdefgh\x00ijk",
    ],
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert response.status_code == 200
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_a_cached_page_gets_the_id_of_the_request_it_answers(client, page_cache):
    url = make_article("Lupus Street bakery", status=Article.Status.PUBLISHED).get_absolute_url()
    miss = client.get(url)
    hit = client.get(url)
    chosen = client.get(url, HTTP_X_REQUEST_ID="proxy-id-0001")
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"], chosen["X-Page-Cache"]) == ("miss", "hit", "hit")
    assert GENERATED.fullmatch(hit["X-Request-ID"]) and hit["X-Request-ID"] != miss["X-Request-ID"]
    assert chosen["X-Request-ID"] == "proxy-id-0001"


def test_log_records_of_a_request_carry_its_id_as_json(client, json_lines):
    # Django logs a 4xx answer after the last middleware has returned: the id must still be there.
    response = client.post("/healthz", HTTP_X_REQUEST_ID="proxy-id-0002")
    assert response.status_code == 405
    logging.getLogger("ops.tests").warning("between requests")
    records = json_lines()
    refused = next(record for record in records if record["logger"] == "django.request")
    assert refused["request_id"] == "proxy-id-0002" == response["X-Request-ID"]
    assert refused["level"] == "WARNING" and "Method Not Allowed" in refused["message"]
    assert refused["time"].endswith("+00:00")
    assert records[-1]["message"] == "between requests" and records[-1]["request_id"] == "-"


def test_a_logged_exception_keeps_its_traceback_in_the_json_line(client, settings, json_lines):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.ops.test_request_logs.BrokenStorage"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    [record] = [record for record in json_lines() if record["logger"] == "ops.health"]
    assert record["request_id"] == response["X-Request-ID"] and record["level"] == "ERROR"
    assert "OSError: storage unreachable" in record["traceback"]


SCRIPT = """
import django
django.setup()
from django.test import Client
response = Client().post("/healthz", secure=True, HTTP_X_REQUEST_ID="proxy-id-0003")
assert response.status_code == 405, response.status_code
"""


def run_site(folder, **environment):
    """The script in a process of its own, with the settings as the environment makes them; its stderr lines."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        # The POST opens a transaction (django-reversion): a database of its own, whatever the tests run on.
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "PAGE_CACHE_GENERATION_DIR": str(folder / "generation"),
        **environment,
    }
    for name in ("NEWSROOM_ENV", "LOG_JSON"):
        if name not in environment:
            env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_production_logs_json_lines_with_the_request_id(tmp_path):
    lines = run_site(
        tmp_path,
        NEWSROOM_ENV="production",
        SECRET_KEY="a-production-secret-key-for-the-test-only-0123456789",
        ALLOWED_HOSTS="testserver",
        SITE_URL="https://news.example.org",
    )
    records = [json.loads(line) for line in lines]
    assert any(record["request_id"] == "proxy-id-0003" and record["logger"] == "django.request" for record in records)


def test_development_logs_plain_text_with_the_request_id(tmp_path):
    lines = run_site(tmp_path)
    [line] = [line for line in lines if "[proxy-id-0003]" in line]
    assert "WARNING django.request [proxy-id-0003] Method Not Allowed" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
