"""A realistic synthetic archive, written with bulk inserts.

Benchmarks and scale tests need tens of thousands of articles that look like a
local outlet's: long bodies, several bylines, a few regions and topics drawn
from a skewed vocabulary (a local outlet tags "London" far more than "Syria"),
ten years of publish times and every workflow state. `generate_archive` builds
them without calling `Article.save()`, so it fills the derived fields (excerpt,
reading time) itself with the same helpers `save()` uses.
"""

import random
import sqlite3
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from multiprocessing import get_context
from types import SimpleNamespace

import django
from django.db import connection, transaction
from django.utils import timezone

from articles import search, text
from articles.models import (
    LIVE,
    SLUG_MAX_LENGTH,
    Article,
    Author,
    Byline,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)
from articles.signals import announce
from articles.slugs import TakenSlugs, slug_base

from .prose import AUTHOR_TITLES, FIRST_NAMES, LAST_NAMES, REGIONS, TOPICS, Pool, Writer

MAX_ARTICLES = 1_000_000
ARCHIVE_YEARS = 10
TARGET_WORDS = 600

SENTENCE_POOL_SIZE = 6000
CHUNK_SIZE = 2000
# What the sentences of the pool are made of (see `prose.Pool`).
PARALLEL_FROM = 10_000
# The trigger of migration 0008_sqlite_search_table that indexes each inserted article for search.
SEARCH_INSERT_TRIGGER = f"{search.SQLITE_SEARCH_TABLE}_insert"
# Articles per INSERT statement on SQLite (fewer if its limit on parameters is lower).
ROWS_PER_STATEMENT = 1000
# The article columns the composer fills; every other column gets its default.
ARTICLE_FIELDS = (
    "headline", "slug", "standfirst", "body", "status", "publish_at", "embargo_ends_at", "first_published_at",
    "excerpt", "reading_minutes",
)  # fmt: skip


@dataclass
class ArchiveSummary:
    articles: int = 0
    live: int = 0
    authors: int = 0
    regions: int = 0
    topics: int = 0
    bylines: int = 0
    tag_links: int = 0
    seconds: float = 0.0
    by_status: dict = field(default_factory=dict)


def _cumulative(weights):
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _distinct(rng, population, cum_weights, count):
    chosen = []
    while len(chosen) < count:
        (pick,) = rng.choices(population, cum_weights=cum_weights)
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _vocabulary(model, names):
    """The tags for names, created (through save(), so slugs and names are normalised) when missing."""
    existing = {tag.name.lower(): tag for tag in model.objects.all()}
    tags = []
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag = model(name=name)
            tag.save()
        tags.append(tag.pk)
    return tags


def _authors(rng, count):
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    existing = {author.name: author.pk for author in Author.objects.filter(name__in=names[:count])}
    pks = []
    for name in names[:count]:
        title = rng.choice(AUTHOR_TITLES)  # drawn even when unused, so a seed always gives the same archive
        if name not in existing:
            author = Author(name=name, title=title)
            author.save()
            existing[name] = author.pk
        pks.append(existing[name])
    return pks


def _state(rng, now):
    """(status, publish_at, embargo_ends_at, first_published_at) in realistic proportions."""
    Status = Article.Status
    past = now - timedelta(seconds=rng.randrange(ARCHIVE_YEARS * 365 * 24 * 3600))
    roll = rng.random()
    if roll < 0.93:
        return Status.PUBLISHED, past, None, past
    if roll < 0.955:
        return Status.DRAFT, None, None, None
    if roll < 0.97:
        return Status.IN_REVIEW, None, None, None
    if roll < 0.98:
        return Status.UNPUBLISHED, past, None, past
    if roll < 0.995:
        scheduled = now + timedelta(seconds=rng.randrange(60, 30 * 24 * 3600))
        return Status.PUBLISHED, scheduled, None, None
    embargo = now + timedelta(seconds=rng.randrange(60, 3 * 24 * 3600))
    recent = now - timedelta(seconds=rng.randrange(3600, 24 * 3600))
    return Status.PUBLISHED, recent, embargo, None


def _weights(count, exponent):
    """Zipf-like cumulative weights: the first items carry most of the archive."""
    return _cumulative(1 / (rank + 1) ** exponent for rank in range(count))


_pools = {}


def _pool(seed):
    if seed not in _pools:
        _pools[seed] = Pool(Writer(random.Random(seed)), SENTENCE_POOL_SIZE)
    return _pools[seed]


def _compose_chunk(seed, index, size, now, author_count, region_count, topic_count, plain_texts):
    """The content of one chunk of articles as plain tuples, touching no database.

    Each chunk has its own random stream, so chunks can be written in another
    process and the archive still depends only on the seed. A tuple holds the
    values of ARTICLE_FIELDS (with the slug before it is made unique), then the
    indices of its authors, regions and topics, then (with `plain_texts`) the search index's plain texts.
    """
    rng = random.Random(f"{seed}:{index}")
    writer, pool = Writer(rng), _pool(seed)
    author_weights = _weights(author_count, 0.5)
    region_weights, topic_weights = _weights(region_count, 0.8), _weights(topic_count, 0.8)
    authors, regions, topics = range(author_count), range(region_count), range(topic_count)
    composed = []
    for _ in range(size):
        headline = writer.headline()
        body, words, plain = pool.body(rng, rng.randint(TARGET_WORDS - 150, TARGET_WORDS + 150))
        standfirst = writer.sentence() if rng.random() < 0.95 else ""
        composed.append(
            (
                headline,
                slug_base(headline, max_length=SLUG_MAX_LENGTH, fallback_prefix="article"),
                standfirst,
                body,
                *_state(rng, now),
                # What Article.save() would fill in; the bulk insert does not call it.
                text.excerpt(standfirst or body),
                text.minutes_for_words(words),
                _distinct(rng, authors, author_weights, _byline_count(rng)),
                _distinct(rng, regions, region_weights, rng.randint(2, 4)),
                _distinct(rng, topics, topic_weights, rng.randint(2, 4)),
                # What the SQLite search index stores for the three texts (the body's for the price of a
                # join, see `prose.Pool`), written by the writer instead of by the index's insert trigger.
                (search.plain_text(headline), search.plain_text(standfirst), plain) if plain_texts else None,
            )
        )
    return composed


def _composed_chunks(jobs, *, parallel):
    """Yield composed chunks in order; with `parallel`, a second process writes the prose ahead."""
    if not parallel:
        for job in jobs:
            yield _compose_chunk(*job)
        return
    # "spawn" gives the helper a fresh interpreter that never shares this one's database connection.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=django.setup) as executor:
        first, *rest = jobs
        rest = iter(rest)
        pending = deque(executor.submit(_compose_chunk, *job) for job in islice(rest, 3))
        # The helper takes a second or two to start: this process composes the first chunk meanwhile.
        yield _compose_chunk(*first)
        while pending:
            chunk = pending.popleft().result()
            job = next(rest, None)
            if job is not None:
                pending.append(executor.submit(_compose_chunk, *job))
            yield chunk


def generate_archive(
    *, articles: int, seed: int = 1, author_pool: int = 60, now=None, progress=None, parallel=None
) -> ArchiveSummary:
    """Add `articles` synthetic articles with bylines and tags, in one transaction.

    Deterministic for a given seed and `now`. The page cache is invalidated once
    the transaction commits. Large archives are composed in a second process
    while this one writes (`parallel`, by default from PARALLEL_FROM articles).
    """
    if not isinstance(articles, int) or isinstance(articles, bool) or not 1 <= articles <= MAX_ARTICLES:
        raise ValueError(f"The number of articles must be a whole number from 1 to {MAX_ARTICLES:,}.")
    if not 1 <= author_pool <= len(FIRST_NAMES) * len(LAST_NAMES):
        raise ValueError("The author pool must hold between 1 and 300 authors.")
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(seed)
    parallel = articles >= PARALLEL_FROM if parallel is None else parallel
    summary = ArchiveSummary()

    with transaction.atomic():
        region_pks = _vocabulary(RegionTag, REGIONS)
        topic_pks = _vocabulary(TopicTag, TOPICS)
        author_pks = _authors(rng, author_pool)
        slugs = TakenSlugs(Article.objects.values_list("slug", flat=True))

        insert_articles = _article_inserter(ARTICLE_FIELDS)
        insert_bylines = _through_inserter(Byline, "article_id", "author_id", "position")
        insert_regions = _through_inserter(TaggedRegion, "content_object_id", "tag_id")
        insert_topics = _through_inserter(TaggedTopic, "content_object_id", "tag_id")
        _sqlite_bulk_load_pragmas()
        with _search_index_written_here() as insert_index_rows:
            index_here = insert_index_rows is not None
            jobs = [
                (
                    seed,
                    index,
                    min(CHUNK_SIZE, articles - start),
                    now,
                    len(author_pks),
                    len(region_pks),
                    len(topic_pks),
                    index_here,
                )
                for index, start in enumerate(range(0, articles, CHUNK_SIZE))
            ]
            for composed in _composed_chunks(jobs, parallel=parallel):
                rows = []
                for headline, base_slug, *values in composed:
                    status, publish_at, embargo_ends_at = values[2:5]
                    summary.by_status[status] = summary.by_status.get(status, 0) + 1
                    state = SimpleNamespace(status=status, publish_at=publish_at, embargo_ends_at=embargo_ends_at)
                    summary.live += LIVE.holds(state, now)
                    rows.append((headline, slugs.claim(base_slug), *values[: len(ARTICLE_FIELDS) - 2]))
                pks = insert_articles(rows)
                if index_here:
                    insert_index_rows([(pk, *row[-1]) for pk, row in zip(pks, composed, strict=True)])
                bylines, regions, topics = [], [], []
                for pk, (*_, authors, article_regions, article_topics, _plain) in zip(pks, composed, strict=True):
                    for position, author in enumerate(authors):
                        bylines.append((pk, author_pks[author], position))
                    regions.extend((pk, region_pks[region]) for region in article_regions)
                    topics.extend((pk, topic_pks[topic]) for topic in article_topics)
                insert_bylines(bylines)
                insert_regions(regions)
                insert_topics(topics)
                summary.articles += len(rows)
                summary.bylines += len(bylines)
                summary.tag_links += len(regions) + len(topics)
                if progress:
                    progress(summary.articles, articles)
        # Rows inserted in bulk send no signals: announce the change once, for the whole archive.
        announce(Article, using=connection.alias)

    summary.authors, summary.regions, summary.topics = len(author_pks), len(region_pks), len(topic_pks)
    summary.seconds = time.monotonic() - started
    return summary


def _article_inserter(attnames):
    """A function that inserts articles given as tuples of `attnames` values and returns their pks.

    The values must be what Article.save() would store: bodies are not sanitised
    again (the composer's are already clean, see `prose.Pool`), and every other column
    gets its default, as in a new Article. On SQLite, rows go in with their ids
    (taken in order: the write transaction keeps other writers out) many to a
    statement; elsewhere through bulk_create, which reads the ids back.
    """
    if connection.vendor != "sqlite":

        def bulk_create(rows):
            batch = [Article(**dict(zip(attnames, row, strict=True))) for row in rows]
            Article.objects.bulk_create(batch)
            return [article.pk for article in batch]

        return bulk_create

    meta, quote = Article._meta, connection.ops.quote_name
    given = [meta.get_field(name) for name in attnames]
    others = [field for field in meta.local_concrete_fields if not field.primary_key and field not in given]
    # Aware datetimes, so the backend's adapter alone gives what the field would store.
    timestamps = [1 + position for position, field in enumerate(given) if field.get_internal_type() == "DateTimeField"]
    adapt = connection.ops.adapt_datetimefield_value
    insert_rows = _row_inserter(meta.db_table, [field.column for field in [meta.pk, *given, *others]])
    with connection.cursor() as cursor:
        # The next id AUTOINCREMENT would give: past the highest id ever used, even if since deleted.
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        (sequence,) = cursor.fetchone()
    next_pk = max(highest or 0, sequence or 0) + 1

    def insert(rows):
        nonlocal next_pk
        blank = Article()
        defaults = [field.get_db_prep_save(field.pre_save(blank, add=True), connection) for field in others]
        pks = range(next_pk, next_pk + len(rows))
        values = []
        for pk, row in zip(pks, rows, strict=True):
            row = [pk, *row, *defaults]
            for position in timestamps:
                row[position] = adapt(row[position])
            values.append(row)
        insert_rows(values)
        next_pk += len(rows)
        return pks

    return insert


def _through_inserter(model, *attnames):
    """Insert rows of a small through model given as plain tuples of `attnames` values.

    Hundreds of thousands of three-column rows: building a model instance and
    an INSERT statement for each costs most of the archive's time, and these
    rows have no defaults, save() logic or signals to honour.
    """
    return _row_inserter(model._meta.db_table, [model._meta.get_field(name).column for name in attnames])


def _row_inserter(table, columns):
    """A function that inserts rows (tuples of values for `columns`) into `table`.

    On SQLite many rows a statement: its executemany runs one statement per row,
    which takes about twice as long, and with a trigger writing an FTS5 table (as
    the search index's did) each statement flushes a new index segment to merge.
    Elsewhere one executemany.
    """
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) VALUES "
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    if connection.vendor != "sqlite":

        def executemany(rows):
            if rows:
                with connection.cursor() as cursor:
                    cursor.executemany(head + placeholders, rows)

        return executemany

    parameters = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = min(ROWS_PER_STATEMENT, parameters // len(columns))

    def insert(rows):
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                part = rows[start : start + per_statement]
                cursor.execute(head + ", ".join([placeholders] * len(part)), [value for row in part for value in row])

    return insert


@contextmanager
def _search_index_written_here():
    """On SQLite, write the search index's rows here rather than through its insert trigger.

    Yields a row inserter for the FTS table (rowid, then the plain texts of headline,
    standfirst and body), or None where the trigger does not exist. The trigger calls
    `search.plain_text()` from SQLite three times per article, which costs more than
    the inserts; the composer has these texts already (see `prose.Pool`). The trigger is
    dropped inside the transaction and created again from its own stored definition;
    if anything fails on the way, the transaction's rollback restores it.
    """
    found = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SEARCH_INSERT_TRIGGER]
            )
            found = cursor.fetchone()
    if found is None:
        yield None
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(SEARCH_INSERT_TRIGGER)}")
    yield _row_inserter(search.SQLITE_SEARCH_TABLE, ["rowid", "headline", "standfirst", "body"])
    with connection.cursor() as cursor:
        cursor.execute(found[0])


def _sqlite_bulk_load_pragmas():
    """A big page cache for this connection: the transaction touches about 13 KB per article.

    The indexes on slug and publish time take rows in random order; once the cache is
    full, their pages are written out and read back again and again (100,000 articles
    took half as long again with a 256 MiB cache as with this one).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1048576")  # 1 GiB, in KiB; a limit, not an allocation


def _byline_count(rng):
    """1 to 4 authors, most stories having one."""
    return rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]
