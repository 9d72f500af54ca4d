"""Shared set-up for the workflow tests: one account per role and articles in every state."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_submit, article_take_down, article_unpublish
from tests.helpers.factories import make_article, make_author, make_user

ROLES = ["owner", "other_reporter", "editor", "admin"]


def make_cast():
    """The owner (a reporter who created the article), another reporter, an editor and an admin."""
    owner_author = make_author("Amira Patel")
    return {
        "owner": make_user("Reporter", "owner", author=owner_author),
        "other_reporter": make_user("Reporter", "other"),
        "editor": make_user("Editor", "editor"),
        "admin": make_user("Admin", "chief"),
        "owner_author": owner_author,
    }


def article_in(state, cast, **fields):
    """An article that passes the checklist, created by the owner and moved to state through the services."""
    article = make_article(user=cast["owner"], authors=[cast["owner_author"]], **fields)
    editor = cast["editor"]
    if state == "in_review":
        article = article_submit(article=article, user=cast["owner"])
    elif state == "published":
        article = article_publish(article=article, user=editor)
    elif state == "scheduled":
        article = article_publish(article=article, user=editor, publish_at=timezone.now() + timedelta(days=1))
    elif state == "unpublished":
        article = article_unpublish(article=article_publish(article=article, user=editor), user=editor)
    elif state == "taken_down":
        published = article_publish(article=article, user=editor)
        article = article_take_down(article=published, user=editor, comment="A court order.")
    return Article.objects.get(pk=article.pk)


def snapshot(article):
    """Everything a refused request must leave untouched."""
    article = Article.objects.get(pk=article.pk)
    return (
        article.status,
        article.publish_at,
        article.embargo_ends_at,
        article.version,
        article.headline,
        article.body,
        article.transitions.count(),
    )


# Who may take each transition from each state (a row of the permission matrix).
ALLOWED = {
    ("submit", "draft"): {"owner", "editor", "admin"},
    ("request_changes", "in_review"): {"editor", "admin"},
    ("publish", "draft"): {"editor", "admin"},
    ("publish", "in_review"): {"editor", "admin"},
    ("publish", "unpublished"): {"editor", "admin"},
    ("publish", "scheduled"): {"editor", "admin"},
    ("unpublish", "published"): {"editor", "admin"},
    ("unpublish", "scheduled"): {"editor", "admin"},
    ("take_down", "published"): {"editor", "admin"},
    ("take_down", "scheduled"): {"editor", "admin"},
    ("take_down", "unpublished"): {"editor", "admin"},
    ("reinstate", "taken_down"): {"admin"},
}
TARGET = {
    "submit": "in_review",
    "request_changes": "draft",
    "publish": "published",
    "unpublish": "unpublished",
    "take_down": "taken_down",
    "reinstate": "unpublished",
}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(article, **overrides):
    """What the change form posts for article, as a browser would send it."""
    article = Article.objects.get(pk=article.pk)
    bylines = list(article.byline_set.all())
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "loaded_version": article.version,
        "regions": [tag.pk for tag in article.regions.all()],
        "topics": [tag.pk for tag in article.topics.all()],
        "hero": article.hero_id or "",
        "hero_alt": article.hero_alt,
        "hero_caption": article.hero_caption,
        "hero_credit": article.hero_credit,
        "source_attribution": article.source_attribution,
        "promo_footer": article.promo_footer_id or "",
        "byline_set-TOTAL_FORMS": len(bylines),
        "byline_set-INITIAL_FORMS": len(bylines),
        "byline_set-MIN_NUM_FORMS": 0,
        "byline_set-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for index, byline in enumerate(bylines):
        data |= {
            f"byline_set-{index}-id": byline.pk,
            f"byline_set-{index}-article": article.pk,
            f"byline_set-{index}-author": byline.author_id,
            f"byline_set-{index}-position": byline.position,
        }
    data.update(overrides)
    return data
