"""Every write with side effects goes through a function here."""

from django.db import transaction

from .exceptions import DuplicateImportError
from .models import Article, Author, PromoFooter
from .text import first_sentence, normalize_name
from .wire import read_wire_copy

DERIVED_HEADLINE_LENGTH = 110


@transaction.atomic
def article_create(*, headline, user=None, standfirst="", body="", authors=(), regions=(), topics=(), **fields):
    """Create a draft with its bylines and tags."""
    article = Article.objects.create(
        headline=headline,
        standfirst=standfirst,
        body=body,
        status=Article.Status.DRAFT,
        created_by=user,
        updated_by=user,
        **fields,
    )
    article_set_bylines(article=article, authors=authors)
    if regions:
        article.regions.set(list(regions))
    if topics:
        article.topics.set(list(topics))
    return article


def article_set_bylines(*, article, authors):
    """Replace the article's bylines, keeping the order given."""
    article.bylines.clear()
    for position, author in enumerate(authors):
        article.bylines.add(author, through_defaults={"position": position})


def author_get_or_create(*, name):
    name = normalize_name(name)
    author = Author.objects.filter(name__iexact=name).first()
    return author or Author.objects.create(name=name)


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
    copy = read_wire_copy(path)
    duplicate = Article.objects.filter(wire_checksum=copy.checksum).first()
    if duplicate:
        raise DuplicateImportError(duplicate)
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
