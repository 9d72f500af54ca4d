"""/healthz and /readyz: never cached, no details to the public, 503 when a dependency is unreachable."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connections

pytestmark = pytest.mark.django_db


class BrokenStorage(FileSystemStorage):
    """A storage whose backend is down (as an unreachable bucket would be)."""

    def exists(self, name):
        raise OSError("storage unreachable")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_ok_and_are_never_cached(client, page_cache, path):
    first = client.get(path)
    assert first.status_code == 200 and first.content == b"ok\n"
    assert "no-cache" in first["Cache-Control"] and "max-age=0" in first["Cache-Control"]
    assert client.get(path).status_code == 200


def test_readyz_is_503_without_details_when_the_media_storage_fails(client, settings, caplog):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.ops.test_health.BrokenStorage"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert "media storage" in caplog.text


def test_readyz_is_503_when_the_database_is_unreachable(client, settings, caplog, monkeypatch):
    def refuse(*args, **kwargs):
        raise connections["default"].Database.OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.content == b"unavailable\n"
    assert "database default" in caplog.text


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
