import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone

from articles.models import Article, Correction, RegionTag
from pagecache.generation import current_generation
from pagecache.middleware import is_storable
from tests.helpers.factories import make_article, make_author, make_footer

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent

# Every public page that lists or shows an article, built from that article.
READER_PAGES = {
    "home": lambda article: "/",
    "article": lambda article: article.get_absolute_url(),
    "region": lambda article: article.regions.get().get_absolute_url(),
    "topic": lambda article: article.topics.get().get_absolute_url(),
    "author": lambda article: article.authors[0].get_absolute_url(),
    "feed": lambda article: "/feed/",
    "atom-feed": lambda article: "/feed/atom/",
    "region-feed": lambda article: article.regions.get().get_absolute_url() + "feed/",
    "sitemap": lambda article: "/sitemap-articles.xml",
    "news-sitemap": lambda article: "/sitemap-news.xml",
}


def shows(response, article):
    """Whether a page, feed or sitemap names the article (sitemaps list its address)."""
    content = response.content.decode()
    return article.headline in content or article.get_absolute_url() in content


@pytest.fixture
def reporter():
    return make_author("Nadia Haddad")


@pytest.fixture
def live_article(reporter):
    return make_article(
        "Warwick Square gets new benches",
        status=Article.Status.PUBLISHED,
        authors=[reporter],
        regions=["Pimlico"],
        topics=["City life"],
    )


def publish(article, django_capture_on_commit_callbacks, **fields):
    """Publish the way the workflow does: a save, committed."""
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.PUBLISHED
        article.publish_at = fields.pop("publish_at", timezone.now() - timedelta(seconds=1))
        for name, value in fields.items():
            setattr(article, name, value)
        article.save()


@pytest.mark.parametrize("page", READER_PAGES)
def test_a_published_article_is_visible_on_every_page_at_once(
    client, page_cache, live_article, reporter, page, django_capture_on_commit_callbacks
):
    draft = make_article(
        "Night market opens on Tachbrook Street", authors=[reporter], regions=["Pimlico"], topics=["City life"]
    )
    path = READER_PAGES[page](draft)
    before = client.get(path)
    if page == "article":
        assert before.status_code == 404
    else:
        assert client.get(path)["X-Page-Cache"] == "hit"
        assert not shows(before, draft)

    publish(draft, django_capture_on_commit_callbacks)

    after = client.get(path)
    assert after.status_code == 200
    assert after["X-Page-Cache"] == "miss"
    assert shows(after, draft)


@pytest.mark.parametrize("page", READER_PAGES)
def test_the_second_anonymous_request_is_served_without_the_database(
    client, page_cache, live_article, page, django_assert_num_queries
):
    path = READER_PAGES[page](live_article)
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(path)
        head = client.head(path)
    assert second["X-Page-Cache"] == head["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("page", READER_PAGES)
def test_public_pages_carry_headers_a_cdn_can_use(client, page_cache, live_article, page):
    response = client.get(READER_PAGES[page](live_article))
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]


@pytest.mark.parametrize("page", READER_PAGES)
def test_if_none_match_gets_a_304_from_the_cache(client, page_cache, live_article, page, django_assert_num_queries):
    path = READER_PAGES[page](live_article)
    etag = client.get(path)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(path, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert client.get(path, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_a_304_also_comes_on_the_first_request_after_invalidation(
    client, page_cache, live_article, django_capture_on_commit_callbacks
):
    etag = client.get("/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        live_article.hero_caption = "Not shown on the home page"
        live_article.save()
    # The page was rendered again, found identical, and not sent.
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_logged_in_readers_are_never_served_or_stored(client, page_cache, live_article, django_assert_max_num_queries):
    editor = get_user_model().objects.create_user("editor", password="pw-for-tests-only")
    anonymous = client.get("/")
    client.force_login(editor)
    for _ in range(2):
        response = client.get("/")
        assert "X-Page-Cache" not in response
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
    client.logout()
    client.cookies.clear()
    # The logged-in requests stored nothing: the anonymous copy is still the one served.
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit"
    assert again.content == anonymous.content


def test_admin_and_preview_are_never_cached(client, page_cache):
    for path in ["/admin/login/", "/preview/article/1/"]:
        for _ in range(2):
            response = client.get(path)
            assert "X-Page-Cache" not in response
            assert "private" in response["Cache-Control"]
            assert "public" not in response["Cache-Control"]


def test_other_requests_pass_through(client, page_cache, live_article):
    assert "X-Page-Cache" not in client.post("/")
    missing = client.get("/news/no-such-story/")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in missing


def test_query_strings_are_cached_apart(client, page_cache, reporter):
    for number in range(25):
        make_article(f"Story {number}", status=Article.Status.PUBLISHED, authors=[reporter])
    first = client.get("/region/london/")
    second = client.get("/region/london/?page=2")
    assert second["X-Page-Cache"] == "miss"
    assert first.content != second.content


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(HttpResponse("x", status=404), id="not-200"),
        pytest.param(HttpResponse("x", headers={"Cache-Control": "private"}), id="private"),
        pytest.param(HttpResponse("x", headers={"Cache-Control": "no-store"}), id="no-store"),
        pytest.param(HttpResponse("x", headers={"Cache-Control": "no-cache, must-revalidate"}), id="no-cache"),
        pytest.param(HttpResponse("x", headers={"Vary": "Accept-Language"}), id="vary"),
    ],
)
def test_personal_or_uncacheable_responses_are_not_stored(response):
    assert not is_storable(response)


def test_responses_that_set_cookies_are_not_stored():
    response = HttpResponse("x", headers={"Vary": "Cookie"})
    assert is_storable(response)
    response.set_cookie("csrftoken", "abc")
    assert not is_storable(response)


def test_editing_a_live_headline_changes_every_page(
    client, page_cache, live_article, django_capture_on_commit_callbacks
):
    # The plain sitemap lists addresses only, and a published address never changes.
    paths = [build(live_article) for name, build in READER_PAGES.items() if name != "sitemap"]
    for path in paths:
        client.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        live_article.headline = "Warwick Square benches are back"
        live_article.save()
    for path in paths:
        assert "Warwick Square benches are back" in client.get(path).content.decode()


def test_bulk_updates_invalidate_too(client, page_cache, live_article, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=live_article.pk).update(status=Article.Status.UNPUBLISHED)
    assert "Warwick Square" not in client.get("/").content.decode()


def test_tag_footer_and_correction_changes_invalidate(
    client, page_cache, live_article, django_capture_on_commit_callbacks
):
    region_path = live_article.regions.get().get_absolute_url()
    article_path = live_article.get_absolute_url()
    client.get(region_path)
    client.get(article_path)
    with django_capture_on_commit_callbacks(execute=True):
        RegionTag.objects.get(slug="pimlico").save()
    assert client.get(region_path)["X-Page-Cache"] == "miss"
    client.get(article_path)
    with django_capture_on_commit_callbacks(execute=True):
        make_footer(tagline="Fresh from the desk:", teaser_text="Read the morning briefing", is_default=True)
    # The tagline reads as its own sentence (its trailing colon becomes a full stop).
    assert "Fresh from the desk." in client.get(article_path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Correction.objects.create(article=live_article, text="An earlier version misnamed the square.")
    assert client.get(article_path)["X-Page-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        live_article.regions.add("Westminster")
    assert client.get(article_path)["X-Page-Cache"] == "miss"


def test_nothing_is_invalidated_by_a_rolled_back_change(client, page_cache, live_article):
    generation = current_generation()
    live_article.headline = "Never committed"
    live_article.save()  # inside the test's transaction, which never commits
    assert current_generation() == generation


def test_a_scheduled_article_appears_when_its_time_comes_without_any_write(
    client, page_cache, live_article, reporter, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        scheduled = make_article(
            "Bridge reopens at dawn", authors=[reporter], regions=["Pimlico"], topics=["City life"]
        )
        publish(scheduled, django_capture_on_commit_callbacks, publish_at=start + timedelta(seconds=45))
        first = client.get("/")
        assert "Bridge reopens" not in first.content.decode()
        # CDNs may not keep the page past the moment it changes.
        assert first["Cache-Control"] == "public, max-age=45"
        assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(seconds=46), tick=False):
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert "Bridge reopens at dawn" in response.content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_an_embargo_lifting_also_ends_the_cached_page(
    client, page_cache, live_article, reporter, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        held = make_article("Embargoed survey results", authors=[reporter], regions=["Pimlico"], topics=["City life"])
        publish(held, django_capture_on_commit_callbacks, embargo_ends_at=start + timedelta(minutes=10))
        assert "Embargoed survey" not in client.get("/").content.decode()
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert "Embargoed survey results" in client.get("/").content.decode()


def test_the_generation_is_shared_between_worker_processes(page_cache, settings):
    """A change committed in one process invalidates the pages every other process holds."""
    before = current_generation()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["PAGE_CACHE_GENERATION_DIR"] = settings.CACHES["page_generation"]["LOCATION"]
    if settings.CACHES["page_generation"]["BACKEND"].endswith("RedisCache"):
        env.pop("PAGE_CACHE_GENERATION_DIR")
        env["REDIS_URL"] = settings.CACHES["page_generation"]["LOCATION"]  # this test process's own database
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from pagecache.generation import bump_generation; bump_generation()",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert current_generation() != before


def test_a_cache_outage_serves_pages_uncached(client, page_cache, live_article, settings):
    working = settings.CACHES
    settings.CACHES = {
        **working,
        "page_generation": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    try:
        response = client.get("/")
    finally:
        settings.CACHES = working
    assert response.status_code == 200
    assert "Warwick Square" in response.content.decode()


def test_page_cache_off_means_no_cache_headers(client, settings, live_article):
    settings.PAGE_CACHE = False
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "Cache-Control" not in response


def test_public_pages_vary_on_cookie_for_shared_caches(client, page_cache, live_article):
    first, second = client.get("/"), client.get("/")
    assert "Cookie" in first["Vary"]
    assert "Cookie" in second["Vary"]


def test_a_disallowed_host_gets_a_400_not_a_cached_page(client, page_cache, live_article):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"]


@pytest.mark.parametrize("page", ["home", "article", "feed"])
def test_a_hit_carries_the_security_headers_of_the_rendered_page(client, page_cache, live_article, page):
    # The page cache comes first in the stack: a hit skips the middleware that set these headers.
    path = READER_PAGES[page](live_article)
    miss = client.get(path)
    hit = client.get(path)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for header in SECURITY_HEADERS:
        assert hit[header] == miss[header]


def test_static_files_and_uploads_pass_by_the_page_cache(client, page_cache, monkeypatch):
    from pagecache import middleware

    looked_up = []
    monkeypatch.setattr(middleware, "request_state", lambda: looked_up.append(True))
    for path in ["/static/css/missing.css", "/media/missing.jpg"]:
        response = client.get(path)
        assert "X-Page-Cache" not in response
        assert "private" not in response.get("Cache-Control", "")
    assert looked_up == []


def test_a_hit_reads_only_the_epoch_from_the_shared_store(client, page_cache, live_article, monkeypatch):
    from django.core.cache.backends.filebased import FileBasedCache

    from pagecache import generation

    store = generation.generation_store()
    client.get("/")
    client.get("/")
    reads = []
    original = type(store).get
    monkeypatch.setattr(
        type(store), "get", lambda self, key, *args, **kwargs: reads.append(key) or original(self, key, *args, **kwargs)
    )
    assert client.get("/")["X-Page-Cache"] == "hit"
    # A file-based store's epoch file is read as bytes, and decoded only once it has changed.
    # (With Redis, pages share the store's class: their reads are left out.)
    shared_reads = [key for key in reads if not key.startswith("page-cache:page:")]
    assert shared_reads == ([] if isinstance(store, FileBasedCache) else [generation.EPOCH_KEY])


def test_the_epoch_written_by_another_process_is_read_at_once(page_cache, tmp_path, monkeypatch):
    """Every process reads the epoch another one wrote, on its next request; unchanged, it is not decoded."""
    from django.core.cache.backends.filebased import FileBasedCache

    from pagecache import generation

    reader, writer = FileBasedCache(str(tmp_path), {}), FileBasedCache(str(tmp_path), {})
    assert generation.stored_epoch(reader) is None
    decoded = []
    original = FileBasedCache.get
    monkeypatch.setattr(
        FileBasedCache, "get", lambda self, key, *args: decoded.append(key) or original(self, key, *args)
    )
    for token in ["first", "second", "third"]:
        writer.set(generation.EPOCH_KEY, token, timeout=None)
        decoded.clear()
        assert [generation.stored_epoch(reader) for _ in range(3)] == [token] * 3
        assert decoded == [generation.EPOCH_KEY]
    writer.delete(generation.EPOCH_KEY)
    assert generation.stored_epoch(reader) is None
