"""Property-based tests of the public site's addresses: any path segment or query string gets a page, a redirect
or a 404/410, never a 500 (`tests/helpers/fuzz.py` says how many examples)."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from articles.models import Article
from tests.helpers.factories import make_article
from tests.helpers.fuzz import budget

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/regions/",
    "/topics/",
    "/search/",
    "/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/region/westminster/",
    "/topic/politics/",
    "/news/council-agrees-budget/",
    "/region/westminster/feed/",
    "/api/v1/items/",
]
PARAMETERS = [
    "q", "page", "p", "sort", "utm_source", "format", "callback", "section",
    "region", "topic", "author", "since", "until", "cursor", "limit",
]  # fmt: skip
ODD_VALUES = [
    "last", "0", "-1", "1e9", "99999999999999999999", "NaN", "%00", "\x00", "<script>alert(1)</script>",
    "' OR 1=1 --", "..%2f..%2f", "\u202e", "🎄" * 50, "a" * 5000, "%", "%zz", "[]", "{}", "ﬁ", "İ",
]  # fmt: skip
SEGMENTS = st.one_of(st.text(max_size=60), st.sampled_from(ODD_VALUES))
query_values = st.one_of(st.text(max_size=80), st.sampled_from(ODD_VALUES))


@pytest.fixture
def site():
    make_article("Council agrees budget", status=Article.Status.PUBLISHED, regions=["Westminster"], topics=["Politics"])


def assert_not_an_error(response, url):
    assert response.status_code in {200, 301, 302, 304, 400, 404, 410}, (url, response.status_code)


@budget(150, database=True)
@given(
    st.sampled_from(PAGES),
    st.lists(st.tuples(st.sampled_from(PARAMETERS), query_values), max_size=4),
)
@example(page="/search/", parameters=[("q", "\x00"), ("page", "last")])
def test_any_query_string_on_a_public_page_is_never_a_500(site, page, parameters):
    url = f"{page}?{urlencode(parameters)}" if parameters else page
    assert_not_an_error(Client(raise_request_exception=False).get(url), url)


@budget(100, database=True)
@given(st.sampled_from(PAGES), st.binary(max_size=60))
def test_a_raw_query_string_of_any_bytes_is_never_a_500(site, page, raw):
    url = f"{page}?{quote(raw, safe='=&')}"
    assert_not_an_error(Client(raise_request_exception=False).get(url), url)


@budget(150, database=True)
@given(
    st.sampled_from(["news", "region", "topic", "author", "preview", "region/westminster", "feed", "api/v1/items"]),
    SEGMENTS,
)
@example(prefix="news", segment="\x00")  # found on PostgreSQL: the old-address lookup sent NUL to the database
@example(prefix="preview", segment="\x00")
def test_any_path_segment_is_never_a_500(site, prefix, segment):
    url = f"/{prefix}/{quote(segment, safe='')}/"
    assert_not_an_error(Client(raise_request_exception=False).get(url), url)
