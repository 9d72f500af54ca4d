"""A realistic synthetic archive, written with bulk inserts.

Benchmarks and scale tests need tens of thousands of articles that look like a
local outlet's: long bodies, several bylines, a few regions and topics drawn
from a skewed vocabulary (a local outlet tags "London" far more than "Syria"),
ten years of publish times and every workflow state. `generate_archive` builds
them without calling `Article.save()`, so it fills the derived fields (excerpt,
reading time) itself with the same helpers `save()` uses.
"""

import random
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from multiprocessing import get_context
from types import SimpleNamespace

import django
from django.db import connection, transaction
from django.utils import timezone

from articles import listings, planner, search, text
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

from . import bulk
from .prose import AUTHOR_TITLES, FIRST_NAMES, LAST_NAMES, REGION_PARENTS, REGIONS, TOPICS, Pool, Writer

MAX_ARTICLES = 1_000_000
ARCHIVE_YEARS = 10
TARGET_WORDS = 600

SENTENCE_POOL_SIZE = 6000
CHUNK_SIZE = 2000
# What the sentences of the pool are made of (see `prose.Pool`).
PARALLEL_FROM = 10_000
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


def _region_tree(parents):
    """Place the archive's top-level regions in the tree (saved one by one, so the stored tree follows)."""
    regions = {region.name.lower(): region for region in RegionTag.objects.filter(parent=None)}
    for name, parent in parents.items():
        region, above = regions.get(name.lower()), RegionTag.objects.filter(name__iexact=parent).first()
        if region is None or above is None:
            continue
        region.parent = above
        if region.parent_problem() is None:
            region.save()


def _labeller(author_pks, region_pks, topic_pks):
    """A function giving an article's `listing_labels` from the indices of its authors, regions and topics."""

    def name_and_slug(model, pks):
        return {
            pk: [name, slug] for pk, name, slug in model.objects.filter(pk__in=pks).values_list("pk", "name", "slug")
        }

    authors = name_and_slug(Author, author_pks)
    regions, topics = name_and_slug(RegionTag, region_pks), name_and_slug(TopicTag, topic_pks)

    def labels(author_indices, region_indices, topic_indices):
        return {
            "authors": [authors[author_pks[index]] for index in author_indices],
            "regions": sorted(regions[region_pks[index]] for index in region_indices),
            "topics": sorted(topics[topic_pks[index]] for index in topic_indices),
        }

    return labels


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
    if roll < 0.975:
        return Status.UNPUBLISHED, past, None, past
    if roll < 0.98:
        return Status.TAKEN_DOWN, past, None, past
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
        _region_tree(REGION_PARENTS)
        topic_pks = _vocabulary(TopicTag, TOPICS)
        author_pks = _authors(rng, author_pool)
        slugs = TakenSlugs(Article.objects.values_list("slug", flat=True))

        insert_articles = bulk.article_inserter((*ARTICLE_FIELDS, "listing_labels"))
        labels = _labeller(author_pks, region_pks, topic_pks)
        insert_bylines = bulk.through_inserter(Byline, "article_id", "author_id", "position")
        insert_regions = bulk.through_inserter(TaggedRegion, "content_object_id", "tag_id")
        insert_topics = bulk.through_inserter(TaggedTopic, "content_object_id", "tag_id")
        bulk.sqlite_bulk_load_pragmas()
        with bulk.search_index_written_here() as insert_index_rows:
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
                    fields, links = values[: len(ARTICLE_FIELDS) - 2], values[len(ARTICLE_FIELDS) - 2 :][:3]
                    rows.append((headline, slugs.claim(base_slug), *fields, labels(*links)))
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
        # Rows inserted in bulk send no signals: bring the lists up to date and announce the change once.
        listings.rebuild()
        announce(Article, using=connection.alias)
    planner.refresh_statistics(using=connection.alias)

    summary.authors, summary.regions, summary.topics = len(author_pks), len(region_pks), len(topic_pks)
    summary.seconds = time.monotonic() - started
    return summary


def _byline_count(rng):
    """1 to 4 authors, most stories having one."""
    return rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]
