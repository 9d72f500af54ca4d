"""Query budgets: every public page costs a constant number of SQL queries.

Each page is read twice at two archive sizes, ten times apart:

- **cold**: every cache empty, as for the first reader after a publish. This
  includes the values kept once per content generation (the next scheduled
  change, paginator counts, the navigation, the home page's choice of stories,
  related stories, the default footer);
- **warm**: the page cache off but those per-generation values kept, as for
  every later reader of a page the page cache does not hold.

Both budgets are the same at both sizes, so no page grows with the archive or
with the number of items it shows.
"""

import pytest
from django.conf import settings
from django.db.models import Count

from articles.archive import generate_archive
from articles.models import Article, Author, Byline, Correction, TaggedRegion, TaggedTopic
from tests.conftest import clear_caches
from tests.factories import make_footer, make_user

pytestmark = pytest.mark.django_db

SIZES = [30, 300]
WARM_BUDGET = 6
ADMIN_BUDGET = 13

# page name: (path template, cold budget)
PAGES = {
    "home": ("/", 17),
    "article": ("{article}", 14),
    "region": ("{region}", 10),
    "region last page": ("{region}?page=last", 10),
    "topic": ("{topic}", 10),
    "regions index": ("/regions/", 5),
    "topics index": ("/topics/", 5),
    "author": ("{author}", 10),
    "author last page": ("{author}?page=last", 10),
    "search": ("/search/?q=council", 9),
    "search, no match": ("/search/?q=zebracrossingfund", 5),
    "feed": ("/feed/", 6),
    "feed, atom": ("/feed/atom/", 6),
    "region feed": ("{region}feed/", 7),
    "region feed, atom": ("{region}feed/atom/", 7),
    "topic feed": ("{topic}feed/", 7),
    "topic feed, atom": ("{topic}feed/atom/", 7),
    "author feed": ("{author}feed/", 7),
    "author feed, atom": ("{author}feed/atom/", 7),
    "sitemap index": ("/sitemap.xml", 7),
    "sitemap of articles": ("/sitemap-articles.xml", 2),
    "sitemap of sections": ("/sitemap-sections.xml", 4),
    "sitemap of authors": ("/sitemap-authors.xml", 2),
    "sitemap of pages": ("/sitemap-pages.xml", 0),
    "news sitemap": ("/sitemap-news.xml", 1),
    "robots.txt": ("/robots.txt", 0),
}


@pytest.fixture(params=SIZES, ids=[f"{size} articles" for size in SIZES])
def archive(request, settings):
    settings.GENERATION_MEMO = True
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
    clear_caches()
    return {
        "size": request.param,
        "article": article.get_absolute_url(),
        "region": busiest(TaggedRegion).get_absolute_url(),
        "topic": busiest(TaggedTopic).get_absolute_url(),
        "author": Author.objects.get(pk=author_id).get_absolute_url(),
    }


@pytest.mark.parametrize("page", list(PAGES))
def test_public_page_runs_a_constant_number_of_queries(client, archive, page, django_assert_max_num_queries):
    template, cold_budget = PAGES[page]
    path = template.format(**archive)
    assert not settings.PAGE_CACHE
    with django_assert_max_num_queries(cold_budget):
        response = client.get(path)
    assert response.status_code == 200, path
    with django_assert_max_num_queries(min(cold_budget, WARM_BUDGET)):
        again = client.get(path)
    assert again.content == response.content


def test_list_pages_show_a_full_page_of_items(client, archive):
    """The budgets above hold for full pages, not just short ones."""
    response = client.get(archive["region"])
    assert len(response.context["articles"]) == min(20, response.context["paginator"].count)
    if archive["size"] == 300:
        assert len(response.context["articles"]) == 20
        assert response.context["paginator"].num_pages > 1


def test_admin_article_list_runs_a_constant_number_of_queries(client, archive, django_assert_max_num_queries):
    client.force_login(make_user("Editor"))
    with django_assert_max_num_queries(ADMIN_BUDGET + 6):
        response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(100, Article.objects.count())
    with django_assert_max_num_queries(ADMIN_BUDGET):
        client.get("/admin/articles/article/")


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
    assert response.context["articles"][0] == draft
    assert client.get("/").context["lead"] == draft
