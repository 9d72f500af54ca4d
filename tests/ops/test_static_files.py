"""Production's static files storage looks each address up in the manifest once, and still refuses a missing file."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from ops.static_files import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "hash": "0" * 12, "paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_an_address_is_the_manifests_and_is_looked_up_once(storage, monkeypatch):
    looked_up = []
    original = CompressedManifestStaticFilesStorage.url
    monkeypatch.setattr(
        CompressedManifestStaticFilesStorage,
        "url",
        lambda self, name, force=False: looked_up.append(name) or original(self, name, force),
    )
    assert [storage.url("css/site.css") for _ in range(3)] == ["/static/css/site.0123456789ab.css"] * 3
    assert looked_up == ["css/site.css"]


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_production_serves_its_static_files_through_it():
    from tests.project.test_setup import PRODUCTION_ENV, run_manage

    code = "from django.core.files.storage import storages; print(type(storages['staticfiles']).__module__)"
    result = run_manage("shell", "--no-imports", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.stdout.strip() == "ops.static_files", result.stderr
