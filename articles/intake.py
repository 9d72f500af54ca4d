"""Writes that bring copy in from outside: wire files and posts imported from another system.

Each ends in the save services of `articles.services`, so listings, search and the page cache follow.
"""

from django.db import transaction

from . import validators
from .exceptions import DuplicateImportError, WireImportError
from .models import Article, ArticleTransition, Author, PromoFooter
from .services import CONTENT_FIELDS, DERIVED_FIELDS, STATE_FIELDS, _lock, _save, article_create, article_set_bylines
from .slugs import free_slug
from .text import first_sentence, normalize_name
from .wire import read_wire_copy

DERIVED_HEADLINE_LENGTH = 110


def author_get_or_create(*, name):
    name = normalize_name(name)
    author = Author.objects.filter(name__iexact=name).first()
    return author or Author.objects.create(name=name)


def is_promo_line(line):
    """Whether line is the outlet's promo line (it starts with a registered footer's tagline); reads only."""
    return any(
        tagline.strip() and line.startswith(tagline.strip())
        for tagline in PromoFooter.objects.values_list("tagline", flat=True)
    )


def footer_for_trailing_line(line):
    """Match a trailing wire-copy line to a registered footer tagline.

    Returns (footer, is_new) or (None, False) when the line is ordinary body text.
    The teaser after the tagline links to one of our articles when its headline
    matches, and is otherwise kept as custom teaser text.
    """
    for footer in PromoFooter.objects.order_by("-is_default", "pk"):
        tagline = footer.tagline.strip()
        if not tagline or not line.startswith(tagline):
            continue
        teaser = line[len(tagline) :].strip()
        target = Article.objects.filter(headline__iexact=teaser.rstrip(".")).first() if teaser else None
        if target:
            existing = PromoFooter.objects.filter(tagline=footer.tagline, teaser_article=target).first()
            fields = {"teaser_article": target}
        else:
            existing = PromoFooter.objects.filter(
                tagline=footer.tagline, teaser_text=teaser, teaser_article=None
            ).first()
            fields = {"teaser_text": teaser[: PromoFooter._meta.get_field("teaser_text").max_length]}
        if existing:
            return existing, False
        name = f"Teaser: {first_sentence(teaser or 'tagline only', max_length=90)}"
        return PromoFooter.objects.create(name=name, tagline=footer.tagline, **fields), True
    return None, False


@transaction.atomic
def article_import_wire_copy(*, path, headline=None, regions=(), topics=(), authors=(), user=None):
    """Import a plain-text wire file as a draft.

    Raises WireImportError for an unreadable file and DuplicateImportError when
    the same copy was imported before; in both cases nothing is written.
    """
    problems = [
        problem
        for vocabulary, names in (("region", regions), ("topic", topics))
        for name in names
        for problem in validators.tag_name_problems(name, what=f"{vocabulary} “{normalize_name(name)}”")
    ]
    if problems:
        raise WireImportError(" ".join(problems) + " Nothing was imported.")
    copy = read_wire_copy(path)
    duplicate = Article.objects.filter(wire_checksum=copy.checksum).first()
    if duplicate:
        raise DuplicateImportError(duplicate)
    if len(copy.paragraphs) == 1 and is_promo_line(copy.trailing_line):
        raise WireImportError(f"{path}: no story text, only the outlet's promo line; nothing to import.")
    footer = None
    if len(copy.paragraphs) > 1:
        footer, _ = footer_for_trailing_line(copy.trailing_line)
    paragraphs = copy.paragraphs[:-1] if footer else copy.paragraphs
    headline = (
        normalize_name(headline) if headline else first_sentence(paragraphs[0], max_length=DERIVED_HEADLINE_LENGTH)
    )
    return article_create(
        headline=headline,
        user=user,
        body=copy.body_html(paragraphs),
        authors=[author_get_or_create(name=name) for name in authors],
        regions=regions,
        topics=topics,
        promo_footer=footer,
        wire_checksum=copy.checksum,
    )


IMPORTED_FIELDS = ["headline", "standfirst", "body", "hero_image", "hero_caption", "hero_alt"]


@transaction.atomic
def article_import_post(
    *, article=None, slug, status, publish_at, authors=(), regions=(), topics=(), note, hero=None, **fields
) -> Article:
    """Create, or refresh, an article from a post of another system, in the state the post had there.

    Neither roles nor the publish checklist apply: the post already had that state on the old site, and
    the change is recorded in the workflow log with `note`. `fields` are among IMPORTED_FIELDS; `hero` is
    an image file already checked by `images.check_image`. A story that has been published keeps its slug.
    `status` None keeps the article's state (the desk changed it since the last import).
    """
    creating = article is None
    if creating:
        # Made as a draft with its bylines and tags, then put in its state: one move onto the readers' lists.
        article = Article(slug=free_slug(Article, slug), status=Article.Status.DRAFT, **fields)
    else:
        article = _lock(article)
        for name, value in fields.items():
            setattr(article, name, value)
        if not article.first_published_at:
            article.slug = free_slug(Article, slug, exclude_pk=article.pk)
        article.version += 1
    if hero is not None:
        article.hero_image = hero
    from_status = article.status
    _save(article) if creating else _save(article, update_fields=[*CONTENT_FIELDS, *DERIVED_FIELDS])
    article_set_bylines(article=article, authors=authors)
    article.regions.set(list(regions))
    article.topics.set(list(topics))
    changes_state = status is not None and (status, publish_at) != (article.status, article.publish_at)
    if changes_state:
        article.status = status
        article.publish_at = publish_at
        if status == Article.Status.PUBLISHED and article.first_published_at is None:
            article.first_published_at = publish_at
        article.save(update_fields=[*STATE_FIELDS, "updated_at"])
        ArticleTransition.objects.create(
            article=article,
            from_status=from_status,
            to_status=article.status,
            publish_at=article.publish_at if article.status == Article.Status.PUBLISHED else None,
            comment=note,
        )
    return article
