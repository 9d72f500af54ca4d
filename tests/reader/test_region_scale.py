"""A region page with places inside it, and the archive, cost the same at 100,000 articles as at 1,000 (page
200 included): a region's stories, its descendants' included, are one range of the listing index, never a
walk of the tree. Moving a region at that size moves every story inside it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ListingEntry, RegionAncestry, RegionTag, TaggedRegion
from devtools.archive import generate_archive
from reader import selectors
from tests.helpers.caches import clear_caches

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1_000, 100_000
PAGES = ["/region/london/", "/region/london/?page=last", "/region/europe/?page=last", "/regions/", "/news/?page=last"]


def cold_costs(client, paths=PAGES):
    """{path: SQL queries} of each page with every cache empty."""
    costs = {}
    for path in paths:
        clear_caches()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        costs[path] = len(queries)
    return costs


def analyze():
    with connection.cursor() as cursor:
        # The statistics autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) gathers soon after a bulk load.
        cursor.execute("ANALYZE")


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # Values written in: a statement bound on the server cannot be explained with its parameters apart.
            cursor.execute(f"EXPLAIN {connection.ops.compose_sql(sql, params)}")
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def in_subtree(region):
    return TaggedRegion.objects.filter(tag__in=RegionAncestry.objects.filter(ancestor=region).values("region_id"))


@pytest.mark.slow
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
    assert cold_costs(client, ["/news/?page=200", "/region/london/?page=200"]) == {
        "/news/?page=200": small["/news/?page=last"],
        "/region/london/?page=200": small["/region/london/"],
    }

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
    published = set(ListingEntry.objects.of("all").values_list("article_id", flat=True))
    for slug in ("london", "united-kingdom", "westminster"):
        region = RegionTag.objects.get(slug=slug)
        inside = set(in_subtree(region).values_list("content_object_id", flat=True))
        listed = set(ListingEntry.objects.of("region", region.pk).values_list("article_id", flat=True))
        assert listed == inside & published, slug
    left_london = moved - set(in_subtree(london).values_list("content_object_id", flat=True))
    assert left_london & published, "some stories were only inside Westminster"
