"""The browser tests' live server, as the browser tests use it: several requests at once."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.helpers.factories import make_article

CSRF_SECRET = "k" * 32


@pytest.mark.django_db(transaction=True)
def test_concurrent_desk_writes_each_get_their_answer(live_server):
    """Autosaves overlap with each other and with Save on a real desk page; every one is answered, none with a 500."""
    editor = get_user_model().objects.create_user("editor", is_staff=True, is_superuser=True)
    article = make_article("Overlapping autosaves")
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    url = f"{live_server.url}/admin/articles/article/{article.pk}/autosave/"

    def autosave(number):
        request = Request(
            url,
            data=urlencode(
                {
                    "csrfmiddlewaretoken": CSRF_SECRET,
                    "loaded_version": article.version,
                    "store": "on",
                    "headline": f"Overlapping autosaves, take {number}",
                }
            ).encode(),
            headers={"Cookie": f"sessionid={session}; csrftoken={CSRF_SECRET}"},
        )
        with urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(autosave, range(64)))
    assert statuses == [200] * 64
