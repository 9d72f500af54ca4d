"""Small finishes of the reader's paper: caption and credit apart, headlines and slugs cut at a word,
HEAD wherever GET is answered, case-insensitive section addresses, <time datetime> to the second."""

import re

import pytest
from django.utils import timezone

from articles import text
from articles.models import Article
from tests.helpers.factories import make_article, make_author
from tests.helpers.images import give_hero_image

pytestmark = pytest.mark.django_db


def live(headline="Lantern walk returns", **fields):
    return make_article(headline, status=Article.Status.PUBLISHED, **fields)


def test_caption_and_credit_are_separate_sentences(client):
    story = live(hero_caption="Commuters cross Vauxhall Bridge on a weekday morning", hero_credit="The WP Times")
    give_hero_image(story)
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<span class="caption">Commuters cross Vauxhall Bridge on a weekday morning.</span>' in html
    assert '<span class="credit">Photo: The WP Times</span>' in html
    assert "morning Photo" not in re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("sentence", "limit", "expected"),
    [
        ("The court ruling compels President Recep Tayyip Erdogan to act. More follows.", 40, "The court ruling compels President…"),
        ("Short sentence. Second one.", 40, "Short sentence"),
        ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
        ("Ends exactly at a word boundary here", 23, "Ends exactly at a word…"),
    ],
)  # fmt: skip
def test_a_derived_headline_is_cut_at_a_word_boundary(sentence, limit, expected):
    assert text.first_sentence(sentence, max_length=limit) == expected
    assert len(expected) <= limit


def test_a_slug_cut_to_length_ends_at_a_whole_word():
    assert text.ascii_slug("Turkish court compels President Recep", max_length=33, fallback_prefix="x") == (
        "turkish-court-compels-president"
    )
    assert text.ascii_slug("Turkish court compels", max_length=21, fallback_prefix="x") == "turkish-court-compels"
    assert text.ascii_slug("Turkish court compels president", max_length=22, fallback_prefix="x") == (
        "turkish-court-compels"
    )


def test_head_is_answered_wherever_get_is(client):
    story = live(regions=["Pimlico"], topics=["Culture"], authors=[make_author("Nadia Haddad")])
    day = timezone.localdate(story.publish_at)
    for url in [
        "/", "/robots.txt", story.get_absolute_url(), "/news/", f"/news/{day:%Y/%m/%d}/", "/regions/", "/topics/",
        "/region/pimlico/", "/topic/culture/", "/author/nadia-haddad/", "/search/?q=lantern", "/feed/",
        "/feed/atom/", "/region/pimlico/feed/", "/sitemap.xml", "/sitemap-news.xml",
    ]:  # fmt: skip
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert head.content == b"", url
        assert head["Content-Type"] == get["Content-Type"], url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/region/London/", "/region/london/"),
        ("/region/PIMLICO/?page=1", "/region/pimlico/?page=1"),
        ("/topic/Culture/", "/topic/culture/"),
        ("/author/Nadia-Haddad/", "/author/nadia-haddad/"),
    ],
)
def test_section_addresses_are_case_insensitive_and_redirect_to_the_canonical_one(client, url, canonical):
    live(regions=["London", "Pimlico"], topics=["Culture"], authors=[make_author("Nadia Haddad")])
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get("/region/Nowhere/").status_code == 404


def test_time_datetime_values_carry_no_fraction_of_a_second(client):
    story = live(regions=["Pimlico"])
    Article.objects.filter(pk=story.pk).update(publish_at=story.publish_at.replace(microsecond=466962))
    story.corrections.create(text="An earlier version misspelt a name.")
    for url in ["/", story.get_absolute_url(), "/region/pimlico/", "/news/"]:
        values = re.findall(r'<time datetime="([^"]+)"', client.get(url).content.decode())
        assert values, url
        for value in values:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value), (url, value)
