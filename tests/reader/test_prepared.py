"""Reads composed once per process (`reader.prepared`) read what their querysets read, at every moment."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, BreakingNews, ListingEntry, PromoFooter
from reader import paper
from reader.prepared import PreparedRead
from tests.helpers.factories import make_article, make_footer

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        return [
            make_article(
                f"Pimlico story {n}",
                status=Article.Status.PUBLISHED,
                regions=["Pimlico"],
                publish_at=now + timedelta(hours=n - 2),
            )
            for n in range(4)
        ]


def test_rows_are_the_querysets_own_at_each_moment_from_one_composition(stories):
    built = []

    @PreparedRead
    def went_live(since, at):
        built.append((since, at))
        return (
            ListingEntry.objects.live(at).of("all").filter(public_at__gte=since).values_list("article_id", "public_at")
        )

    now = timezone.now()
    for since, at in [
        (now - timedelta(days=1), now),
        (now - timedelta(hours=1), now + timedelta(hours=3)),
        (now + timedelta(hours=5), now + timedelta(hours=6)),
    ]:
        expected = (
            ListingEntry.objects.live(at).of("all").filter(public_at__gte=since).values_list("article_id", "public_at")
        )
        rows = went_live((since, at))
        # The same rows, converted as the ORM converts them (aware datetimes on SQLite too).
        assert sorted(rows) == sorted(expected)
        assert all(timezone.is_aware(moment) for _pk, moment in rows)
    assert [len(went_live((now - timedelta(days=1), now + timedelta(hours=n)))) for n in range(4)] == [3, 4, 4, 4]
    assert len(built) == 1


def test_each_key_is_composed_once():
    built = []

    @PreparedRead
    def headlines(at, status):
        built.append(status)
        return Article.objects.filter(status=status, updated_at__lte=at).values_list("headline")

    make_article("Draft")
    now = timezone.now()
    assert headlines((now,), key=(Article.Status.DRAFT,)) == [("Draft",)]
    assert headlines((now,), key=(Article.Status.PUBLISHED,)) == []
    assert headlines((now,), key=(Article.Status.DRAFT,)) == [("Draft",)]
    assert built == [Article.Status.DRAFT, Article.Status.PUBLISHED]


def test_a_builder_that_does_not_use_its_moment_as_given_is_refused():
    @PreparedRead
    def derived(at):
        return Article.objects.filter(publish_at__lte=at - timedelta(hours=1)).values_list("pk")

    with pytest.raises(ValueError, match="every moment and value it is given"):
        derived((timezone.now(),))


def test_the_banner_opens_and_closes_with_the_moment_read_at(stories, settings):
    now = timezone.now()
    settings.NAV_SECTIONS = [("region", "pimlico")]
    BreakingNews.objects.create(
        article=stories[1], starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=2)
    )
    assert paper.furniture(now)["banner"] is None
    assert paper.furniture(now + timedelta(hours=1))["banner"]["pk"] == stories[1].pk
    assert paper.furniture(now + timedelta(hours=3))["banner"] is None
    assert paper.furniture(now)["nav"] == [("Pimlico", "/region/pimlico/")]
    # The sections are part of the key: another setting is another statement.
    settings.NAV_SECTIONS = [("topic", "culture"), ("region", "pimlico"), ("topic", "defence")]
    assert paper.furniture(now)["nav"] == [("Culture", "/topic/culture/"), ("Pimlico", "/region/pimlico/")]
    settings.NAV_SECTIONS = []
    assert paper.furniture(now)["nav"] == []


def test_the_default_footer_is_the_site_default_at_each_moment(stories):
    now = timezone.now()
    make_footer(name="Not the default", teaser_text="Elsewhere")
    make_footer(
        is_default=True,
        teaser_article=stories[3],
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=5),
    )
    for at in [now, now + timedelta(minutes=30), now + timedelta(hours=2), now + timedelta(hours=6)]:
        expected, footer = PromoFooter.objects.site_default(at), paper.default_footer(at)
        assert (footer is None) == (expected is None), at
        if expected is not None:
            assert (footer.pk, footer.tagline, footer.teaser(), footer.teaser(exclude=stories[3])) == (
                expected.pk,
                expected.tagline,
                expected.teaser(),
                expected.teaser(exclude=stories[3]),
            )
    # The teased story goes live an hour from now: teased from then on, and never under itself.
    with time_machine.travel(now + timedelta(minutes=30), tick=False):
        assert paper.default_footer(timezone.now()).teaser() is None
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        footer = paper.default_footer(timezone.now())
        assert footer.teaser() == ("Pimlico story 3", stories[3].get_absolute_url())
        assert footer.teaser(exclude=stories[3]) is None


def test_values_are_stand_ins_too_one_composition_for_every_id_and_slug(stories):
    built = []

    @PreparedRead
    def on_list(at, kind, key):
        built.append((kind, key))
        return ListingEntry.objects.live(at).of(kind, key).values_list("article_id")

    pimlico = stories[0].regions.get()
    now = timezone.now()
    assert sorted(on_list((now,), values=("region", pimlico.pk))) == sorted((story.pk,) for story in stories[:3])
    assert on_list((now,), values=("region", pimlico.pk + 1000)) == []
    assert len(on_list((now,), values=("all", 0))) == 3
    assert len(built) == 1
    with pytest.raises(TypeError, match="numbers and text"):
        on_list((now,), values=("region", 1.5))


def test_a_builder_that_changes_a_value_is_refused():
    @PreparedRead
    def by_slug(at, slug):
        return Article.objects.filter(slug__startswith=slug, updated_at__lte=at).values_list("pk")

    with pytest.raises(ValueError, match="every moment and value it is given"):
        by_slug((timezone.now(),), values=("lantern",))


def test_the_article_page_read_builds_what_select_related_builds(stories, django_assert_num_queries):
    from articles.models import Correction
    from reader import article_reads

    with_teaser = make_footer(teaser_article=stories[0])
    without_teaser = make_footer()
    Article.objects.filter(pk=stories[1].pk).update(promo_footer=with_teaser)
    Article.objects.filter(pk=stories[2].pk).update(promo_footer=without_teaser)
    Correction.objects.create(article=stories[2], text="A name was misspelt.")
    ids = [story.pk for story in stories]
    expected = {
        story.pk: story for story in Article.objects.filter(pk__in=ids).select_related("promo_footer__teaser_article")
    }
    with django_assert_num_queries(1):
        built = {article.pk: article for article in article_reads._articles_with_footers(ids)}
        footers = {pk: article.promo_footer for pk, article in built.items()}
        teasers = {pk: footer.teaser_article for pk, footer in footers.items() if footer}
        # The first article's own columns, all of them; the others' and the teasers' but the body's.
        columns = {
            pk: {
                f.attname: article.__dict__[f.attname]
                for f in Article._meta.concrete_fields
                if f.attname in article.__dict__
            }
            for pk, article in built.items()
        }
    assert built.keys() == expected.keys()
    for pk, article in built.items():
        deferred = set() if pk == ids[0] else {"body", "body_media"}
        assert article.get_deferred_fields() == deferred
        assert columns[pk] == {
            f.attname: getattr(expected[pk], f.attname)
            for f in Article._meta.concrete_fields
            if f.attname not in deferred
        }
        assert footers[pk] == expected[pk].promo_footer
        assert article.has_corrections is (pk == stories[2].pk)
        assert article._state.db == "default" and not article._state.adding
    assert teasers == {stories[1].pk: stories[0], stories[2].pk: None}
    assert teasers[stories[1].pk].get_deferred_fields() == {"body", "body_media"}
    assert footers[stories[1].pk].tagline == with_teaser.tagline
    # One statement for each number of ids, whichever ids.
    composed = set(article_reads._article_page_rows.statements)
    article_reads._articles_with_footers(ids[:2])
    article_reads._articles_with_footers(ids[2:])
    assert len(set(article_reads._article_page_rows.statements) - composed) <= 1


def prepared_on_the_server(plans="generic_plans + custom_plans"):
    """{statement text: times run} of this connection's prepared statements (or runs with plans of one kind)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT statement, {plans} FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements; run with DATABASE_URL=…"
)
def test_the_article_pages_reads_are_prepared_once_per_connection_and_logged_with_their_values(
    client, stories, settings
):
    settings.PAGE_CACHE = settings.GENERATION_MEMO = False
    path = stories[0].get_absolute_url()
    assert client.get(path).status_code == 200
    before = prepared_on_the_server()
    for _ in range(3):
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    after = prepared_on_the_server()
    # The page's plan (its lists by slug and its related stories, one statement of our own) and the story with its
    # footer: each prepared once, then run again for every page.
    for part in ["LEFT JOIN LATERAL", '"articles_promofooter"']:
        runs = [after[statement] - before.get(statement, 0) for statement in after if part in statement]
        assert 4 in runs, (part, after)
    # Each planned once, for any values: PostgreSQL left to choose plans again with the values of each run.
    assert prepared_on_the_server("custom_plans") == dict.fromkeys(after, 0)
    # The query log shows each statement as run, its values written in.
    logged = [query["sql"] for query in queries.captured_queries]
    assert all(sql and "$1" not in sql for sql in logged), logged
    assert any(f"'{stories[0].slug}'" in sql for sql in logged), logged


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements; run with DATABASE_URL=…"
)
def test_with_prepared_statements_turned_off_the_reads_bind_in_the_client(client, stories, settings, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=0 (a pooler that cannot keep them): the same pages, nothing prepared."""
    settings.PAGE_CACHE = settings.GENERATION_MEMO = False
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    before = prepared_on_the_server()
    for _ in range(3):
        assert client.get(stories[0].get_absolute_url()).status_code == 200
    assert prepared_on_the_server() == before
