"""One place that builds test rows."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, Author, PromoFooter
from articles.services import article_create

_sequence = count(1)


def make_author(name=None, **fields):
    return Author.objects.create(name=name or f"Author {next(_sequence)}", **fields)


def make_article(headline=None, *, status=Article.Status.DRAFT, publish_at=None, authors=None, **fields):
    regions = fields.pop("regions", ["London"])
    topics = fields.pop("topics", ["Culture"])
    article = article_create(
        headline=headline or f"Story number {next(_sequence)}",
        standfirst=fields.pop("standfirst", "A standfirst."),
        body=fields.pop("body", "<p>Body text.</p>"),
        authors=authors if authors is not None else [make_author()],
        regions=regions,
        topics=topics,
        **fields,
    )
    if status != Article.Status.DRAFT:
        if status == Article.Status.PUBLISHED and publish_at is None:
            publish_at = timezone.now() - timedelta(minutes=5)
        Article.objects.filter(pk=article.pk).update(status=status, publish_at=publish_at)
        article.refresh_from_db()
    return article


def make_footer(**fields):
    fields.setdefault("name", f"Footer {next(_sequence)}")
    fields.setdefault("tagline", "Local news, all day:")
    return PromoFooter.objects.create(**fields)


def make_user(role=None, username=None, *, author=None, **fields):
    """A staff account in one of the role groups ("Reporter", "Editor", "Admin"), or with no role."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    username = username or f"{(role or 'user').lower()}{next(_sequence)}"
    user = get_user_model().objects.create_user(
        username=username, password=fields.pop("password", "correct horse battery"), is_staff=True, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if author is not None:
        Author.objects.filter(pk=author.pk).update(user=user)
    return user
