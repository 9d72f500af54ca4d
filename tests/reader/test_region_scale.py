"""A region page with places inside it costs the same at 100,000 articles as at 1,000: its stories, its
descendants' included, are one range of the listing index, never a walk of the tree. Moving a region at
that size moves every story inside it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ListingEntry, RegionAncestry, RegionTag, TaggedRegion
from devtools.archive import generate_archive
from reader import selectors
from tests.helpers.caches import clear_caches

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1_000, 100_000
PAGES = ["/region/london/", "/region/london/?page=50", "/region/europe/?page=last", "/regions/"]


def cold_costs(client):
    """{path: SQL queries} of each page with every cache empty."""
    costs = {}
    for path in PAGES:
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        costs[path] = len(queries)
    return costs


def analyze():
    with connection.cursor() as cursor:
        # What autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) does soon after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}" if connection.vendor == "sqlite" else f"EXPLAIN {sql}", params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def in_subtree(region):
    return TaggedRegion.objects.filter(tag__in=RegionAncestry.objects.filter(ancestor=region).values("region_id"))


def test_a_region_page_with_descendants_costs_the_same_at_100000_articles(client):
    generate_archive(articles=SMALL, seed=8)
    analyze()
    small = cold_costs(client)
    generate_archive(articles=LARGE - SMALL, seed=9)
    analyze()
    assert Article.objects.count() == LARGE
    london = RegionTag.objects.get(slug="london")
    assert RegionTag.objects.filter(parent__parent=london).exists(), "London holds places two levels down"
    live_inside = Article.objects.live().filter(pk__in=in_subtree(london).values("content_object_id")).count()
    response = client.get("/region/london/")
    assert response.context["paginator"].count == live_inside > 20_000
    assert cold_costs(client) == small

    # A deep page of London is one range of the listing index, newest first: no sort, no walk of the tree.
    deep_page = selectors.listing_entries("region", london.pk).newest_first().values_list("article_id")[3980:4000]
    plan = plan_of(deep_page)
    assert "listing_order_idx" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan and "Seq Scan" not in plan, plan

    # Westminster (and Pimlico, Soho, … inside it) leaves London: every story only there leaves London's list.
    westminster = RegionTag.objects.get(slug="westminster")
    moved = set(in_subtree(westminster).values_list("content_object_id", flat=True))
    westminster.parent = None
    westminster.save()
    still_in_london = set(in_subtree(london).values_list("content_object_id", flat=True))
    published = set(ListingEntry.objects.of("all").values_list("article_id", flat=True))
    assert set(ListingEntry.objects.of("region", london.pk).values_list("article_id", flat=True)) == (
        still_in_london & published
    )
    gone = (moved - still_in_london) & published
    assert gone
    uk = RegionTag.objects.get(slug="united-kingdom")
    assert not ListingEntry.objects.of("region", uk.pk).filter(article_id__in=list(gone)[:500]).exists()
    assert ListingEntry.objects.of("region", westminster.pk).filter(article_id__in=list(gone)[:500]).count() == min(
        500, len(gone)
    )
