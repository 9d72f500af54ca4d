"""Query budgets: every public page costs a constant number of SQL queries.

Each page is read twice at two archive sizes, ten times apart:

- **cold**: every cache empty, as for the first reader after a publish. This
  includes the values kept once per content generation (the next scheduled
  change, paginator counts, the navigation, the home page's choice of stories,
  related stories, the default footer, the rendered story cards and article parts);
- **warm**: the page cache off but those per-generation values kept, as for
  every later reader of a page the page cache does not hold. Reader pages then
  run no SQL at all; the large sitemaps still read their rows.

Both budgets are the same at both sizes, so no page grows with the archive or
with the number of items it shows.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import (
    Article,
    ArticleReads,
    Author,
    BreakingNews,
    Byline,
    Correction,
    RegionTag,
    StaticPage,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)
from articles.paper import read_hour
from devtools.archive import generate_archive
from tests.helpers.caches import clear_caches
from tests.helpers.factories import make_footer, make_user

pytestmark = pytest.mark.django_db

SIZES = [30, 300]
# The desk's article list: session, user, two permission reads, the page, bylines, regions, topics,
# the filters' choices (2: the author filter offers authors only when asked), the years (2) and the count.
# The desk remembers nothing between requests (the page cache and its remembered reads belong to the
# reader's site), so cold and warm are the same. A chosen author is read once more for its name; a search
# asks the search index and the slug, headline and author-name matches (see articles/admin/story_list.py).
ADMIN_BUDGET = 13
# On PostgreSQL a search first asks the planner how many stories match, to choose how to read the newest
# (articles/search.py, `_newest_matches`).
SEARCH_ESTIMATE = 1 if connection.vendor == "postgresql" else 0
# An article page reads the story's lists and its related stories: one statement on PostgreSQL, two on SQLite
# (reader/article_reads.py, `article_plan`).
ARTICLE_PLAN = 1 if connection.vendor == "postgresql" else 2
ADMIN_EXTRA = {"author": 1, "search": 2 + SEARCH_ESTIMATE}
ADMIN_LISTS = {
    "all": {},
    "live": {"state": "live"},
    "scheduled": {"state": "scheduled"},
    "region": {"region": "{region_slug}"},
    "topic": {"topic": "{topic_slug}"},
    "author": {"author": "{author_slug}"},
    "year and month": {"year": "{year}", "month": "{month}"},
    "search": {"q": "council"},
}

# page name: (path template, cold budget, warm budget). Cold includes the next scheduled change, every
# registered schedule's probes in one query (pagecache/schedule.py), on every page that remembers anything; the
# site-wide furniture (reader/paper.py) on every framed page: the breaking-news banner, the masthead's sections
# and the links to the outlet's pages in one query; and most read on home and article pages (one query). The
# article page reads its corrections only when it has some (the one measured here has one).
PAGES = {
    "home": ("/", 7, 0),
    "article": ("{article}", 6 + ARTICLE_PLAN, 0),
    # A region page also reads where the region lies and the public places within it (one query).
    "region": ("{region}", 7, 0),
    "region last page": ("{region}?page=last", 7, 0),
    "region holding others": ("/region/europe/", 7, 0),
    "region holding others, last page": ("/region/europe/?page=last", 7, 0),
    "topic": ("{topic}", 6, 0),
    "regions index": ("/regions/", 4, 0),
    "topics index": ("/topics/", 4, 0),
    "archive": ("/news/", 5, 0),
    "archive last page": ("/news/?page=last", 5, 0),
    # A period's count, its page of ids, the nearest periods before and after (2) and its months or days (1).
    "archive year": ("{year}", 8, 0),
    "archive month": ("{month}", 8, 0),
    "archive day": ("{day}", 7, 0),
    "author": ("{author}", 6, 0),
    "author last page": ("{author}?page=last", 6, 0),
    # Search also reads the public sections for its filter (1) and the marked passages of the page's stories (1).
    "search": ("/search/?q=council", 6 + SEARCH_ESTIMATE, 0),
    "search, no match": ("/search/?q=zebracrossingfund", 4 + SEARCH_ESTIMATE, 0),
    "search, filtered by date": (
        "/search/?q=council&sort=date&section={region_section}&from=2016-01-01",
        7 + SEARCH_ESTIMATE,
        0,
    ),
    "feed": ("/feed/", 2, 0),
    "feed, atom": ("/feed/atom/", 2, 0),
    "region feed": ("{region}feed/", 3, 0),
    "region feed, atom": ("{region}feed/atom/", 3, 0),
    "topic feed": ("{topic}feed/", 3, 0),
    "topic feed, atom": ("{topic}feed/atom/", 3, 0),
    "author feed": ("{author}feed/", 3, 0),
    "author feed, atom": ("{author}feed/atom/", 3, 0),
    "sitemap index": ("/sitemap.xml", 7, 0),
    "sitemap of articles": ("/sitemap-articles.xml", 2, 2),
    "sitemap of sections": ("/sitemap-sections.xml", 3, 0),
    "sitemap of authors": ("/sitemap-authors.xml", 2, 2),
    "sitemap of pages": ("/sitemap-pages.xml", 0, 0),
    "news sitemap": ("/sitemap-news.xml", 1, 1),
    "robots.txt": ("/robots.txt", 0, 0),
}


@pytest.fixture(params=SIZES, ids=[f"{size} articles" for size in SIZES])
def archive(request):
    generate_archive(articles=request.param, seed=3)
    live = Article.objects.live()
    article = live.annotate(tags=Count("regions")).order_by("-tags", "pk").first()
    Correction.objects.create(article=article, text="An earlier version misspelt the street's name.")
    make_footer(name="Default", is_default=True, teaser_article=live.exclude(pk=article.pk).first())

    def busiest(through):
        row = through.objects.filter(content_object__in=live).values("tag").annotate(n=Count("pk")).order_by("-n")[0]
        return through._meta.get_field("tag").related_model.objects.get(pk=row["tag"])

    author_id = (
        Byline.objects.filter(article__in=live).values("author").annotate(n=Count("pk")).order_by("-n")[0]["author"]
    )
    newest = timezone.localdate(live.order_by("-publish_at").first().publish_at)
    clear_caches()
    return {
        "size": request.param,
        "region_section": f"region:{busiest(TaggedRegion).slug}",
        "year": f"/news/{newest:%Y}/",
        "month": f"/news/{newest:%Y/%m}/",
        "day": f"/news/{newest:%Y/%m/%d}/",
        "article": article.get_absolute_url(),
        "region": busiest(TaggedRegion).get_absolute_url(),
        "topic": busiest(TaggedTopic).get_absolute_url(),
        "author": Author.objects.get(pk=author_id).get_absolute_url(),
    }


@pytest.mark.parametrize("page", list(PAGES))
def test_public_page_runs_a_constant_number_of_queries(client, archive, page, django_assert_max_num_queries):
    template, cold_budget, warm_budget = PAGES[page]
    path = template.format(**archive)
    assert not settings.PAGE_CACHE
    with django_assert_max_num_queries(cold_budget):
        response = client.get(path)
    assert response.status_code == 200, path
    with django_assert_max_num_queries(warm_budget):
        again = client.get(path)
    assert again.content == response.content


def test_list_pages_show_a_full_page_of_items(client, archive):
    """The budgets above hold for full pages, not just short ones."""
    response = client.get(archive["region"])
    assert len(response.context["article_ids"]) == min(20, response.context["paginator"].count)
    if archive["size"] == 300:
        assert len(response.context["article_ids"]) == 20
        assert response.context["paginator"].num_pages > 1


@pytest.mark.parametrize("role", ["Editor", "Reporter"])
@pytest.mark.parametrize("name", list(ADMIN_LISTS))
def test_admin_article_list_runs_a_constant_number_of_queries(client, archive, role, name, django_assert_num_queries):
    """Cold and warm, filtered or not, for the desk and for a reporter's own articles."""
    user = make_user(role)
    if role == "Reporter":
        Article.objects.filter(pk__in=list(Article.objects.order_by("pk").values_list("pk", flat=True))[::2]).update(
            created_by=user
        )
    newest = Article.objects.exclude(publish_at=None).order_by("-publish_at").first().publish_at
    values = {
        "region_slug": RegionTag.objects.order_by("pk").first().slug,
        "topic_slug": TopicTag.objects.order_by("pk").first().slug,
        "author_slug": Author.objects.order_by("pk").first().slug,
        "year": timezone.localtime(newest).year,
        "month": timezone.localtime(newest).month,
    }
    params = {key: value.format(**values) for key, value in ADMIN_LISTS[name].items()}
    clear_caches()
    client.force_login(user)
    budget = ADMIN_BUDGET + ADMIN_EXTRA.get(name, 0)
    with django_assert_num_queries(budget):
        response = client.get("/admin/articles/article/", params)
    assert response.status_code == 200
    visible = response.context["cl"].queryset
    assert len(response.context["cl"].result_list) == min(100, visible.count())
    if name == "all":
        assert visible.count() == (Article.objects.count() if role == "Editor" else archive["size"] // 2)
    with django_assert_num_queries(budget):
        again = client.get("/admin/articles/article/", params)
    assert again.context["cl"].result_count == response.context["cl"].result_count


@pytest.mark.sqlite
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's query plan; PostgreSQL plans small tables differently"
)
def test_admin_article_list_reads_its_first_page_from_the_order_index(client, archive):
    """On SQLite: the last changed stories come straight off an index, with no sort of the whole archive."""
    client.force_login(make_user("Editor"))
    response = client.get("/admin/articles/article/")
    sql, params = response.context["cl"].result_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "article_desk_changed_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_an_article_page_reads_its_corrections_only_when_it_has_some(client):
    """Most stories have none: whether one has is asked with its row, and its empty list is not read."""
    from tests.helpers.factories import make_article

    plain, corrected = (make_article(status=Article.Status.PUBLISHED) for _ in range(2))
    Correction.objects.create(article=corrected, text="An earlier version gave the wrong date.")
    for story, reads_corrections in ((plain, 0), (corrected, 1)):
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        read = [query for query in captured if query["sql"].startswith('SELECT "articles_correction"')]
        assert len(read) == reads_corrections
        assert ("An earlier version gave the wrong date." in html) == bool(reads_corrections)
        assert ("Corrections and updates" in html) == bool(reads_corrections)


def test_memoised_counts_and_home_follow_a_publish(client, archive, settings, django_capture_on_commit_callbacks):
    """Per-generation values are dropped on commit, so a page never shows a stale count or story."""
    from articles import services

    editor = make_user("Editor")
    before = client.get(archive["region"]).context["paginator"].count
    draft = Article.objects.filter(status=Article.Status.DRAFT).first()
    region = client.get(archive["region"]).context["tag"]
    draft.regions.add(region)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, user=editor)
    response = client.get(archive["region"])
    assert response.context["paginator"].count == before + 1
    assert response.context["article_ids"][0] == draft.pk
    assert f'href="{draft.get_absolute_url()}"' in client.get("/").context["lead"]


@pytest.mark.sqlite
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's query plan; PostgreSQL plans small tables differently"
)
def test_the_breaking_banner_starts_from_the_open_windows_not_the_live_archive(archive):
    """Every reader page asks for the banner; driven from the live stories, SQLite walked all of them (over
    100 ms a page at 100,000 articles, with no window open at all)."""
    from reader.paper import banner_windows

    sql, params = banner_windows(timezone.now()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "article_live_order_idx" not in plan, plan
    assert "SCAN articles_article" not in plan, plan


# The measure of a cold page (as bench/run.py counts it): every cache cleared, remembered reads on, one
# request. With most read counted, a breaking-news banner open and the outlet's pages published, no public page
# pays more.
COLD_LIMIT = 8


@pytest.fixture
def furnished(archive):
    """The archive with reads counted in the last hours, a banner open and a site page published."""
    live = list(Article.objects.live().order_by("-publish_at")[:8])
    hour = read_hour(timezone.now())
    ArticleReads.objects.bulk_create(
        ArticleReads(article=story, hour=hour - timedelta(hours=n % 3 + 1), reads=10 + n)
        for n, story in enumerate(live)
    )
    BreakingNews.objects.create(
        article=live[0], headline="Breaking over the archive", ends_at=timezone.now() + timedelta(hours=1)
    )
    StaticPage.objects.create(kind="about", title="About us", body="<p>Who we are.</p>", is_published=True)
    return archive


@pytest.mark.parametrize("page", list(PAGES))
def test_every_public_page_pays_at_most_eight_queries_cold(client, furnished, page, django_assert_max_num_queries):
    path = PAGES[page][0].format(**furnished)
    assert settings.GENERATION_MEMO and not settings.PAGE_CACHE
    for cache in caches.all():
        cache.clear()
    with django_assert_max_num_queries(COLD_LIMIT):
        response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    if page in {"home", "article"}:
        assert 'id="most-read-heading"' in html, path
    if page in {"home", "article", "region", "archive day", "search"}:
        assert "Breaking over the archive" in html and 'href="/about/"' in html, path


@pytest.mark.parametrize("page", ["home", "article", "region", "topic", "archive", "archive day", "author", "search"])
def test_the_first_reader_after_a_publish_pays_at_most_eight_queries(
    client, archive, page, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The issue's measure of a cold page: what the first reader after a change pays. The site's furniture (the
    banner, the outlet's page links, most read, the schedule) is not touched by a publish, so it stays remembered
    and the page itself is read in at most 8 queries."""
    from articles import services

    path = PAGES[page][0].format(**archive)
    assert client.get(path).status_code == 200
    story = Article.objects.filter(status=Article.Status.DRAFT).first()
    story.regions.add(RegionTag.objects.get(slug=archive["region"].rstrip("/").rsplit("/", 1)[-1]))
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=story, user=make_user("Editor"))
    with django_assert_max_num_queries(COLD_LIMIT) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    if page in {"home", "region", "archive"}:  # pages the publish changed were really read again
        assert story.headline in response.content.decode() and len(captured) > 0
