"""Hostile and absurd field values: each a form error in plain words, nothing stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import timezone

from articles.models import Article, Author, PromoFooter, RegionTag, TopicTag
from tests.helpers.factories import make_article, make_author

pytestmark = pytest.mark.django_db

ArticleForm = modelform_factory(
    Article, fields=["headline", "slug", "standfirst", "body", "regions", "topics", "publish_at", "embargo_ends_at"]
)
AuthorForm = modelform_factory(Author, fields=["name", "slug", "title"])
RegionForm = modelform_factory(RegionTag, fields=["name", "slug"])
FooterForm = modelform_factory(PromoFooter, fields=["name", "tagline", "teaser_text", "starts_at", "ends_at"])

GOOD_ARTICLE = {
    "headline": "Lantern walk returns to Pimlico",
    "slug": "lantern-walk",
    "standfirst": "Hundreds expected.",
    "body": "<p>Text.</p>",
    "regions": "London, Pimlico",
    "topics": "Culture",
    "publish_at": "2026-03-01 09:00",
    "embargo_ends_at": "",
}

# One row per hostile article value: field, value, a fragment of the message shown next to that field.
ARTICLE_CASES = [
    ("headline", "", "This field is required"),
    ("headline", "   ", "This field is required"),
    ("headline", "\u200b\u200b\u200b", "spaces and invisible characters alone do not count"),
    ("headline", "🎄🎄🎄", "at least one letter or digit"),
    ("headline", "🔥💥", "at least one letter or digit"),
    ("headline", "…!?", "at least one letter or digit"),
    ("headline", "x" * 201, "at most 200 characters"),
    ("headline", "Null\x00byte", "Null characters are not allowed"),
    ("standfirst", "Null\x00byte", "Null characters are not allowed"),
    ("standfirst", "s" * 601, "at most 600 characters"),
    ("body", "<p>" + "word " * 41_000 + "</p>", "longer than 200,000 characters"),
    ("slug", "../../etc/passwd", "valid “slug”"),
    ("slug", "<script>alert(1)</script>", "valid “slug”"),
    ("slug", "two words", "valid “slug”"),
    ("slug", "news/today", "valid “slug”"),
    ("slug", "café", "valid “slug”"),
    ("slug", "---", "at least one letter or digit"),
    ("slug", "__", "at least one letter or digit"),
    ("slug", "s" * 121, "at most 120 characters"),
    ("regions", "Lоndon", "mixes Cyrillic and Latin letters"),
    ("regions", "Pimlico, Westminster\u200b", "U+200B ZERO WIDTH SPACE"),
    ("regions", "\u202eLondon", "RIGHT-TO-LEFT OVERRIDE"),
    ("topics", "Ｃｕｌｔｕｒｅ", "styled or full-width letters"),
    ("topics", "𝐏𝐨𝐥𝐢𝐭𝐢𝐜𝐬", "styled or full-width letters"),
    ("topics", "t" * 101, "too long for a tag"),
    ("publish_at", "0001-01-01 00:00", "year 1; check the year"),
    ("publish_at", "1899-12-31 23:00", "year 1899; check the year"),
    ("publish_at", "9999-12-31 23:59", "year 9999, later than 2100"),
    ("publish_at", "2026-02-30 10:00", "Enter a valid date/time"),
    ("publish_at", "yesterday", "Enter a valid date/time"),
    ("embargo_ends_at", "9999-01-01 00:00", "year 9999"),
    ("embargo_ends_at", "2026-03-01 08:00", "embargo ends before the article is due to go live"),
    ("embargo_ends_at", "2026-03-01 09:00", "embargo ends before the article is due to go live"),
]

# One row per hostile byline (author) value.
AUTHOR_CASES = [
    ("name", "", "This field is required"),
    ("name", "🎄", "at least one letter or digit"),
    ("name", "Amira\u200dPatel", "U+200D ZERO WIDTH JOINER"),
    ("name", "Amira \u2066Patel\u2069", "LEFT-TO-RIGHT ISOLATE"),
    ("name", "Аmira Patel", "mixes Cyrillic and Latin letters"),
    ("name", "Αmira Patel", "mixes Greek and Latin letters"),
    ("name", "Ａｍｉｒａ", "styled or full-width letters"),
    ("name", "n" * 121, "at most 120 characters"),
    ("name", "Null\x00", "Null characters are not allowed"),
    ("title", "Reporter\u202e", "RIGHT-TO-LEFT OVERRIDE"),
    ("slug", "--", "at least one letter or digit"),
    ("slug", "a/b", "valid “slug”"),
]

# One row per hostile tag name typed into the tag admin.
TAG_CASES = [
    ("Lоndon", "mixes Cyrillic and Latin letters"),
    ("Lon\u200bdon", "U+200B ZERO WIDTH SPACE"),
    ("\u200f", "RIGHT-TO-LEFT MARK"),
    ("🇬🇧", "at least one letter or digit"),
    ("london", "There is already a region called “London”"),
    ("LONDON", "There is already a region called “London”"),
    ("ｌｏｎｄｏｎ", "styled or full-width letters"),
    ("x" * 101, "at most 100 characters"),
]

# Footers' active windows.
FOOTER_CASES = [
    ("starts_at", "0001-01-01 00:00", "year 1"),
    ("ends_at", "9999-12-31 00:00", "year 9999"),
]

# Names that must stay accepted: real names in other alphabets are not look-alikes.
GOOD_NAMES = ["São Tomé", "Москва", "Αθήνα", "東京", "Türkiye", "Jean-Luc O'Neill", "تل أبيب", "Île-de-France", "R2-D2"]


def rows(table):
    return [pytest.param(*row, id=f"{row[0]}:{row[1]!r:.30}") for row in table]


@pytest.mark.parametrize(("field", "value", "message"), rows(ARTICLE_CASES))
def test_hostile_article_values_are_form_errors(field, value, message):
    form = ArticleForm(data={**GOOD_ARTICLE, field: value})
    assert not form.is_valid()
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert not Article.objects.exists()


def test_the_good_article_is_accepted():
    form = ArticleForm(data=GOOD_ARTICLE)
    assert form.is_valid(), form.errors
    article = form.save()
    assert sorted(article.regions.names()) == ["London", "Pimlico"]


def test_duplicate_slug_is_a_form_error():
    make_article("Original", slug="lantern-walk")
    form = ArticleForm(data=GOOD_ARTICLE)
    assert not form.is_valid()
    assert "already exists" in form.errors["slug"][0]


def test_embargo_after_publish_is_fine():
    form = ArticleForm(data={**GOOD_ARTICLE, "embargo_ends_at": "2026-03-01 12:00"})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("field", "value", "message"), rows(AUTHOR_CASES))
def test_hostile_byline_values_are_form_errors(field, value, message):
    data = {"name": "Amira Patel", "slug": "amira-patel", "title": "Reporter", field: value}
    form = AuthorForm(data=data)
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors
    assert not Author.objects.exists()


@pytest.mark.parametrize(("name", "message"), [pytest.param(*row, id=repr(row[0])[:30]) for row in TAG_CASES])
def test_hostile_tag_names_are_form_errors(name, message):
    RegionTag.objects.create(name="London")
    form = RegionForm(data={"name": name, "slug": "new-tag"})
    assert not form.is_valid()
    assert any(message in error for error in form.errors["name"]), form.errors
    assert RegionTag.objects.count() == 1


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_real_names_in_any_alphabet_are_accepted(name):
    assert RegionForm(data={"name": name, "slug": "tag"}).is_valid()
    assert AuthorForm(data={"name": name, "slug": "someone", "title": ""}).is_valid()
    assert ArticleForm(data={**GOOD_ARTICLE, "regions": f'"{name}"'}).is_valid()


@pytest.mark.parametrize(("field", "value", "message"), rows(FOOTER_CASES))
def test_absurd_footer_dates_are_form_errors(field, value, message):
    form = FooterForm(data={"name": "Teaser", "tagline": "Local news:", "teaser_text": "Read on", field: value})
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_full_clean_catches_nul_bytes_from_code_paths_without_forms():
    article = make_article("Clean headline")
    article.source_attribution = "Agency\x00copy"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "null character" in error.value.message_dict["source_attribution"][0]


def test_admin_tag_form_shows_the_error(admin_client):
    RegionTag.objects.create(name="London")
    response = admin_client.post("/admin/articles/regiontag/add/", {"name": "Lоndon", "slug": "london-2"})
    assert response.status_code == 200
    assert "mixes Cyrillic and Latin letters" in response.content.decode()
    assert RegionTag.objects.count() == 1


def test_admin_author_form_shows_the_error(admin_client):
    response = admin_client.post("/admin/articles/author/add/", {"name": "Amira\u202ePatel", "slug": "amira"})
    assert response.status_code == 200
    assert "RIGHT-TO-LEFT OVERRIDE" in response.content.decode()
    assert not Author.objects.exists()


def test_scheduling_a_year_ahead_is_plausible():
    soon = timezone.localtime() + timedelta(days=365)
    form = ArticleForm(data={**GOOD_ARTICLE, "publish_at": soon.strftime("%Y-%m-%d %H:%M")})
    assert form.is_valid(), form.errors


def test_existing_topics_vocabulary_is_untouched_by_checks():
    TopicTag.objects.create(name="Culture")
    form = ArticleForm(data=GOOD_ARTICLE)
    assert form.is_valid(), form.errors
    assert form.save().topics.get().name == "Culture"
    assert make_author("Amira Patel").slug == "amira-patel"
