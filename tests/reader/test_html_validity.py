"""Every public page type is valid HTML by the W3C Nu HTML checker (vnu.jar), with no error.

The pages are read from the demo newsroom (`load_demo`). To cover a new page type, add it to
PAGES: a path, or a function of the loaded demo content returning one (run inside the test,
with database access); a page answering anything but 200 also goes in STATUS.
"""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from articles import image_library
from articles.models import Article, Author, ListingEntry, RegionTag, TopicTag
from articles.services import article_save
from reader.views import database_unavailable, server_error
from tests.helpers import html_checker
from tests.helpers.factories import make_user
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.django_db


def newest_live():
    return Article.objects.live().order_by("-publish_at", "-pk").first()


def busiest(model, kind):
    key = ListingEntry.objects.live().filter(kind=kind).values_list("key", flat=True).order_by("-public_at").first()
    return model.objects.get(pk=key).get_absolute_url()


PAGES = {
    "home": "/",
    "article": lambda: newest_live().get_absolute_url(),
    "article with a correction and a footer teaser": lambda: with_correction().get_absolute_url(),
    "article with pictures in its text and an embed": lambda: with_pictures_and_embed().get_absolute_url(),
    "regions index": "/regions/",
    "topics index": "/topics/",
    "region": lambda: busiest(RegionTag, "region"),
    "topic": lambda: busiest(TopicTag, "topic"),
    "author": lambda: busiest(Author, "author"),
    "search form": "/search/",
    "search results": "/search/?q=council",
    "search, no match": "/search/?q=zebracrossingfund",
    "search, sorted and filtered": "/search/?q=council&sort=date&section=region:london&from=2020-01-01&to=2030-12-31",
    "search, refused filters": "/search/?q=council&from=never&to=2020-02-30&section=region:atlantis",
    "archive": "/news/",
    "archive year": lambda: archive_page(newest_live(), "%Y"),
    "archive month": lambda: archive_page(newest_live(), "%Y/%m"),
    "archive day": lambda: archive_page(newest_live(), "%Y/%m/%d"),
    "not found": "/news/there-is-no-such-story/",
    "home with breaking news and most read": lambda: with_breaking_news_and_reads(),
    "newsletter sign-up": "/newsletter/",
    "newsletter, check your inbox": "/newsletter/check-your-inbox/",
    "newsletter, confirm": lambda: newsletter_link("confirm"),
    "newsletter, unsubscribe": lambda: newsletter_link("unsubscribe"),
    "site page": "/about/",
}
STATUS = {"not found": 404}


def with_breaking_news_and_reads():
    from datetime import timedelta

    from articles.models import ArticleReads, BreakingNews, StaticPage

    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    stories = list(Article.objects.live().order_by("-publish_at")[:5])
    for position, story in enumerate(stories):
        ArticleReads.objects.create(article=story, hour=hour - timedelta(hours=1), reads=50 - position)
    BreakingNews.objects.create(article=stories[0], ends_at=timezone.now() + timedelta(hours=1))
    StaticPage.objects.get_or_create(kind="about", defaults={"title": "About us", "is_published": True})
    return "/"


def newsletter_link(kind):
    from newsletter import tokens
    from newsletter.models import Subscriber

    subscriber = Subscriber.objects.create(email=f"{kind}@example.org")
    if kind == "confirm":
        return f"/newsletter/confirm/{tokens.confirmation_token(subscriber, [], [])}/"
    return subscriber.get_unsubscribe_url()


def archive_page(article, pattern):
    return f"/news/{timezone.localdate(article.publish_at).strftime(pattern)}/"


def with_correction():
    article = newest_live()
    article.corrections.create(text="An earlier version gave the wrong date for the walk.")
    return article


def with_pictures_and_embed():
    article = Article.objects.live().order_by("publish_at", "pk").first()
    picture = image_library.create_library_image(
        file=ContentFile(image_bytes("JPEG", size=(1200, 800))), name="lanterns.jpg", alt="Lanterns", credit="Staff"
    )
    article.hero = picture
    article.body = (
        f'<p>Before.</p><figure data-image="{picture.pk}" data-caption="Lanterns at dusk"></figure>'
        '<p>Between.</p><figure data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure><p>After.</p>'
    )
    article_save(article=article, user=make_user("Editor"))
    return article


@pytest.fixture
def checker():
    reason = html_checker.missing_reason()
    if reason:
        pytest.skip(f"the W3C Nu HTML checker cannot run: {reason}")


def test_every_public_page_type_is_valid_html(client, checker, tmp_path):
    call_command("load_demo", stdout=StringIO())
    documents = {}
    for name, page in PAGES.items():
        path = page() if callable(page) else page
        response = client.get(path)
        assert response.status_code == STATUS.get(name, 200), f"{name}: {path} answered {response.status_code}"
        documents[f"{name} ({path})"] = response.content.decode()
    request = RequestFactory().get("/")
    documents["server error (500)"] = server_error(request).content.decode()
    documents["database unavailable (503)"] = database_unavailable(request).content.decode()
    errors = {name: found for name, found in html_checker.check_documents(documents, tmp_path).items() if found}
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
