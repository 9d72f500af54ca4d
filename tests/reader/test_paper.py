"""The paper around the stories: breaking news, the outlet's pages, most read, share links, favicon, manifest,
print stylesheet."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import paper, services
from articles.models import Article, ArticleReads, BreakingNews, StaticPage
from pagecache.schedule import next_scheduled_change, request_state
from pagecache.tags import invalidate
from reader import paper as reader_paper
from reader import readmodel
from reader.shown import BREAKING, NAV, SITE_PAGES, article_tag
from tests.helpers.caches import clear_caches
from tests.helpers.factories import make_article, make_footer, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def stories(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [
            make_article(
                f"Pimlico story {n}",
                status=Article.Status.PUBLISHED,
                regions=["Pimlico"],
                publish_at=timezone.now() - timedelta(hours=n + 1),
            )
            for n in range(3)
        ]


@pytest.fixture
def editor():
    return make_user("Editor")


def pages(stories):
    return ["/", stories[1].get_absolute_url(), "/region/pimlico/", "/regions/", "/search/?q=pimlico", "/newsletter/"]


def cached(client, url):
    return client.get(url)["X-Page-Cache"] == "hit"


# Breaking news ----------------------------------------------------------------------------------------------------


def mark_breaking(story, editor, capture, **window):
    window.setdefault("ends_at", timezone.now() + timedelta(hours=1))
    with capture(execute=True):
        return paper.breaking_news_save(banner=BreakingNews(article=story, **window), user=editor)


def test_a_breaking_story_shows_a_banner_on_every_page_until_it_ends_by_itself(
    client, page_cache, stories, editor, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for url in pages(stories):
            assert client.get(url).status_code == 200 and cached(client, url)
        mark_breaking(
            stories[0],
            editor,
            django_capture_on_commit_callbacks,
            headline="Fire at Pimlico station",
            ends_at=start + timedelta(minutes=30),
        )
        for url in pages(stories):
            html = client.get(url).content.decode()
            assert 'class="breaking"' in html and "Fire at Pimlico station" in html, url
            assert stories[0].get_absolute_url() in html
    with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
        for url in pages(stories):
            assert "Fire at Pimlico station" not in client.get(url).content.decode(), url


def test_a_banner_waits_for_its_story_to_go_live_and_leaves_with_it(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            scheduled = make_article(
                "Scheduled breaking story", status=Article.Status.PUBLISHED, publish_at=start + timedelta(minutes=10)
            )
            make_article("Something else", status=Article.Status.PUBLISHED)
        mark_breaking(scheduled, editor, django_capture_on_commit_callbacks, ends_at=start + timedelta(hours=1))
        assert "Scheduled breaking story" not in client.get("/").content.decode()
        assert cached(client, "/")
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert 'class="breaking"' in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=Article.objects.get(pk=scheduled.pk), user=editor)
        assert 'class="breaking"' not in client.get("/").content.decode()


def test_only_editors_mark_breaking_news_and_only_published_stories(stories, django_capture_on_commit_callbacks):
    reporter = make_user("Reporter")
    with pytest.raises(PermissionDenied):
        paper.breaking_news_save(
            banner=BreakingNews(article=stories[0], ends_at=timezone.now() + timedelta(hours=1)), user=reporter
        )
    draft = make_article("A draft")
    with pytest.raises(ValidationError, match="Only a published story"):
        paper.breaking_news_save(
            banner=BreakingNews(article=draft, ends_at=timezone.now() + timedelta(hours=1)), user=make_user("Editor")
        )
    with pytest.raises(ValidationError, match="end after it starts"):
        now = timezone.now()
        paper.breaking_news_save(
            banner=BreakingNews(
                article=stories[0], starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=1)
            ),
            user=make_user("Editor"),
        )
    assert not BreakingNews.objects.exists()


def test_the_desk_marks_a_story_breaking(client, stories, editor):
    client.force_login(editor)
    assert client.get("/admin/articles/breakingnews/add/").status_code == 200
    ends = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        "/admin/articles/breakingnews/add/",
        {
            "article": stories[0].pk,
            "headline": "",
            "starts_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "starts_at_1": timezone.localtime().strftime("%H:%M:%S"),
            "ends_at_0": ends.strftime("%d/%m/%Y"),
            "ends_at_1": ends.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BreakingNews.objects.get().created_by == editor
    client.logout()
    assert stories[0].headline in client.get("/region/pimlico/").content.decode().split('class="breaking"')[1][:400]
    reporter = make_user("Reporter")
    client.force_login(reporter)
    assert client.get("/admin/articles/breakingnews/add/").status_code == 403


# The outlet's pages --------------------------------------------------------------------------------------------


def test_site_pages_are_edited_in_the_desk_and_served_at_clean_addresses(
    client, page_cache, stories, editor, django_capture_on_commit_callbacks
):
    assert client.get("/about/").status_code == 404
    assert client.get("/").status_code == 200 and cached(client, "/")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/staticpage/add/",
            {
                "kind": "about",
                "title": "About us",
                "summary": "Who we are.",
                "body": '<p>We report on <a href="https://example.org" onclick="x()">Pimlico</a>.</p><script>alert(1)</script>',
                "is_published": "on",
            },
        )
    assert response.status_code == 302
    client.logout()
    page = client.get("/about/")
    html = page.content.decode()
    assert page.status_code == 200 and "About us" in html and "We report on" in html
    assert "<script>alert" not in html and "onclick" not in html
    assert 'href="/about/"' in client.get("/").content.decode(), "the footer links to it at once"
    with django_capture_on_commit_callbacks(execute=True):
        page_row = StaticPage.objects.get(kind="about")
        page_row.is_published = False
        paper.static_page_save(page=page_row, user=editor)
    assert client.get("/about/").status_code == 404
    assert 'href="/about/"' not in client.get("/").content.decode()
    for kind in ("contact", "privacy", "corrections-policy", "advertise"):
        assert client.get(f"/{kind}/").status_code == 404
    assert client.get("/About/").status_code == 404


# Most read --------------------------------------------------------------------------------------------------------


def test_the_beacon_counts_reads_per_hour_without_cookies_or_personal_data(client, stories):
    url = f"/read/{stories[0].pk}/"
    for _ in range(3):
        response = client.post(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 204 and not response.cookies
    row = ArticleReads.objects.get()
    assert row.reads == 3 and row.hour == timezone.now().replace(minute=0, second=0, microsecond=0)
    assert {field.name for field in ArticleReads._meta.get_fields()} == {"id", "article", "hour", "reads"}
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "curl/8.5.0",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 HeadlessChrome/131.0",
    ],
)
def test_bots_are_not_counted(client, stories, agent):
    assert client.post(f"/read/{stories[0].pk}/", HTTP_USER_AGENT=agent).status_code == 204
    assert not ArticleReads.objects.exists()


def test_stories_that_are_not_live_are_not_counted(client):
    draft = make_article("Draft")
    scheduled = make_article("Later", status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(hours=1))
    for pk in (draft.pk, scheduled.pk, 999999):
        assert client.post(f"/read/{pk}/", HTTP_USER_AGENT=BROWSER).status_code == 204
    assert not ArticleReads.objects.exists()
    assert client.post("/read/not-a-number/").status_code == 404
    assert client.post(f"/read/{10**30}/", HTTP_USER_AGENT=BROWSER).status_code == 204


def test_counting_a_read_costs_a_few_queries_and_never_the_page(client, stories, django_assert_max_num_queries):
    """A read is one probe and one UPDATE (in the savepoint every POST gets); an hour's first read adds an INSERT
    in its own savepoint. The page itself runs none of it: the beacon posts after the page has loaded."""
    with django_assert_max_num_queries(7):
        client.post(f"/read/{stories[0].pk}/", HTTP_USER_AGENT=BROWSER)
    with django_assert_max_num_queries(4):
        client.post(f"/read/{stories[0].pk}/", HTTP_USER_AGENT=BROWSER)
    html = client.get(stories[0].get_absolute_url()).content.decode()
    assert f'data-count-url="/read/{stories[0].pk}/" defer' in html


def test_most_read_shows_the_last_days_whole_hours_and_turns_over_on_the_hour(
    client, page_cache, stories, django_capture_on_commit_callbacks
):
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    hour = now.replace(minute=0)
    ArticleReads.objects.create(article=stories[2], hour=hour - timedelta(hours=2), reads=50)
    ArticleReads.objects.create(article=stories[1], hour=hour - timedelta(hours=1), reads=20)
    ArticleReads.objects.create(article=stories[0], hour=hour - timedelta(hours=25), reads=999)  # over a day ago
    ArticleReads.objects.create(article=stories[0], hour=hour, reads=30)  # this hour: counted from the next
    with time_machine.travel(now, tick=False):
        for url in ("/", stories[0].get_absolute_url()):
            html = client.get(url).content.decode()
            most_read = html.split('id="most-read-heading"')[1].split("</section>")[0]
            assert most_read.index("Pimlico story 2") < most_read.index("Pimlico story 1")
            assert "Pimlico story 0" not in most_read
            assert cached(client, url)
        assert cached(client, stories[1].get_absolute_url()) is False  # first visit renders
    with time_machine.travel(hour + timedelta(hours=1, seconds=1), tick=False):
        home = client.get("/")
        assert home["X-Page-Cache"] == "miss"
        most_read = home.content.decode().split('id="most-read-heading"')[1].split("</section>")[0]
        assert (
            most_read.index("Pimlico story 2") < most_read.index("Pimlico story 0") < most_read.index("Pimlico story 1")
        )
    with time_machine.travel(hour + timedelta(hours=1, seconds=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.article_unpublish(article=Article.objects.get(pk=stories[2].pk), user=make_user("Editor"))
        assert "Pimlico story 2" not in client.get("/").content.decode()


def test_most_read_is_one_query_and_leaves_out_stories_no_longer_live(stories, django_assert_num_queries):
    """The most read stories are ranked, then kept while live, in the same query."""
    now = timezone.now()
    hour = paper.read_hour(now)
    more = [make_article(f"Read story {n}", status=Article.Status.PUBLISHED) for n in range(4)]
    pulled = make_article("Pulled story", status=Article.Status.PUBLISHED)
    Article.objects.filter(pk=pulled.pk).update(status=Article.Status.TAKEN_DOWN)
    ranked = [pulled, *more, *stories]  # most read first
    ArticleReads.objects.bulk_create(
        ArticleReads(article=story, hour=hour - timedelta(hours=1), reads=100 - n) for n, story in enumerate(ranked)
    )
    with django_assert_num_queries(1):
        listed = reader_paper.most_read(now)
    assert listed == [(story.pk, story.headline, story.get_absolute_url()) for story in ranked[1:6]]


def test_the_frame_is_read_in_one_query_and_remembered_as_one_value(
    stories, editor, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The banner, the masthead's sections and the links to the outlet's pages: one query, one remembered value,
    read again when any of them may have changed (or the banner's story did)."""
    settings.NAV_SECTIONS = [("topic", "culture"), ("region", "pimlico"), ("region", "nowhere")]
    BreakingNews.objects.create(article=stories[1], ends_at=timezone.now() + timedelta(hours=1))
    StaticPage.objects.create(kind="privacy", title="Privacy notice", is_published=True)
    StaticPage.objects.create(kind="about", title="About us", is_published=True)
    StaticPage.objects.create(kind="contact", title="Contact", is_published=False)
    clear_caches()
    request_state()  # the schedule, read once per request
    with django_assert_num_queries(1):
        frame = readmodel.furniture()
    assert frame == {
        "banner": {"pk": stories[1].pk, "text": "Pimlico story 1", "url": stories[1].get_absolute_url()},
        "nav": [("Culture", "/topic/culture/"), ("Pimlico", "/region/pimlico/")],
        "pages": [("about", "About us", "/about/"), ("privacy", "Privacy notice", "/privacy/")],
    }
    with django_assert_num_queries(0):
        assert readmodel.furniture() == frame
    for tag in (BREAKING, NAV, SITE_PAGES, article_tag(stories[1].pk)):
        with django_capture_on_commit_callbacks(execute=True):
            invalidate([tag])
        with django_assert_num_queries(1):
            assert readmodel.furniture() == frame
    with django_capture_on_commit_callbacks(execute=True):
        invalidate([article_tag(stories[0].pk)])
    with django_assert_num_queries(0):
        readmodel.furniture()


def test_with_nothing_remembered_a_page_reads_its_frame_once(client, stories, memo_off):
    """The banner, the sections and the outlet's pages are shown by three tags in two templates: one read."""
    StaticPage.objects.create(kind="about", title="About us", is_published=True)
    BreakingNews.objects.create(article=stories[1], ends_at=timezone.now() + timedelta(hours=1))
    for path in ["/", stories[0].get_absolute_url(), "/region/pimlico/"]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(path).content.decode()
        assert 'href="/about/"' in html and "Pimlico story 1" in html, path
        assert len([query for query in queries.captured_queries if "articles_staticpage" in query["sql"]]) == 1, path


@pytest.mark.parametrize(
    "earliest",
    ["a story goes live", "a footer opens", "a footer closes", "a banner opens", "a banner closes", "the hour turns"],
)
def test_every_schedule_is_probed_in_one_query(earliest, stories, django_assert_num_queries):
    """The next scheduled change is the earliest moment any registered schedule names, read in one statement."""
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    soon, later = now + timedelta(minutes=10), now + timedelta(hours=3)
    with time_machine.travel(now, tick=False):
        make_article(
            "Scheduled", status=Article.Status.PUBLISHED, publish_at=soon if earliest == "a story goes live" else later
        )
        make_footer(starts_at=soon if earliest == "a footer opens" else later, ends_at=later + timedelta(hours=1))
        make_footer(ends_at=soon if earliest == "a footer closes" else later + timedelta(minutes=1))
        BreakingNews.objects.create(
            article=stories[0],
            starts_at=soon if earliest == "a banner opens" else later,
            ends_at=later + timedelta(hours=1),
        )
        BreakingNews.objects.create(
            article=stories[1],
            starts_at=now - timedelta(minutes=5),
            ends_at=soon if earliest == "a banner closes" else later + timedelta(minutes=2),
        )
        if earliest == "the hour turns":
            ArticleReads.objects.create(article=stories[2], hour=now.replace(minute=0), reads=1)
        expected = now.replace(minute=0) + timedelta(hours=1) if earliest == "the hour turns" else soon
        with django_assert_num_queries(1):
            assert next_scheduled_change(now) == expected


def test_an_hour_that_changes_nothing_keeps_pages_cached(client, page_cache, stories):
    now = timezone.now().replace(minute=59, second=0, microsecond=0)
    with time_machine.travel(now, tick=False):
        assert client.get("/").status_code == 200 and cached(client, "/")
    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        assert cached(client, "/")


# Share links, favicon, manifest, print ---------------------------------------------------------------------------


def test_article_pages_have_share_links_and_no_third_party_scripts(client, stories, settings):
    settings.SITE_URL = "https://news.example"
    html = client.get(stories[0].get_absolute_url()).content.decode()
    share = html.split('class="share"')[1].split("</aside>")[0]
    encoded = f"https%3A%2F%2Fnews.example%2Fnews%2F{stories[0].slug}%2F"
    assert f'href="https://x.com/intent/post?url={encoded}&amp;text=Pimlico+story+0"' in share
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={encoded}"' in share
    assert f'href="https://wa.me/?text=Pimlico+story+0+{encoded}"' in share
    assert f'href="mailto:?subject=Pimlico%20story%200&amp;body={encoded}"' in share
    assert f'data-copy-link="https://news.example/news/{stories[0].slug}/"' in share
    assert "Copy link" in share
    scripts = [part.split('"')[1] for part in html.split("<script src=")[1:]]
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert "<script>" not in html


def test_favicon_manifest_and_print_stylesheet(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"
    assert client.head("/favicon.ico").status_code == 200
    manifest = client.get("/manifest.webmanifest")
    document = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert document["name"] == "The WP Times" and document["start_url"] == "/"
    assert {icon["sizes"] for icon in document["icons"]} >= {"192x192", "512x512"}
    html = client.get("/").content.decode()
    assert 'href="/manifest.webmanifest"' in html and 'href="/favicon.ico"' in html
    assert 'css/print.css" media="print"' in html


# Query budgets of the new pages, cold and warm, at two archive sizes (see tests/reader/test_query_budget.py) ---

# The frame alone is 2 queries cold: the schedule's probes, and the banner, navigation and site-page links
# together. The sign-up page adds the public regions and topics and the privacy page's link; a site page, the
# page itself.
PAPER_PAGES = {
    "newsletter sign-up": ("/newsletter/", 5, 0),
    "newsletter, check your inbox": ("/newsletter/check-your-inbox/", 2, 0),
    "site page": ("/about/", 3, 0),
    "favicon": ("/favicon.ico", 0, 0),
    "manifest": ("/manifest.webmanifest", 0, 0),
}


@pytest.fixture(params=[30, 300], ids=["30 articles", "300 articles"])
def archive(request):
    from devtools.archive import generate_archive
    from tests.helpers.caches import clear_caches

    generate_archive(articles=request.param, seed=3)
    StaticPage.objects.create(kind="about", title="About us", body="<p>Who we are.</p>", is_published=True)
    StaticPage.objects.create(kind="privacy", title="Privacy notice", body="<p>What we keep.</p>", is_published=True)
    live = list(Article.objects.live().order_by("-publish_at")[:8])
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    ArticleReads.objects.bulk_create(
        ArticleReads(article=story, hour=hour - timedelta(hours=n % 3 + 1), reads=10 + n)
        for n, story in enumerate(live)
    )
    BreakingNews.objects.create(article=live[0], ends_at=timezone.now() + timedelta(hours=1))
    clear_caches()
    return request.param


@pytest.mark.parametrize("page", list(PAPER_PAGES))
def test_new_pages_run_a_constant_number_of_queries(client, archive, page, django_assert_max_num_queries):
    path, cold_budget, warm_budget = PAPER_PAGES[page]
    with django_assert_max_num_queries(cold_budget):
        response = client.get(path)
    assert response.status_code == 200, path
    with django_assert_max_num_queries(warm_budget):
        again = client.get(path)
    assert again.content == response.content


def test_home_and_article_with_most_read_and_a_banner_stay_within_their_budgets(
    client, archive, django_assert_max_num_queries
):
    """With reads counted and a banner up, home and article pages keep the budgets of test_query_budget.py."""
    story = Article.objects.live().order_by("-publish_at").first()
    for path, budget in (("/", 7), (story.get_absolute_url(), 7)):
        with django_assert_max_num_queries(budget):
            html = client.get(path).content.decode()
        assert 'id="most-read-heading"' in html and 'class="breaking"' in html
        with django_assert_max_num_queries(0):
            client.get(path)


# Author pages -----------------------------------------------------------------------------------------------------


def test_author_pages_show_photo_role_and_bio_and_the_desk_refuses_a_fake_photo(
    client, django_capture_on_commit_callbacks
):
    from tests.helpers.factories import make_author
    from tests.helpers.images import image_bytes, upload

    author = make_author(
        "Amira Patel",
        title="Westminster correspondent",
        bio="Covers the council and the courts.",
        photo=upload("amira.png", image_bytes("PNG", size=(300, 300)), "image/png"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Council budget passes", status=Article.Status.PUBLISHED, authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'src="{author.photo.url}"' in html
    assert "Westminster correspondent" in html and "Covers the council and the courts." in html

    admin = make_user("Admin")
    client.force_login(admin)
    response = client.post(
        f"/admin/articles/author/{author.pk}/change/",
        {
            "name": "Amira Patel",
            "slug": author.slug,
            "title": "Westminster correspondent",
            "bio": "",
            "photo": upload("photo.jpg", b"<?php echo 'not an image'; ?>"),
        },
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    author.refresh_from_db()
    assert author.bio == "Covers the council and the courts."
