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
    "archive": "/news/",
    "archive year": lambda: archive_page(newest_live(), "%Y"),
    "archive month": lambda: archive_page(newest_live(), "%Y/%m"),
    "archive day": lambda: archive_page(newest_live(), "%Y/%m/%d"),
    "not found": "/news/there-is-no-such-story/",
}
STATUS = {"not found": 404}


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
