"""A change invalidates only the cached pages that show what changed, and never leaves one stale."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article, RegionTag
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    """Live stories in two regions and topics by two authors, and a draft in the first region."""
    pimlico_writer, soho_writer = make_author("Nadia Haddad"), make_author("Tom Reyes")
    with django_capture_on_commit_callbacks(execute=True):
        pimlico = [
            make_article(
                f"Pimlico story {n}",
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - timedelta(hours=n + 1),
                regions=["Pimlico"],
                topics=["City life"],
                authors=[pimlico_writer],
            )
            for n in range(3)
        ]
        soho = make_article(
            "Soho market reopens",
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now() - timedelta(days=2),
            regions=["Soho"],
            topics=["Business"],
            authors=[soho_writer],
        )
        draft = make_article("Pimlico draft", regions=["Pimlico"], topics=["City life"], authors=[pimlico_writer])
    return {"pimlico": pimlico, "soho": soho, "draft": draft, "editor": make_user("Editor")}


def publish_draft(newsroom, django_capture_on_commit_callbacks, **when):
    """Publish the Pimlico draft through the workflow, committed."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.article_publish(article=newsroom["draft"], user=newsroom["editor"], **when)


def unrelated_pages(newsroom):
    """Pages that do not show the Pimlico stories."""
    soho = newsroom["soho"]
    return [
        soho.get_absolute_url(),
        "/region/soho/",
        "/topic/business/",
        "/author/tom-reyes/",
        "/region/soho/feed/",
        "/topic/business/feed/atom/",
        "/author/tom-reyes/feed/",
    ]


def warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def cached(client, url):
    return client.get(url)["X-Page-Cache"] == "hit"


def test_saving_a_draft_changes_nothing_public(client, page_cache, newsroom, django_capture_on_commit_callbacks):
    pimlico = newsroom["pimlico"][0]
    urls = ["/", pimlico.get_absolute_url(), "/region/pimlico/", "/feed/", "/sitemap.xml", *unrelated_pages(newsroom)]
    warm(client, urls)
    draft = newsroom["draft"]
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            draft.body = f"<p>Autosaved text, version {n}.</p>"
            services.article_save(article=draft, user=newsroom["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=draft, user=newsroom["editor"])
    assert [url for url in urls if not cached(client, url)] == []


def test_a_publish_refreshes_what_shows_the_story_and_keeps_the_rest(
    client, page_cache, newsroom, django_capture_on_commit_callbacks
):
    pimlico = newsroom["pimlico"][0]
    showing = [
        "/",
        "/region/pimlico/",
        "/topic/city-life/",
        "/author/nadia-haddad/",
        "/feed/",
        "/region/pimlico/feed/",
        "/topic/city-life/feed/atom/",
        "/author/nadia-haddad/feed/",
    ]
    warm(client, [*showing, *unrelated_pages(newsroom)])
    publish_draft(newsroom, django_capture_on_commit_callbacks)
    for url in showing:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Pimlico draft" in response.content.decode(), url
    assert [url for url in unrelated_pages(newsroom) if not cached(client, url)] == []
    assert client.get(pimlico.get_absolute_url()).status_code == 200


def test_editing_a_live_story_refreshes_every_page_showing_its_card(
    client, page_cache, newsroom, django_capture_on_commit_callbacks
):
    story = newsroom["pimlico"][1]
    other = newsroom["pimlico"][0]
    urls = ["/", "/region/pimlico/", "/author/nadia-haddad/", story.get_absolute_url(), other.get_absolute_url()]
    warm(client, urls)
    story.headline = "Pimlico story, corrected headline"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story, user=newsroom["editor"])
    for url in urls:
        assert "Pimlico story, corrected headline" in client.get(url).content.decode(), url


def test_unpublishing_a_related_story_removes_it_from_the_pages_that_showed_it(
    client, page_cache, newsroom, django_capture_on_commit_callbacks
):
    shown, hidden = newsroom["pimlico"][0], newsroom["pimlico"][1]
    page = shown.get_absolute_url()
    assert hidden.get_absolute_url() in client.get(page).content.decode()
    assert cached(client, page)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=hidden, user=newsroom["editor"])
    assert hidden.get_absolute_url() not in client.get(page).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_scheduled_story_refreshes_only_what_shows_it_when_it_goes_live(
    client, page_cache, newsroom, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        publish_draft(newsroom, django_capture_on_commit_callbacks, publish_at=start + timedelta(minutes=5))
        warm(client, ["/", "/region/pimlico/", *unrelated_pages(newsroom)])
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        home = client.get("/")
        assert home["X-Page-Cache"] == "miss"
        assert "Pimlico draft" in home.content.decode()
        assert "Pimlico draft" in client.get("/region/pimlico/").content.decode()
        assert [url for url in unrelated_pages(newsroom) if not cached(client, url)] == []


def test_renaming_a_tag_refreshes_everything(client, page_cache, newsroom, django_capture_on_commit_callbacks):
    urls = ["/", *unrelated_pages(newsroom)]
    warm(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        region = RegionTag.objects.get(slug="soho")
        region.name = "Soho and Fitzrovia"
        region.save()
    assert "Soho and Fitzrovia" in client.get(newsroom["soho"].get_absolute_url()).content.decode()
    assert not any(cached(client, url) for url in ["/", "/region/soho/"])


def test_the_masthead_follows_a_section_gaining_its_first_or_losing_its_last_story(
    client, page_cache, newsroom, settings, django_capture_on_commit_callbacks
):
    settings.NAV_SECTIONS = [("region", "pimlico"), ("region", "soho")]
    soho = newsroom["soho"]
    page = newsroom["pimlico"][0].get_absolute_url()
    assert 'href="/region/soho/"' in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=soho, user=newsroom["editor"])
    assert 'href="/region/soho/"' not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=Article.objects.get(pk=soho.pk), user=newsroom["editor"])
    assert 'href="/region/soho/"' in client.get(page).content.decode()


def test_a_busy_masthead_section_gaining_a_story_leaves_other_pages_cached(
    client, page_cache, newsroom, settings, django_capture_on_commit_callbacks
):
    settings.NAV_SECTIONS = [("region", "pimlico"), ("region", "soho")]
    unrelated = newsroom["soho"].get_absolute_url()
    warm(client, [unrelated])
    publish_draft(newsroom, django_capture_on_commit_callbacks)
    assert cached(client, unrelated)
