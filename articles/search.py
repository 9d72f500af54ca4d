"""Reader search: PostgreSQL's ranked full-text search, and a plain fallback on SQLite.

Headlines weigh more than standfirsts, standfirsts more than bodies. On
PostgreSQL the weighted vector below is also a GIN index (migration
0004_article_search_index), so the query and the index must be built by the
same function, `search_vector()`.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils.html import strip_tags

from . import text

SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_FALLBACK_TERMS = 10
PLAIN_TEXT_FUNCTION = "newsroom_plain_text"
TERM_EDGES = re.compile(r"^\W+|\W+$")


def search_vector():
    """Weighted document vector: headline A, standfirst B, body C (PostgreSQL ignores HTML tags)."""
    return (
        SearchVector("headline", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def clean_query(raw):
    """What the reader typed, made safe to search: no control characters, bounded length."""
    return text.normalize_name(raw or "")[:MAX_QUERY_LENGTH].strip()


def search_articles(queryset, query):
    """The articles of queryset that match query, best match first."""
    query = clean_query(query)
    if not query:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _postgres_search(queryset, query)
    return _fallback_search(queryset, query)


def _postgres_search(queryset, query):
    vector = search_vector()
    # websearch syntax never raises on odd input: quotes, "or", "-word" all parse.
    ts_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, ts_query))
        .filter(search=ts_query)
        .order_by("-rank", "-publish_at", "-pk")
    )


class PlainText(Func):
    """Text of an HTML column, tags stripped and case folded (a function registered on SQLite)."""

    function = PLAIN_TEXT_FUNCTION
    output_field = TextField()


def plain_text(value):
    return text.WHITESPACE.sub(" ", strip_tags(value or "")).casefold()


def register_sqlite_functions(sender, connection, **kwargs):
    """Give each new SQLite connection the function the fallback search relies on."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(PLAIN_TEXT_FUNCTION, 1, plain_text, deterministic=True)


def _fallback_search(queryset, query):
    """Every word must appear somewhere; a word in the headline scores most."""
    terms = [TERM_EDGES.sub("", word) for word in query.casefold().split()]
    terms = list(dict.fromkeys(term for term in terms if term))[:MAX_FALLBACK_TERMS]
    if not terms:
        return queryset.none()
    weights = {"headline_text": 4, "standfirst_text": 2, "body_text": 1}
    queryset = queryset.annotate(
        headline_text=PlainText(F("headline")),
        standfirst_text=PlainText(F("standfirst")),
        body_text=PlainText(Coalesce(F("body"), Value(""))),
    )
    score = Value(0)
    for term in terms:
        queryset = queryset.filter(
            Q(headline_text__contains=term) | Q(standfirst_text__contains=term) | Q(body_text__contains=term)
        )
        for field, weight in weights.items():
            score = score + Case(When(**{f"{field}__contains": term}, then=Value(weight)), default=Value(0))
    return queryset.annotate(rank=Coalesce(score, Value(0), output_field=IntegerField())).order_by(
        "-rank", "-publish_at", "-pk"
    )
