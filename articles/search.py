"""Reader search: PostgreSQL's ranked full-text search, and a plain fallback on SQLite.

Headlines weigh more than standfirsts, standfirsts more than bodies. On
PostgreSQL the weighted vector is stored per article in the column
`search_document`, kept current by a trigger on every insert and edit and
indexed with GIN (migration 0007_stored_search_document), so a search never
parses article text. `search_vector()` is the same vector built from the
texts, kept for the history of migrations.
"""

import functools
import html
import json
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Case, DateTimeField, F, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import text
from .models import LIVE, Article, ListingEntry

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


# A code of letters and digits, written with or without a hyphen: "S400" and "S-400", "F35" and "F-35".
LETTER_NUMBER = re.compile(r"^([^\W\d_]+)-?(\d+)$|^(\d+)-?([^\W\d_]+)$")


def code_variants(term):
    """The spellings of a letters-and-digits code a reader may mean ("s400" -> "s400", "s-400"), or None."""
    match = LETTER_NUMBER.match(term)
    if not match:
        return None
    first, second = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return [f"{first}{second}", f"{first}-{second}"]


def ranked(query):
    """[(id, rank, moment it went live)] of the live articles that match query, best match first (then newest).

    Read as plain rows, with no article loaded: on PostgreSQL the moment each candidate went live comes from
    its own columns by the live rule; on SQLite from its entry on the list of every story (`ListingEntry`,
    whose `public_at` is that same moment).
    """
    query = clean_query(query)
    if not query:
        return []
    at = timezone.now()
    if connection.vendor == "postgresql":
        return _postgres_live_matches(query, at, ["pk", "rank", "public_at"])
    return sorted(_fallback_live_matches(query, at), key=lambda row: (row[1], row[2], row[0]), reverse=True)


def ranked_ids(query):
    """Ids of the live articles that match query, best match first: the order of `ranked()`.

    Ranked among the SEARCH_CANDIDATES most recently added matches, so the
    cost of a search does not grow with the archive. The candidates come from
    the search index alone, then the live ones are kept: with the live filter
    in the same SQL, a planner that misjudges it (no statistics yet after a
    bulk load) walks every live article and probes the candidates. On
    PostgreSQL only the ids are read: turning 500 moments into datetimes cost
    more than the database's sort.
    """
    if connection.vendor == "postgresql" and (cleaned := clean_query(query)):
        return [pk for (pk,) in _postgres_live_matches(cleaned, timezone.now(), ["pk"])]
    return [pk for pk, _rank, _moment in ranked(query)]


def desk_ranked_ids(query):
    """Ids of the articles in any state that match query, best match first: the desk's search.

    The same index and candidates as `ranked_ids()`, without the live filter; who may see
    which article is for the caller to decide.
    """
    query = clean_query(query)
    if not query:
        return []
    candidates = _postgres_candidates(query) if connection.vendor == "postgresql" else _fallback_candidates(query)
    ranked = sorted(candidates, key=lambda article: (article.rank, article.pk), reverse=True)
    return [article.pk for article in ranked]


def stored_search_document():
    """The article's stored search vector (PostgreSQL only; not a model field, so never loaded)."""
    # Unqualified, so it names the right table inside subqueries too (no other table has this column).
    return RawSQL("search_document", [], output_field=SearchVectorField())


def _postgres_candidates(query):
    """The newest matches, with `rank` (higher is better) and what `is_live` reads."""
    vector = stored_search_document()
    ts_query = _postgres_query(query)
    # Ranked outside the subquery, so that only the candidates are ranked, not every match.
    return (
        Article.objects.filter(pk__in=_newest_matches(Article.objects.alias(search=vector).filter(search=ts_query)))
        .annotate(rank=SearchRank(vector, ts_query))
        .only(*LIVE.fields)
        .order_by()
    )


def _newest_matches(matches, **columns):
    """Rows of the pk (and columns, expressions by name) of the SEARCH_CANDIDATES newest of `matches`, read by
    whichever of two plans costs less.

    Walking the stories newest first and testing each stops once it has the candidates: it tests about
    CANDIDATES x stories / matches vectors, cheap for a word in most stories, slow for a rarer one (a word in
    4,745 of 100,000 stories: 11,600 vectors tested, 36 ms). Collecting every match from the GIN index and
    keeping the newest reads each match once: 5 ms for that word, 260 ms for a word in 97,000 stories, where the
    walk takes 2. PostgreSQL estimates the matches well but not what testing a vector costs, so it walks even
    where collecting is faster; its estimates decide here: collect when matches^2 < CANDIDATES x stories.
    """
    matches = matches.order_by()
    pks = matches.values("pk")
    estimate = json.loads(pks.union(Article.objects.order_by().values("pk"), all=True).explain(format="json"))
    matching, stories = (branch["Plan Rows"] for branch in estimate[0]["Plan"]["Plans"])
    # Collecting: an order the primary key's index cannot give, so the planner collects and sorts.
    newest_first = "-pk" if matching * matching >= SEARCH_CANDIDATES * stories else (F("pk") + 0).desc()
    return matches.order_by(newest_first).values("pk", **columns)[:SEARCH_CANDIDATES]


def _postgres_live_matches(query, at, columns):
    """Rows of columns (of "pk", "rank", "public_at") of the live stories among the candidates, best match first
    (then newest).

    Each candidate's rank, and when it went live by the live rule, are worked out from its own columns in the
    walk that finds it: no second read of the candidates (and of their vectors), no lookup per candidate, and
    no filter the planner could start the query from.
    """
    vector = stored_search_document()
    ts_query = _postgres_query(query)
    went_live = Case(When(LIVE.q(at), then=LIVE.moment_expression()), output_field=DateTimeField())
    newest = _newest_matches(
        Article.objects.alias(search=vector).filter(search=ts_query),
        rank=SearchRank(vector, ts_query),
        public_at=went_live,
    )
    sql, params = newest.query.sql_with_params()
    selected = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {selected} FROM ({sql}) AS candidate"
            ' WHERE "public_at" IS NOT NULL ORDER BY "rank" DESC, "public_at" DESC, "pk" DESC',
            params,
        )
        return cursor.fetchall()


def _postgres_query(query):
    """The reader's words as a tsquery: websearch syntax (quotes, "or", "-word" never raise), and each
    letters-and-digits code matching either spelling ("S400" finds "S-400", and "S-400" finds "S400")."""
    words, codes = [], []
    for word in query.split():
        variants = code_variants(TERM_EDGES.sub("", word).casefold())
        (codes if variants else words).append(variants or word)
    if not codes:
        return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    parts = [SearchQuery(" ".join(words), search_type="websearch", config=SEARCH_CONFIG)] if words else []
    for variants in codes:
        either = [SearchQuery(variant, search_type="phrase", config=SEARCH_CONFIG) for variant in variants]
        parts.append(either[0] | either[1])
    combined = parts[0]
    for part in parts[1:]:
        combined &= part
    return combined


# Bodies are sanitised on save, so every tag is well formed; a tag becomes a space so
# that the words on either side stay apart. Much faster than an HTML parser on every insert.
TAG = re.compile(r"<[^>]*>")


def plain_text(value):
    return text.collapse_whitespace(TAG.sub(" ", value or "")).casefold()


def register_sqlite_functions(sender, connection, **kwargs):
    """Give each new SQLite connection the function the fallback search relies on."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(PLAIN_TEXT_FUNCTION, 1, plain_text, deterministic=True)


SQLITE_SEARCH_TABLE = "articles_article_search"
# What a match in each column of the FTS5 table is worth: every word of the query in the headline
# outranks them all in the standfirst, which outranks them all in the body.
SQLITE_COLUMN_WEIGHTS = {"headline": 16, "standfirst": 4, "body": 1}


# Relevance is ranked among at most this many matches, the most recently added:
# a word found in nearly every story would otherwise rank the whole archive per request.
SEARCH_CANDIDATES = 500


def fts_query(terms):
    """An FTS5 query in which every term must match (stemmed, so "lanterns" finds "lantern"); a letters-and-digits
    code matches either spelling ("s400" or the phrase "s 400", which is how "S-400" is indexed)."""

    def quoted(term):
        return '"{}"'.format(term.replace('"', '""'))

    def one(term):
        variants = code_variants(term)
        if not variants:
            return quoted(term)
        return f"({quoted(variants[0])} OR {quoted(variants[1].replace('-', ' '))})"

    return " AND ".join(one(term) for term in terms)


def _fallback_terms(query):
    terms = [TERM_EDGES.sub("", word) for word in query.casefold().split()]
    return list(dict.fromkeys(term for term in terms if term))[:MAX_FALLBACK_TERMS]


def _fallback_matches(terms):
    """(sql, params) of a WITH clause naming `candidate` (id, rank): the newest SEARCH_CANDIDATES matches of the
    FTS5 table of migration 0008_sqlite_search_table (which holds the plain text of every article, so no article
    text is parsed per request), every word appearing (stemmed), ranked by the columns that hold them all
    (SQLITE_COLUMN_WEIGHTS), higher first.

    Not bm25: FTS5 works out bm25's weight of each word by counting every story that has it, about
    2 ms for a common word at 100,000 stories, on every search; whether a column holds the query is
    found within the candidates' range of the index alone. PostgreSQL's ts_rank weighs no word by the archive either.
    """
    table, query = SQLITE_SEARCH_TABLE, fts_query(terms)
    in_column = (
        f"newest.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid >= (SELECT MIN(id) FROM newest))"
    )
    rank = " + ".join(f"{weight} * ({in_column})" for weight in SQLITE_COLUMN_WEIGHTS.values())
    sql = (
        f"WITH newest AS (SELECT rowid AS id FROM {table} WHERE {table} MATCH %s"
        " ORDER BY rowid DESC LIMIT %s),"
        f" candidate AS (SELECT newest.id, {rank} AS rank FROM newest)"
    )
    return sql, [query, SEARCH_CANDIDATES, *(f"{column} : ({query})" for column in SQLITE_COLUMN_WEIGHTS)]


def _fallback_candidates(query):
    """The newest matches, with `rank` (higher is better) and what `is_live` reads; each is read by primary key
    (CROSS JOIN fixes that order)."""
    terms = _fallback_terms(query)
    if not terms:
        return []
    columns = ", ".join(f"articles_article.{name}" for name in ("id", *LIVE.fields))
    matches, params = _fallback_matches(terms)
    # A virtual table the ORM has no model for: raw() reads it into (deferred) articles.
    return Article.objects.raw(
        f"{matches} SELECT {columns}, candidate.rank AS rank FROM candidate"
        " CROSS JOIN articles_article ON articles_article.id = candidate.id",
        params,
    )


def _fallback_live_matches(query, at):
    """[(id, rank, public_at)] of the live stories among the candidates: each candidate's live entry on the list
    of every story is one probe of its unique index (CROSS JOIN fixes that order)."""
    terms = _fallback_terms(query)
    if not terms:
        return []
    matches, params = _fallback_matches(terms)
    sql = (
        f"{matches} SELECT candidate.id, candidate.rank, entry.public_at FROM candidate"
        f" CROSS JOIN {ListingEntry._meta.db_table} AS entry ON entry.article_id = candidate.id"
        " WHERE entry.kind = %s AND entry.key = 0 AND entry.public_at <= %s"
    )
    operations = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ListingEntry.Kind.ALL, operations.adapt_datetimefield_value(at)])
        return [
            (pk, rank, operations.convert_datetimefield_value(public_at, None, connection))
            for pk, rank, public_at in cursor.fetchall()
        ]


SNIPPET_WORDS = 30


@functools.lru_cache(maxsize=256)
def _matcher(query):
    """A pattern finding the query's words in text: each as a word's start (so "lantern" marks "lanterns"),
    a letters-and-digits code in either spelling."""
    words = []
    for word in clean_query(query).casefold().split():
        term = TERM_EDGES.sub("", word)
        if not term or term in {"or", "and"}:
            continue
        variants = code_variants(term)
        if variants:
            first, second = variants[1].split("-", 1)
            words.append(f"{re.escape(first)}-?{re.escape(second)}")
        else:
            words.append(re.escape(term.lstrip("-")))
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(f"(?:{word})" for word in words) + r")\w*", re.IGNORECASE)


def snippet(query, standfirst, body):
    """About SNIPPET_WORDS words of the story around the first match of query, the matches in <mark> (safe HTML)."""
    matcher = _matcher(query)
    # Each tag becomes a space, so that paragraphs stay apart; entities become the characters they stand for.
    passages = [
        text.collapse_whitespace(html.unescape(TAG.sub(" ", body or ""))),
        text.collapse_whitespace(standfirst or ""),
    ]
    chosen, found = passages[0] or passages[1], None
    for passage in passages:
        found = matcher.search(passage) if matcher else None
        if found:
            chosen = passage
            break
    at = chosen.count(" ", 0, found.start()) if found else 0
    first = max(0, at - SNIPPET_WORDS // 3)
    # The words up to the end of those shown; whatever follows stays one last item, unsplit.
    words = chosen.split(" ", first + SNIPPET_WORDS)
    shown = " ".join(words[first : first + SNIPPET_WORDS])
    pieces, last = [], 0
    for match in matcher.finditer(shown) if matcher else ():
        pieces += [escape(shown[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(shown[last:]))
    lead = "…" if first else ""
    tail = "…" if first + SNIPPET_WORDS < len(words) else ""
    return mark_safe(lead + "".join(pieces) + tail)
