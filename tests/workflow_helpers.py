"""Shared set-up for the workflow tests: one account per role and articles in every state."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from articles.services import article_publish, article_submit, article_unpublish
from tests.factories import make_article, make_author, make_user

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
