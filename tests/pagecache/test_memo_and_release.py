"""The page cache's building blocks: remembered values, their keys, the release, lazy pages."""

import shutil

import pytest
from django.core.paginator import Paginator
from django.db import transaction

from pagecache import generation, memo, release, tags
from pagecache.paginator import LazyPages

pytestmark = pytest.mark.django_db(transaction=True)


def NO_TAGS(_value):
    return ()


@pytest.fixture
def release_cleared():
    release.current_release.cache_clear()
    yield
    release.current_release.cache_clear()


def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_value_is_computed_once_until_content_changes():
    _calls, compute = counter()
    assert memo.remember("answer", ("a", 1), compute, tags=NO_TAGS) == 1
    assert memo.remember("answer", ("a", 1), compute, tags=NO_TAGS) == 1
    assert memo.remember("answer", ("a", 2), compute, tags=NO_TAGS) == 2
    generation.bump_generation()
    assert memo.remember("answer", ("a", 1), compute, tags=NO_TAGS) == 3


def test_a_value_is_recomputed_only_when_something_it_shows_changes():
    _calls, compute = counter()
    shows_twelve = {"article:12", "listing:all"}
    assert memo.remember("card", (12,), compute, tags=lambda _value: shows_twelve) == 1
    tags.invalidate(["article:13", "listing:region:4"])
    assert memo.remember("card", (12,), compute, tags=lambda _value: shows_twelve) == 1
    tags.invalidate(["article:12"])
    assert memo.remember("card", (12,), compute, tags=lambda _value: shows_twelve) == 2
    tags.invalidate(None)
    assert memo.remember("card", (12,), compute, tags=lambda _value: shows_twelve) == 3


def test_a_value_computed_while_content_changed_is_not_kept():
    """It may show what the change replaced: the next reader computes it again."""
    calls = []

    def compute_during_a_change():
        calls.append(1)
        if len(calls) == 1:
            tags.invalidate(["article:99"])
        return len(calls)

    assert memo.remember("racy", (), compute_during_a_change, tags=lambda _value: {"article:12"}) == 1
    assert memo.remember("racy", (), compute_during_a_change, tags=lambda _value: {"article:12"}) == 2
    assert memo.remember("racy", (), compute_during_a_change, tags=lambda _value: {"article:12"}) == 2


def test_what_a_computation_remembers_is_shown_by_its_value_too():
    _calls, compute = counter()

    def outer():
        memo.remember("inner", (), lambda: "teaser", tags=lambda _value: {"article:7"})
        return compute()

    assert memo.remember("outer", (), outer, tags=NO_TAGS) == 1
    tags.invalidate(["article:7"])
    assert memo.remember("outer", (), outer, tags=NO_TAGS) == 2


def test_a_rolled_back_change_invalidates_nothing():
    _calls, compute = counter()
    memo.remember("card", (1,), compute, tags=lambda _value: {"article:1"})
    with pytest.raises(RuntimeError), transaction.atomic():
        tags.invalidate(["article:1"])
        raise RuntimeError
    assert memo.remember("card", (1,), compute, tags=lambda _value: {"article:1"}) == 1


def test_a_remembered_none_is_not_recomputed():
    calls = []
    assert memo.remember("nothing", (), lambda: calls.append(1), tags=NO_TAGS) is None
    assert memo.remember("nothing", (), lambda: calls.append(1), tags=NO_TAGS) is None
    assert calls == [1]


@pytest.mark.parametrize("part", [object(), ["a", "list"], {"a": 1}, 1.5])
def test_keys_are_built_only_from_typed_parts(part):
    with pytest.raises(TypeError, match="memo key part"):
        memo.remember("typed", ("ok", part), lambda: 1, tags=NO_TAGS)


def test_with_the_memo_off_every_value_is_computed(memo_off):
    calls, compute = counter()
    memo.remember("answer", (), compute, tags=NO_TAGS)
    memo.remember("answer", (), compute, tags=NO_TAGS)
    assert calls == [1, 1]


def test_another_release_never_reads_this_releases_values(settings, release_cleared):
    _calls, compute = counter()
    settings.PAGE_CACHE_RELEASE = "one"
    assert memo.remember("answer", (), compute, tags=NO_TAGS) == 1
    release.current_release.cache_clear()
    settings.PAGE_CACHE_RELEASE = "two"
    assert memo.remember("answer", (), compute, tags=NO_TAGS) == 2
    release.current_release.cache_clear()
    settings.PAGE_CACHE_RELEASE = "one"
    assert memo.remember("answer", (), compute, tags=NO_TAGS) == 1


def test_another_release_never_serves_this_releases_pages(client, page_cache, settings, release_cleared):
    settings.PAGE_CACHE_RELEASE = "one"
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    release.current_release.cache_clear()
    settings.PAGE_CACHE_RELEASE = "two"
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_the_code_fingerprint_follows_the_code_not_where_it_is_installed(tmp_path):
    app = tmp_path / "one" / "app"
    (app / "templates").mkdir(parents=True)
    (app / "views.py").write_text("VALUE = 1\n")
    (app / "templates" / "page.html").write_text("<p>Hello</p>\n")
    (app / "notes.bin").write_bytes(b"ignored")
    copy = tmp_path / "two" / "app"
    shutil.copytree(app, copy)
    assert release.code_fingerprint([app]) == release.code_fingerprint([copy])
    before = release.code_fingerprint([app])
    (app / "notes.bin").write_bytes(b"still ignored")
    assert release.code_fingerprint([app]) == before
    (app / "templates" / "page.html").write_text("<p>Hello again</p>\n")
    assert release.code_fingerprint([app]) != before


def test_without_a_configured_release_the_code_fingerprint_is_used(settings, release_cleared, tmp_path):
    (tmp_path / "views.py").write_text("VALUE = 1\n")
    settings.PAGE_CACHE_RELEASE = ""
    settings.PAGE_CACHE_CODE_PATHS = [tmp_path]
    assert release.current_release() == release.code_fingerprint([tmp_path])


def test_lazy_pages_count_once_and_fetch_only_the_page_shown():
    counts, fetched = [], []

    def fetch(start, stop):
        fetched.append((start, stop))
        return range(start, stop)

    pages = LazyPages(count=lambda: counts.append(1) or 45, fetch=fetch)
    paginator = Paginator(pages, 20)
    assert paginator.num_pages == 3
    assert list(paginator.page(3).object_list) == list(range(40, 45))
    assert paginator.count == 45
    assert counts == [1]
    assert fetched == [(40, 45)]
    assert pages[-1] == 44
    with pytest.raises(IndexError):
        pages[45]
