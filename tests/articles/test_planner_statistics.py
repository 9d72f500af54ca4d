"""After a bulk write the planner's statistics and the visibility map are brought up to date at once (PostgreSQL),
not whenever autovacuum gets to them."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from articles import planner
from articles.models import Article
from tests.articles.test_backup import build_site, empty_the_site

pytestmark = pytest.mark.django_db(transaction=True)
PIMLICO = Path(__file__).parent / "wordpress" / "data" / "pimlico-post-wxr-1.2.xml"


def upkeep_of_articles():
    """How many times the articles table was vacuumed and analysed on request (autovacuum's are counted apart)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relid = %s::regclass",
            [Article._meta.db_table],
        )
        return cursor.fetchone()


def planned_rows_of_articles():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Article._meta.db_table])
        return cursor.fetchone()[0]


def generate():
    call_command("generate_archive", "--articles", "40", "--seed", "3", stdout=io.StringIO())


def import_wordpress():
    call_command("import_wordpress", str(PIMLICO), stdout=io.StringIO(), stderr=io.StringIO())


def restore(tmp_path, media_root):
    build_site()
    archive = tmp_path / "site.zip"
    call_command("backup_site", str(archive), "--format", "json", verbosity=0)
    empty_the_site(media_root)
    call_command("restore_site", str(archive), stdout=io.StringIO())


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's; run with DATABASE_URL=postgres://…"
)
@pytest.mark.parametrize("bulk_write", [generate, import_wordpress, restore], ids=lambda write: write.__name__)
def test_a_bulk_write_leaves_the_planner_statistics_of_what_it_wrote(bulk_write, tmp_path, media_root):
    vacuums, analyses = upkeep_of_articles()
    bulk_write(tmp_path, media_root) if bulk_write is restore else bulk_write()
    assert upkeep_of_articles() == (vacuums + 1, analyses + 1)
    assert planned_rows_of_articles() == Article.objects.count() > 0


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own behaviour")
def test_inside_a_transaction_the_statistics_are_gathered_without_vacuum():
    vacuums, analyses = upkeep_of_articles()
    with transaction.atomic():
        assert planner.refresh_statistics() is True
    assert upkeep_of_articles() == (vacuums, analyses + 1)


@pytest.mark.sqlite
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own behaviour")
def test_sqlite_is_left_to_plan_without_statistics():
    assert planner.refresh_statistics() is False
