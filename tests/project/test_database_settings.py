"""PostgreSQL binds statements on the server and prepares those a connection runs again, unless told not to."""

import pytest
from django.db import connection

from articles.models import Article
from tests.project.test_setup import run_manage

SHOW_OPTIONS = "from django.conf import settings; print(sorted(settings.DATABASES['default'].get('OPTIONS', {})))"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/newsroom_settings_unused"


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_read_run_again_in_a_connection_is_prepared_and_planned_once():
    assert not any("articles_article" in statement for statement in prepared_statements())
    for _ in range(3):
        list(Article.objects.filter(slug="any-story").values_list("pk", flat=True))
    assert [statement for statement in prepared_statements() if '"articles_article"."slug" = $1' in statement]


@pytest.mark.parametrize(
    "flag, expected",
    [(None, "['prepare_threshold', 'server_side_binding']"), ("0", "[]")],
    ids=["default", "turned-off"],
)
def test_prepared_statements_can_be_turned_off_for_a_pooler(flag, expected):
    env = {"DATABASE_URL": POSTGRES_URL, **({"DATABASE_PREPARED_STATEMENTS": flag} if flag else {})}
    result = run_manage("shell", "-c", SHOW_OPTIONS, env_overrides=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == expected  # after the shell's own line about its imports
