"""One article in every state; only the live one may be seen anywhere a reader can look."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleReads, BreakingNews, OldAddress
from tests.helpers.factories import make_article, make_author, make_footer

pytestmark = pytest.mark.django_db

MISSING_URL = "/news/there-is-no-such-story/"


@pytest.fixture
def matrix():
    now = timezone.now()
    shared = make_author("Shared Reporter")
    states = {
        "draft": {"status": Article.Status.DRAFT},
        "in_review": {"status": Article.Status.IN_REVIEW},
        "scheduled": {"status": Article.Status.PUBLISHED, "publish_at": now + timedelta(hours=3)},
        "embargoed": {"status": Article.Status.PUBLISHED, "publish_at": now - timedelta(hours=1)},
        "unpublished": {"status": Article.Status.UNPUBLISHED, "publish_at": now - timedelta(days=1)},
        "taken_down": {"status": Article.Status.TAKEN_DOWN, "publish_at": now - timedelta(days=1)},
    }
    hidden = {}
    for state, fields in states.items():
        word = f"zq{state.replace('_', '')}word"
        article = make_article(
            f"Hidden {word} story",
            standfirst=f"Standfirst {word}",
            body=f"<p>Body {word}</p>",
            authors=[shared, make_author(f"Only {state} writer")],
            regions=["Pimlico", f"Only {state} region"],
            topics=["Culture", f"Only {state} topic"],
            status=fields["status"],
            publish_at=fields.get("publish_at"),
        )
        hidden[state] = (article, word)
        # Its addresses on the site it was imported from: a 404 and the plain home page, like a missing story.
        OldAddress.objects.create(path=f"/old/{state}/", article=article)
        OldAddress.objects.create(path=f"/?p={900 + len(hidden)}", article=article)
    Article.objects.filter(pk=hidden["embargoed"][0].pk).update(embargo_ends_at=now + timedelta(hours=2))
    live = make_article(
        "Visible lantern story",
        authors=[shared],
        regions=["Pimlico"],
        topics=["Culture"],
        status=Article.Status.PUBLISHED,
    )
    # A footer teasing a hidden story must not show it under the live one.
    make_footer(is_default=True, teaser_article=hidden["scheduled"][0])
    # Marked as breaking news and read more than the live story: neither the banner nor "most read" may show them.
    hour = now.replace(minute=0, second=0, microsecond=0)
    for article, _word in hidden.values():
        BreakingNews.objects.create(
            article=article, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5)
        )
        ArticleReads.objects.create(article=article, hour=hour - timedelta(hours=1), reads=1000)
    ArticleReads.objects.create(article=live, hour=hour - timedelta(hours=1), reads=1)
    return live, hidden


def public_urls(live, hidden):
    shared_author = live.authors[0]
    urls = [
        "/",
        live.get_absolute_url(),
        "/regions/",
        "/topics/",
        "/region/pimlico/",
        "/topic/culture/",
        shared_author.get_absolute_url(),
        "/search/?q=story",
        "/search/?q=hidden",
        "/feed/",
        "/feed/atom/",
        "/region/pimlico/feed/",
        "/region/pimlico/feed/atom/",
        "/topic/culture/feed/",
        "/topic/culture/feed/atom/",
        f"{shared_author.get_absolute_url()}feed/",
        f"{shared_author.get_absolute_url()}feed/atom/",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-authors.xml",
        "/sitemap-news.xml",
        "/newsletter/",
        "/news/",
        *archive_pages(live),
    ]
    urls += [f"/search/?q={word}" for _article, word in hidden.values()]
    urls += [f"/search/?q={word}&sort=date&section=region:pimlico&from=2000-01-01" for _a, word in hidden.values()]
    urls += [f"/?p={900 + number}" for number in range(1, len(hidden) + 1)]
    urls += [f"/search/?q=hidden+{word}+story" for _article, word in hidden.values()]
    return urls


def archive_pages(live):
    """The archive's year, month and day pages holding the live story (and, that day, the hidden ones)."""
    day = timezone.localdate(live.publish_at)
    return [f"/news/{day:%Y}/", f"/news/{day:%Y/%m}/", f"/news/{day:%Y/%m/%d}/"]


def hidden_urls(hidden):
    urls = []
    for state, (article, _word) in hidden.items():
        slug = state.replace("_", "-")
        urls += [
            article.get_absolute_url(),
            f"/region/only-{slug}-region/",
            f"/region/only-{slug}-region/feed/",
            f"/region/only-{slug}-region/feed/atom/",
            f"/topic/only-{slug}-topic/",
            f"/topic/only-{slug}-topic/feed/",
            f"/topic/only-{slug}-topic/feed/atom/",
            f"/author/only-{slug}-writer/",
            f"/author/only-{slug}-writer/feed/",
            f"/author/only-{slug}-writer/feed/atom/",
            f"/old/{state}/",
            f"/old/{state}",
        ]
    return urls


def test_every_hidden_state_is_really_not_live(matrix):
    live, hidden = matrix
    assert list(Article.objects.live()) == [live]
    for article, _word in hidden.values():
        article.refresh_from_db()
        assert not article.is_live
    assert Article.objects.get(pk=hidden["embargoed"][0].pk).is_scheduled


def test_no_public_url_shows_a_hidden_article(client, matrix):
    live, hidden = matrix
    for url in public_urls(live, hidden):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for state, (article, word) in hidden.items():
            # The search page repeats the query itself, so look for the story's own text.
            for text in (f"Hidden {word} story", f"Standfirst {word}", f"Body {word}"):
                assert text not in body, f"{state} article leaked on {url}"
            assert article.slug not in body, f"{state} article linked from {url}"
            assert f"Only {state.replace('_', ' ')}" not in body, f"{state} tag or author leaked on {url}"
    home = client.get("/").content.decode()
    assert "Visible lantern story" in home
    assert 'class="breaking"' not in home and 'id="most-read-heading"' in home


def test_articles_read_by_id_are_only_the_live_ones(matrix):
    from reader.selectors import card_rows

    live, hidden = matrix
    ids = [article.pk for article, _word in hidden.values()]
    assert [row.pk for row in card_rows([*ids, live.pk, *reversed(ids)])] == [live.pk]


def test_hidden_article_and_its_only_sections_are_404_like_a_missing_page(client, matrix):
    _live, hidden = matrix
    missing = client.get(MISSING_URL)
    assert missing.status_code == 404
    taken_down = hidden["taken_down"][0].get_absolute_url()
    for url in hidden_urls(hidden):
        response = client.get(url)
        if url == taken_down:
            # A story taken down says it is gone for good, and nothing more.
            assert response.status_code == 410, url
            assert "Hidden" not in response.content.decode()
            continue
        assert response.status_code == 404, url
        assert response.content == missing.content, url
        assert response["Content-Type"] == missing["Content-Type"], url


def test_a_hidden_article_appears_once_it_goes_live(client, matrix):
    _live, hidden = matrix
    scheduled, word = hidden["scheduled"]
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert word in client.get("/feed/").content.decode()
    assert client.get("/region/only-scheduled-region/").status_code == 200


# Through the anonymous page cache ------------------------------------------------------------------------------------

LEAKY = {
    "unpublished": "zqcachedunpub",
    "scheduled": "zqcachedsched",
    "embargoed": "zqcachedembargo",
    "taken_down": "zqcachedgone",
}


def cached_public_urls(cast, stable, leaky):
    urls = [
        "/",
        stable.get_absolute_url(),
        "/regions/",
        "/topics/",
        "/region/pimlico/",
        "/topic/culture/",
        cast["owner_author"].get_absolute_url(),
        f"{cast['owner_author'].get_absolute_url()}feed/",
        "/search/?q=story",
        "/feed/",
        "/feed/atom/",
        "/region/pimlico/feed/",
        "/topic/culture/feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-news.xml",
        "/news/",
        *archive_pages(stable),
    ]
    return urls + [f"/search/?q={word}" for word in leaky.values()]


def test_nothing_leaves_the_page_cache_once_an_article_stops_being_live(
    client, page_cache, django_capture_on_commit_callbacks
):
    from articles.services import article_publish, article_take_down, article_unpublish
    from tests.helpers.workflow_helpers import article_in, make_cast

    cast = make_cast()
    editor = cast["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        stable = article_in("published", cast, headline="Steady lantern story", regions=["Pimlico"])
        articles = {
            state: article_in(
                "published",
                cast,
                headline=f"Cached {word} story",
                regions=["Pimlico", f"Only {word} region"],
                topics=["Culture", f"Only {word} topic"],
            )
            for state, word in LEAKY.items()
        }
        make_footer(is_default=True, teaser_article=articles["unpublished"])
    urls = cached_public_urls(cast, stable, LEAKY)
    own_urls = {
        state: [
            article.get_absolute_url(),
            f"/region/only-{LEAKY[state]}-region/",
            f"/topic/only-{LEAKY[state]}-topic/",
        ]
        for state, article in articles.items()
    }

    # Warm the cache: every page (and each article's own pages) is stored while all four are live.
    for url in urls + [url for group in own_urls.values() for url in group]:
        assert client.get(url).status_code == 200, url
    warmed = client.get("/")
    assert warmed["X-Page-Cache"] == "hit"
    assert all(f"Cached {word} story" in warmed.content.decode() for word in LEAKY.values())
    assert "Cached zqcachedunpub story" in client.get(stable.get_absolute_url()).content.decode(), "footer teaser"

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=articles["unpublished"], user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = article_unpublish(article=articles["scheduled"], user=editor)
        article_publish(article=scheduled, user=editor, publish_at=now + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        embargoed = article_unpublish(article=articles["embargoed"], user=editor)
        article_publish(article=embargoed, user=editor, embargo_ends_at=now + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        article_take_down(article=articles["taken_down"], user=editor, comment="A court order.")
    assert list(Article.objects.live()) == [stable]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for state, word in LEAKY.items():
            assert f"Cached {word} story" not in body, f"{state} article leaked from the cache on {url}"
            assert articles[state].get_absolute_url() not in body, f"{state} article linked from {url}"
            assert f"Only {word}" not in body, f"{state} section leaked from the cache on {url}"
    for state, group in own_urls.items():
        for url in group:
            gone = state == "taken_down" and url == articles[state].get_absolute_url()
            assert client.get(url).status_code == (410 if gone else 404), f"{state}: {url} still served"
    assert "Steady lantern story" in client.get("/").content.decode()
