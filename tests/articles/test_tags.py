import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, RegionTag, TopicTag
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db


def test_region_and_topic_vocabularies_never_mix():
    article = make_article(regions=["London"], topics=["Culture"])
    TopicTag.objects.create(name="London")
    assert [t.name for t in article.regions.all()] == ["London"]
    assert [t.name for t in article.topics.all()] == ["Culture"]
    assert not article.topics.filter(name="London").exists()
    assert not Article.objects.filter(topics__name="London").exists()
    assert Article.objects.filter(regions__name="London").get() == article


def test_case_insensitive_duplicates_are_merged():
    first = make_article(regions=["Westminster"])
    second = make_article(regions=["westminster", "  WESTMINSTER  "])
    assert RegionTag.objects.filter(name__iexact="westminster").count() == 1
    assert list(first.regions.all()) == list(second.regions.all())


def test_names_are_nfc_normalised_trimmed_and_cleaned():
    decomposed = unicodedata.normalize("NFD", "Türkiye")
    article = make_article(regions=[f"  {decomposed}\u200b  "])
    tag = article.regions.get()
    assert tag.name == "Türkiye"
    assert unicodedata.is_normalized("NFC", tag.name)
    make_article(regions=["Türkiye"])
    assert RegionTag.objects.filter(name="Türkiye").count() == 1


def test_empty_names_are_ignored():
    article = make_article(regions=["  ", "\u200b", "London"])
    assert [t.name for t in article.regions.all()] == ["London"]


@pytest.mark.parametrize(
    ("name", "slug_prefix"),
    [("United States", "united-states"), ("São Tomé", "sao-tome"), ("🇬🇧", "tag-"), ("東京", "tag-")],
)
def test_slugs_are_ascii_and_never_empty(name, slug_prefix):
    tag = RegionTag.objects.create(name=name)
    assert tag.slug.startswith(slug_prefix)
    assert tag.slug.isascii() and len(tag.slug) > 4


def test_same_slug_from_different_names_is_made_unique():
    first = RegionTag.objects.create(name="Saint-Denis")
    second = RegionTag.objects.create(name="Saint Denis")
    assert first.slug == "saint-denis"
    assert second.slug != first.slug


def test_database_refuses_case_variants():
    RegionTag.objects.create(name="Pimlico")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionTag.objects.create(name="PIMLICO", slug="pimlico-upper")


def test_tag_without_letters_is_a_form_error():
    tag = RegionTag(name="!!!")
    with pytest.raises(ValidationError) as error:
        tag.full_clean()
    assert "letter or digit" in str(error.value)
