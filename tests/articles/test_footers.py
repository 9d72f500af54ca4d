from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, PromoFooter
from tests.helpers.factories import make_article, make_footer

pytestmark = pytest.mark.django_db


def test_only_one_default_footer_is_allowed_by_the_database():
    make_footer(is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_footer(is_default=True)
    assert PromoFooter.objects.filter(is_default=True).count() == 1


def test_second_default_is_a_clear_form_error():
    make_footer(name="Current default", is_default=True)
    footer = PromoFooter(name="New", tagline="x", teaser_text="t", is_default=True)
    with pytest.raises(ValidationError) as error:
        footer.full_clean()
    assert "Current default" in error.value.message_dict["is_default"][0]


def test_teaser_is_article_or_custom_text_not_both():
    target = make_article("Target")
    footer = PromoFooter(name="Both", tagline="x", teaser_article=target, teaser_text="Other")
    with pytest.raises(ValidationError) as error:
        footer.full_clean()
    assert "teaser_text" in error.value.message_dict


def test_window_must_end_after_it_starts():
    now = timezone.now()
    footer = PromoFooter(name="W", tagline="x", teaser_text="t", starts_at=now, ends_at=now - timedelta(days=1))
    with pytest.raises(ValidationError):
        footer.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        footer.save()


def test_article_shows_its_own_footer_else_the_active_default():
    default = make_footer(is_default=True, teaser_text="Default teaser")
    own = make_footer(teaser_text="Own teaser")
    with_own = make_article(promo_footer=own)
    without = make_article()
    assert with_own.footer() == own
    assert without.footer() == default


def test_inactive_footers_are_not_shown():
    now = timezone.now()
    default = make_footer(is_default=True, teaser_text="Default")
    expired = make_footer(teaser_text="Old", ends_at=now - timedelta(days=1))
    article = make_article(promo_footer=expired)
    assert article.footer() == default
    PromoFooter.objects.filter(pk=default.pk).update(starts_at=now + timedelta(days=1))
    assert article.footer() is None


def test_teaser_to_an_article_shows_only_while_it_is_live():
    target = make_article("Danish tradition story", status=Article.Status.DRAFT)
    footer = make_footer(is_default=True, teaser_article=target)
    reader_article = make_article()
    assert footer.teaser(exclude=reader_article) is None
    Article.objects.filter(pk=target.pk).update(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
    )
    footer.refresh_from_db()
    assert footer.teaser(exclude=reader_article) == ("Danish tradition story", target.get_absolute_url())
    assert footer.teaser(exclude=target) is None


def test_custom_teaser_text_and_url():
    footer = make_footer(teaser_text="Read our guide", teaser_url="https://example.com/guide")
    assert footer.teaser() == ("Read our guide", "https://example.com/guide")
