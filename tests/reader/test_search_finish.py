"""Search as a paper's readers use it: marked passages, best match or newest first, a section and a date
range, and letters-and-digits codes in either spelling, on SQLite and on PostgreSQL."""

from datetime import datetime

import pytest
from django.utils import timezone

from articles.models import Article, RegionTag
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db


def at(*parts):
    return timezone.make_aware(datetime(*parts))


def story(headline, body, *, when, regions=("London",), topics=("Defence",)):
    return make_article(
        headline,
        body=f"<p>{body}</p>",
        standfirst="A standfirst.",
        regions=list(regions),
        topics=list(topics),
        status=Article.Status.PUBLISHED,
        publish_at=when,
    )


@pytest.fixture
def stories():
    pimlico = RegionTag.objects.create(name="Pimlico", parent=RegionTag.objects.create(name="London"))
    assert pimlico.parent.name == "London"
    return {
        "s400": story("Ankara keeps its S-400 batteries", "The S-400 air-defence system stays in service.",
                      when=at(2026, 3, 2, 9), regions=["Turkey"]),
        "s400b": story("Delivery of S400 missiles confirmed", "Officials said the S400 units arrived on time.",
                       when=at(2026, 6, 5, 9), regions=["Russia"]),
        "f35": story("Lanterns light the F-35 hangar", "Engineers hung lanterns around the F-35 jets for the open day.",
                     when=at(2026, 11, 20, 9), regions=["Pimlico"], topics=["Culture"]),
        "lantern": story("Lantern walk returns to Pimlico", "Hundreds carried a lantern from Warwick Square to the river.",
                         when=at(2025, 12, 1, 9), regions=["Pimlico"], topics=["Culture"]),
        "f35b": story("F35 order cut", "The government will buy fewer F35 aircraft.", when=at(2026, 10, 1, 9)),
    }  # fmt: skip


def ids(client, query):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200, query
    return list(response.context["article_ids"])


@pytest.mark.parametrize("query", ["S400", "S-400", "s400", "s-400"])
def test_a_letters_and_digits_code_finds_both_spellings(client, stories, query):
    assert set(ids(client, f"q={query}")) == {stories["s400"].pk, stories["s400b"].pk}


@pytest.mark.parametrize("query", ["F35", "F-35", "f35 jets", "F-35 lanterns"])
def test_f35_and_f_35_are_the_same_search(client, stories, query):
    found = set(ids(client, f"q={query}"))
    assert stories["f35"].pk in found
    if "jets" not in query and "lanterns" not in query:
        assert found == {stories["f35"].pk, stories["f35b"].pk}


def test_results_show_a_passage_with_the_query_marked(client, stories):
    body = client.get("/search/?q=lantern").content.decode()
    assert '<p class="search-snippet">' in body
    assert "<mark>lantern</mark> from Warwick Square" in body
    assert "<mark>lanterns</mark> around the" in body
    codes = client.get("/search/?q=S400").content.decode()
    assert "The <mark>S-400</mark> air-defence" in codes and "the <mark>S400</mark> units" in codes


def test_a_passage_keeps_paragraphs_apart(client, stories):
    Article.objects.filter(pk=stories["lantern"].pk).update(
        body="<p>At the finish.</p><p>Lantern bearers &amp; friends.</p>"
    )
    body = client.get("/search/?q=lantern").content.decode()
    assert "At the finish. <mark>Lantern</mark> bearers &amp; friends." in body


def test_a_passage_never_lets_story_markup_through(client, stories):
    Article.objects.filter(pk=stories["lantern"].pk).update(
        body="<p>A lantern &lt;script&gt;alert(1)&lt;/script&gt; here.</p>"
    )
    body = client.get("/search/?q=lantern").content.decode()
    assert "<script>alert" not in body


def test_results_sort_by_best_match_or_newest_first(client, stories):
    newest = ids(client, "q=lantern&sort=date")
    assert newest == [stories["f35"].pk, stories["lantern"].pk]
    best = ids(client, "q=lantern+pimlico")
    assert best[0] == stories["lantern"].pk


def test_results_filter_by_section_including_the_places_inside_it(client, stories):
    assert ids(client, "q=lantern&section=region:london&sort=date") == [stories["f35"].pk, stories["lantern"].pk]
    assert ids(client, "q=s400&section=region:turkey") == [stories["s400"].pk]
    assert ids(client, "q=lantern&section=topic:defence") == []


def test_results_filter_by_date_range_in_the_sites_time_zone(client, stories):
    assert ids(client, "q=s400&from=2026-06-05&to=2026-06-05") == [stories["s400b"].pk]
    assert ids(client, "q=s400&from=2026-01-01&to=2026-03-02") == [stories["s400"].pk]
    assert set(ids(client, "q=s400&from=2026-01-01")) == {stories["s400"].pk, stories["s400b"].pk}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=s400&from=2026-13-45", "Enter the start date"),
        ("q=s400&to=tomorrow", "Enter the end date"),
        ("q=s400&from=2026-06-01&to=2026-01-01", "The end date is before the start date."),
        ("q=s400&section=region:atlantis", "all sections were searched"),
        ("q=s400&sort=sideways", ""),
    ],
)
def test_a_bad_filter_is_reported_and_left_out(client, stories, query, message):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    kept = {stories["s400b"].pk} if "from=2026-06-01" in query else {stories["s400"].pk, stories["s400b"].pk}
    assert set(response.context["article_ids"]) == kept
