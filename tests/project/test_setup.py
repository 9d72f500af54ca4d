import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, PromoFooter, RegionTag, TopicTag

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_role(capsys):
    call_command("load_demo")
    counts = [Article.objects.count(), Author.objects.count(), RegionTag.objects.count(), TopicTag.objects.count()]
    call_command("load_demo")
    assert [
        Article.objects.count(),
        Author.objects.count(),
        RegionTag.objects.count(),
        TopicTag.objects.count(),
    ] == counts
    assert Article.objects.live().count() >= 12
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    default = PromoFooter.objects.get(is_default=True)
    assert default.teaser_article.is_live
    assert "Culture" in default.teaser_article.topics.names()
    assert "London" in default.teaser_article.regions.names()
    users = get_user_model().objects.all()
    assert {group.name for user in users for group in user.groups.all()} >= {"Reporter", "Editor", "Admin"}
    assert "reporter /" in capsys.readouterr().out


def run_manage(*args, env_overrides):
    # A clean environment: nothing the test session itself set (e.g. for the browser) leaks in.
    ignored = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "NEWSROOM_ENV": "production",
    "SECRET_KEY": "x7#long-random-production-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_refuses_to_start_without_required_values(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_gunicorn_parses_requests_with_its_c_parser():
    """requirements.txt installs gunicorn's C parser, and gunicorn's default settings choose it."""
    from gunicorn.config import Config
    from gunicorn.http.message import _check_fast_parser

    assert _check_fast_parser(Config()) is True


GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"


@pytest.mark.parametrize(
    ("prepared", "primary", "replica"),
    [
        (
            None,
            {"prepare_threshold": 0, "options": f"-c search_path=news {GENERIC_PLANS}"},
            {"prepare_threshold": 0, "options": GENERIC_PLANS},
        ),
        ("0", {"prepare_threshold": None, "options": "-c search_path=news"}, {"prepare_threshold": None}),
    ],
)
def test_postgresql_options_keep_the_urls_own_and_prepare_the_readers_reads(prepared, primary, replica):
    """The primary's and each replica's OPTIONS: what their URL asks for (sslmode, server options), and the
    prepared statements of `reader.prepared.statement_cursor`, each planned once for any values, unless
    DATABASE_PREPARED_STATEMENTS=0."""
    env = {
        "DATABASE_URL": "postgres://newsroom@db.internal:5432/newsroom?sslmode=require&options=-c%20search_path%3Dnews",
        "DATABASE_REPLICA_URLS": "postgres://newsroom@replica.internal:5432/newsroom?sslmode=verify-full",
    }
    if prepared is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = prepared
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({alias: database['OPTIONS'] for alias, database in settings.DATABASES.items()}))"
    )
    result = run_manage("shell", "--no-imports", "-c", script, env_overrides=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": {"sslmode": "require", **primary},
        "replica1": {"sslmode": "verify-full", **replica},
    }
