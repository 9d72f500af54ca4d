from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article
from articles.sanitizer import sanitize_html
from tests.helpers.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_slug_is_made_from_headline_and_kept_unique():
    first = make_article("Pimlico lantern walk returns")
    second = make_article("Pimlico lantern walk returns")
    assert first.slug == "pimlico-lantern-walk-returns"
    assert second.slug == "pimlico-lantern-walk-returns-2"


@pytest.mark.parametrize("headline", ["🎄🎄🎄", "日本語の見出し", "!!!"])
def test_slug_is_never_empty(headline):
    article = make_article(headline)
    assert article.slug.startswith("article-")
    assert len(article.slug) > len("article-")


def test_slug_folds_accents_and_is_cut_at_a_word_boundary():
    article = make_article("São Paulo café " + "word " * 35)
    assert article.slug.startswith("sao-paulo-cafe-word")
    assert len(article.slug) <= Article._meta.get_field("slug").max_length
    assert not article.slug.endswith("-")


def test_slug_cannot_change_once_published():
    article = make_article("Original headline", status=Article.Status.PUBLISHED)
    Article.objects.filter(pk=article.pk).update(first_published_at=timezone.now())
    article.refresh_from_db()
    article.slug = "something-else"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "slug" in error.value.message_dict


def test_slug_of_a_draft_may_change():
    article = make_article("Draft headline")
    article.slug = "better-address"
    article.full_clean()
    article.save()
    assert Article.objects.get(pk=article.pk).slug == "better-address"


@pytest.mark.parametrize("headline", ["🎄🎄", "…!?"])
def test_headline_needs_a_letter_or_digit(headline):
    article = make_article("Placeholder")
    article.headline = headline
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "headline" in error.value.message_dict


def test_live_is_published_with_publish_time_reached():
    now = timezone.now()
    live = make_article(status=Article.Status.PUBLISHED, publish_at=now - timedelta(hours=1))
    scheduled = make_article(status=Article.Status.PUBLISHED, publish_at=now + timedelta(hours=1))
    embargoed = make_article(status=Article.Status.PUBLISHED, publish_at=now - timedelta(hours=1))
    Article.objects.filter(pk=embargoed.pk).update(embargo_ends_at=now + timedelta(hours=2))
    draft = make_article(status=Article.Status.DRAFT)
    in_review = make_article(status=Article.Status.IN_REVIEW, publish_at=now - timedelta(hours=1))
    unpublished = make_article(status=Article.Status.UNPUBLISHED, publish_at=now - timedelta(hours=1))

    assert list(Article.objects.live()) == [live]
    for article in (live, scheduled, embargoed, draft, in_review, unpublished):
        article.refresh_from_db()
        assert article.is_live == (article == live)
    assert scheduled.is_scheduled


def test_scheduled_article_becomes_live_when_its_time_comes(time_machine):
    publish_at = timezone.now() + timedelta(hours=3)
    article = make_article(status=Article.Status.PUBLISHED, publish_at=publish_at)
    assert not Article.objects.live().filter(pk=article.pk).exists()
    time_machine.move_to(publish_at + timedelta(seconds=1))
    assert Article.objects.live().filter(pk=article.pk).exists()
    article.refresh_from_db()
    assert article.is_live


def test_body_is_sanitised_on_every_save():
    article = make_article(body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>')
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript" not in article.body
    Article.objects.filter(pk=article.pk).update(body="<p>ok</p>")
    article.body = "<iframe src=https://example.com></iframe><p>kept</p>"
    article.save()
    article.refresh_from_db()
    assert article.body == "<p>kept</p>"


def test_sanitiser_keeps_editorial_markup_and_is_idempotent():
    html = (
        '<h2>Head</h2><p><strong>b</strong> <em>i</em> <a href="https://example.com" target="_blank">l</a></p>'
        "<ul><li>one</li></ul><blockquote><p>q</p></blockquote>"
    )
    cleaned = sanitize_html(html)
    for fragment in ("<h2>", "<strong>", "<em>", "<ul>", "<blockquote>", 'href="https://example.com"'):
        assert fragment in cleaned
    assert 'rel="noopener noreferrer"' in cleaned
    assert sanitize_html(cleaned) == cleaned


def test_excerpt_and_reading_time_are_stored_on_save():
    article = make_article(standfirst="", body="<p>" + "word " * 460 + "</p>")
    assert article.reading_minutes == 2
    assert article.excerpt.endswith("…")
    assert "<p>" not in article.excerpt


def test_bylines_keep_their_order():
    first, second = make_author("Zed Lead"), make_author("Abe Second")
    article = make_article(authors=[first, second])
    assert article.authors == [first, second]


def test_author_in_use_cannot_be_deleted():
    author = make_author("Busy Writer")
    make_article(authors=[author])
    with pytest.raises(IntegrityError):
        author.delete()
    assert Article.objects.count() == 1


def test_author_slug_from_name():
    assert make_author("Amira Patel").slug == "amira-patel"
    assert make_author("Amira Patel").slug == "amira-patel-2"
