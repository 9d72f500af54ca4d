"""Hostile and odd input, round two: one test (or a few) named after each finding of the outside probe.

Every test here failed on the code the probe ran against; `docs/security.md` lists them.
"""

import importlib
import io
import logging
import struct
import threading
import time
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import reversion
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image
from reversion.models import Version

from articles import images, listings, services, slugs, validators
from articles.admin.forms import TransitionForm
from articles.exceptions import InvalidTransitionError
from articles.models import Article, Correction, PreviewLink, RegionTag, TaggedRegion, TopicTag
from articles.models import article as article_module
from articles.services import preview_link_create
from reader.middleware import DatabaseUnavailableMiddleware
from reader.views import is_database_unavailable, server_error
from tests.helpers.factories import make_article, make_user
from tests.helpers.outage import database_down
from tests.helpers.workflow_helpers import article_in, client_for, form_data, make_cast, snapshot

MIGRATION = importlib.import_module("articles.migrations.0014_hostile_input_two")


def gif_of_tiny_frames(count):
    """A GIF of count 1×1 frames written block by block: megabytes of file, hundreds of thousands of frames."""
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    control = b"\x21\xf9\x04\x00\x01\x00\x00\x00"
    frame = control + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return header + frame * count + b"\x3b"


def animation(fmt, count, **options):
    frames = [Image.new("RGB", (2, 2), (index % 256, index // 256, 0)) for index in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=20, **options)
    return buffer.getvalue()


# GIF frame bomb -----------------------------------------------------------------------------------------------------


def test_gif_frame_bomb_is_refused_quickly_before_decoding():
    bomb = gif_of_tiny_frames(300_000)
    assert len(bomb) < images.MAX_UPLOAD_BYTES
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile("bomb.gif", bomb, "image/gif"))
    assert time.monotonic() - started < 2
    assert error.value.code == "too_many_frames"
    assert f"the limit is {images.MAX_FRAMES:,}" in error.value.messages[0]


def test_gif_frame_bomb_just_over_the_cap_is_refused_and_at_the_cap_accepted():
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile("a.gif", gif_of_tiny_frames(images.MAX_FRAMES + 1), "image/gif"))
    assert error.value.code == "too_many_frames"
    checked = images.check_image(SimpleUploadedFile("a.gif", gif_of_tiny_frames(images.MAX_FRAMES), "image/gif"))
    assert checked.frames == images.MAX_FRAMES


@pytest.mark.parametrize(
    ("fmt", "name", "options"),
    [("WEBP", "bomb.webp", {"lossless": True, "minimize_size": False}), ("PNG", "bomb.png", {})],
    ids=["animated-webp", "apng"],
)
def test_gif_frame_bomb_animated_webp_and_apng_are_capped_too(fmt, name, options):
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile(name, animation(fmt, images.MAX_FRAMES + 1, **options)))
    assert error.value.code == "too_many_frames"


def test_gif_frame_bomb_decoding_stops_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_DECODE_SECONDS", -1)
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile("a.gif", gif_of_tiny_frames(5), "image/gif"))
    assert error.value.code == "too_slow"


def test_gif_frame_bomb_damaged_gif_blocks_still_get_the_damage_message():
    damaged = gif_of_tiny_frames(3)[:-12]
    with pytest.raises(ValidationError) as error:
        images.check_image(SimpleUploadedFile("a.gif", damaged, "image/gif"))
    assert error.value.code == "damaged"


# Non-ASCII tag slugs -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_non_ascii_tag_slugs_the_admin_refuses_one_with_a_clear_error():
    client = client_for(make_user("Admin"))
    response = client.post(
        "/admin/articles/regiontag/add/", {"name": "Zürich Nord", "slug": "zürich-nord", "description": ""}
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not RegionTag.objects.filter(name="Zürich Nord").exists()
    response = client.post("/admin/articles/regiontag/add/", {"name": "Zürich Nord", "slug": "zurich-nord"})
    assert response.status_code == 302
    assert RegionTag.objects.get(name="Zürich Nord").slug == "zurich-nord"


@pytest.mark.django_db
def test_non_ascii_tag_slugs_the_admin_slug_box_is_filled_in_ascii():
    client = client_for(make_user("Admin"))
    response = client.get("/admin/articles/regiontag/add/")
    # Django's prepopulate script keeps accents only for a field that allows Unicode.
    assert response.context["adminform"].form.fields["slug"].allow_unicode is False
    assert "&quot;allowUnicode&quot;: false" in response.content.decode()


@pytest.mark.django_db
def test_non_ascii_tag_slugs_written_around_the_form_are_folded_to_ascii():
    region = RegionTag.objects.create(name="Zürich Nord", slug="zürich-nord")
    assert region.slug == "zurich-nord"
    other = RegionTag.objects.create(name="Zurich North", slug="zürich-nord")
    topic = TopicTag.objects.create(name="Économie", slug="économie")
    assert other.slug == "zurich-nord-2"
    assert topic.slug == "economie"


@pytest.mark.django_db
def test_non_ascii_tag_slugs_already_stored_are_repaired_and_reader_pages_work(client):
    article = make_article(regions=["Zürich Nord"], topics=["Économie"], status=Article.Status.PUBLISHED)
    RegionTag.objects.filter(name="Zürich Nord").update(slug="zürich-nord")
    TopicTag.objects.filter(name="Économie").update(slug="économie")
    Article.objects.filter(pk=article.pk).update(
        listing_labels={**article.listing_labels, "regions": [["Zürich Nord", "zürich-nord"]]}
    )
    MIGRATION.keys_and_ascii_slugs(apps, type("Editor", (), {"connection": connection})())
    assert RegionTag.objects.get(name="Zürich Nord").slug == "zurich-nord"
    assert TopicTag.objects.get(name="Économie").slug == "economie"
    article.refresh_from_db()
    assert article.listing_labels["regions"] == [["Zürich Nord", "zurich-nord"]]
    for url in ["/regions/", "/topics/", "/sitemap-sections.xml", article.get_absolute_url(), "/region/zurich-nord/"]:
        assert client.get(url).status_code == 200, url


# Case-insensitive tag names on SQLite (and PostgreSQL) for every alphabet ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second"), [("Zürich", "ZÜRICH"), ("Αθήνα", "ΑΘΉΝΑ"), ("Москва", "МОСКВА")])
def test_case_insensitive_tag_names_non_ascii_case_variants_are_one_tag(first, second):
    original = RegionTag.objects.create(name=first)
    variant = RegionTag(name=second, slug="other")
    with pytest.raises(ValidationError) as error:
        variant.full_clean()
    assert f"already a region called “{first}”" in str(error.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        RegionTag.objects.create(name=second)
    article = make_article(regions=[second])
    assert list(article.regions.all()) == [original]
    assert RegionTag.objects.count() == 1 + RegionTag.objects.exclude(pk=original.pk).exclude(name=second).count()
    assert not RegionTag.objects.filter(name=second).exists()


@pytest.mark.django_db
def test_case_insensitive_tag_names_key_is_nfc_and_casefolded():
    decomposed = "Zu\u0308rich"
    region = RegionTag.objects.create(name=decomposed)
    assert region.name_key == "zürich"
    with transaction.atomic(), pytest.raises(IntegrityError):
        RegionTag.objects.create(name="ZÜRICH")


# NUL bytes ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def cast():
    return make_cast()


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["Fixed the\x00 date", "Fixed\x0b the date", "\x1bFixed"], ids=["nul", "vt", "esc"])
def test_nul_bytes_in_a_correction_are_refused_by_the_desk_and_the_service(cast, hostile):
    article = article_in("published", cast)
    editor = client_for(cast["editor"])
    response = editor.post(
        reverse("admin:articles_article_correction", args=[article.pk]), {"kind": "correction", "text": hostile}
    )
    assert response.status_code == 302
    assert not Correction.objects.exists()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("character" in message and "not added" in message for message in said), said
    with pytest.raises(InvalidTransitionError, match=r"control characters|null character"):
        services.correction_add(article=article, user=cast["editor"], kind="correction", text=hostile)
    assert not Correction.objects.exists()


@pytest.mark.django_db
def test_nul_bytes_in_a_workflow_comment_are_refused_by_the_desk_and_the_service(cast):
    article = article_in("in_review", cast)
    editor = client_for(cast["editor"])
    before = snapshot(article)
    response = editor.post(
        reverse("admin:articles_article_transition", args=[article.pk, "request_changes"]),
        {"comment": "Check the\x00 quote"},
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("character" in message for message in said), said
    assert snapshot(article) == before
    with pytest.raises(InvalidTransitionError, match="control characters"):
        services.article_request_changes(article=article, user=cast["editor"], comment="Check\x07 the quote")
    assert snapshot(article) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["headline", "standfirst", "source_attribution", "hero_caption", "hero_credit", "hero_alt"]
)
def test_nul_bytes_in_article_text_are_refused_by_the_services_too(cast, field):
    fields = {"headline": "Quiet night", field: "Quiet\x00 night"}
    with pytest.raises(ValidationError) as error:
        services.article_create(user=cast["owner"], **fields)
    assert field in error.value.message_dict
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_nul_bytes_in_the_body_are_stripped_by_its_sanitiser_on_every_database(cast):
    article = services.article_create(headline="Quiet night", user=cast["owner"], body="<p>A\x00B</p>")
    assert Article.objects.get(pk=article.pk).body == "<p>AB</p>"


@pytest.mark.django_db
def test_nul_bytes_in_article_text_are_a_form_error_on_the_desk(cast):
    article = article_in("draft", cast)
    response = client_for(cast["owner"]).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        form_data(article, standfirst="Copied\x0c from a PDF"),
    )
    assert response.status_code == 200
    assert "standfirst" in response.context["adminform"].form.errors
    assert Article.objects.get(pk=article.pk).standfirst == article.standfirst


# Dates out of range -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["0001-01-01T00:00", "1850-06-01T09:00", "9999-12-31T23:59", "0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00"],
)
def test_dates_out_of_range_are_a_form_error_never_a_500(cast, typed):
    article = article_in("in_review", cast)
    before = snapshot(article)
    form = TransitionForm({"publish_at": typed, "embargo_ends_at": typed})
    assert not form.is_valid()
    assert "check the year" in form.errors["publish_at"][0]
    assert "check the year" in form.errors["embargo_ends_at"][0]
    response = client_for(cast["editor"]).post(
        reverse("admin:articles_article_transition", args=[article.pk, "publish"]), {"publish_at": typed}
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("check the year" in message for message in said), said
    assert snapshot(article) == before


@pytest.mark.django_db
def test_dates_out_of_range_are_refused_by_the_publish_service(cast):
    article = article_in("in_review", cast)
    for year in (1, 1850, 9999):
        with pytest.raises(InvalidTransitionError, match="check the year"):
            services.article_publish(article=article, user=cast["editor"], publish_at=datetime(year, 1, 2, tzinfo=UTC))
        with pytest.raises(InvalidTransitionError, match="check the year"):
            services.article_publish(
                article=article, user=cast["editor"], embargo_ends_at=datetime(year, 1, 2, tzinfo=UTC)
            )
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    next_year = timezone.now() + timedelta(days=365 * 40)
    assert services.article_publish(article=article, user=cast["editor"], publish_at=next_year).is_scheduled


# 500 regions on one article -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_500_regions_on_one_article_the_desk_refuses_more_than_the_cap(cast):
    article = article_in("draft", cast)
    regions = RegionTag.objects.bulk_create(
        [RegionTag(name=f"Ward {number}", slug=f"ward-{number}", name_key=f"ward {number}") for number in range(25)]
    )
    response = client_for(cast["owner"]).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        form_data(article, regions=[region.pk for region in regions]),
    )
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["regions"][0]
    assert f"at most {validators.MAX_TAGS_PER_ARTICLE} regions" in error and "would have 25" in error
    assert article.regions.count() == 1


@pytest.mark.django_db
def test_500_regions_on_one_article_every_writer_is_held_to_the_cap(cast):
    names = [f"Ward {number}" for number in range(500)]
    with pytest.raises(ValidationError, match="at most 20 regions"):
        services.article_create(headline="Everywhere at once", user=cast["owner"], regions=names)
    assert not Article.objects.filter(headline="Everywhere at once").exists()
    article = make_article(regions=names[:20], topics=[f"Topic {number}" for number in range(20)])
    with pytest.raises(ValidationError, match="at most 20 topics"):
        article.topics.add("One topic too many")
    assert article.topics.count() == 20


@pytest.mark.django_db
def test_500_regions_on_one_article_saved_before_the_cap_still_has_a_page(client):
    article = make_article(status=Article.Status.PUBLISHED)
    regions = RegionTag.objects.bulk_create(
        [RegionTag(name=f"Ward {number}", slug=f"ward-{number}", name_key=f"ward {number}") for number in range(600)]
    )
    TaggedRegion.objects.bulk_create([TaggedRegion(tag=region, content_object=article) for region in regions])
    listings.rebuild()
    listings.relabel([article.pk])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def query_the_database_refuses():
    """A real OperationalError from a healthy database: SQLite's limit on compound SELECTs, PostgreSQL's statement
    timeout."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(" UNION ALL ".join(["SELECT 1"] * 600))
            else:
                cursor.execute("SET LOCAL statement_timeout = 1")
                cursor.execute("SELECT pg_sleep(1)")
    except OperationalError as error:
        return error
    raise AssertionError("the database ran the query")


@pytest.mark.django_db
def test_500_regions_on_one_article_a_query_the_database_refuses_is_a_logged_500_not_an_outage(caplog):
    refused = query_the_database_refuses()
    request = RequestFactory().get("/news/some-story/")
    assert not is_database_unavailable(refused)
    # The middleware lets it through: Django logs it with its traceback ("Internal Server Error") and shows the 500.
    assert DatabaseUnavailableMiddleware(lambda request: None).process_exception(request, refused) is None
    try:
        raise refused
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_500_regions_on_one_article_a_real_outage_is_still_a_503_and_logged(caplog):
    request = RequestFactory().get("/")
    with database_down():
        try:
            Article.objects.count()
        except OperationalError as error:
            lost = error
        with caplog.at_level(logging.WARNING, logger="reader.views"):
            response = DatabaseUnavailableMiddleware(lambda request: None).process_exception(request, lost)
    assert response.status_code == 503
    assert any(record.exc_info for record in caplog.records if "unavailable" in record.getMessage())


# import_article skips the tag-name checks -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "name", "said"),
    [
        ("--region", "L" * 150, "too long for a tag"),
        ("--region", "Lоndon", "mixes Cyrillic and Latin letters"),
        ("--topic", "Pol\u200bitics", "invisible"),
        ("--topic", "🎄", "at least one letter or digit"),
    ],
    ids=["150-characters", "cyrillic-look-alike", "invisible", "no-letters"],
)
def test_import_article_tag_names_get_the_admin_checks(tmp_path, option, name, said):
    wire = tmp_path / "wire.txt"
    wire.write_text("Council agrees budget. It passed late on Tuesday.\n\nA second paragraph.\n")
    with pytest.raises(CommandError, match=said) as error:
        call_command("import_article", str(wire), option, name)
    assert "Nothing was imported" in str(error.value)
    assert not Article.objects.exists()
    assert not RegionTag.objects.exists() and not TopicTag.objects.exists()
    call_command("import_article", str(wire), "--region", "London", "--topic", "Politics", stdout=io.StringIO())
    assert Article.objects.get().regions.get().name == "London"


# Feed channel description -----------------------------------------------------------------------------------------

HOSTILE_DESCRIPTION = 'Streets & <b>squares</b> <img src=x onerror="alert(1)">'


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["region", "topic", "author"])
def test_feed_channel_description_is_escaped_like_the_items(client, kind):
    article = make_article(status=Article.Status.PUBLISHED, regions=["Pimlico"], topics=["Politics"])
    if kind == "author":
        scope = article.bylines.get()
        type(scope).objects.filter(pk=scope.pk).update(bio=HOSTILE_DESCRIPTION)
    else:
        scope = {"region": RegionTag, "topic": TopicTag}[kind].objects.get()
        type(scope).objects.filter(pk=scope.pk).update(description=HOSTILE_DESCRIPTION)
    rss = ElementTree.fromstring(client.get(f"/{kind}/{scope.slug}/feed/").content)
    # What a feed reader gets after XML decoding is HTML it may render: it must be inert text.
    assert rss.find("channel/description").text == escape(HOSTILE_DESCRIPTION)
    assert rss.find("channel/item/description").text == escape(article.standfirst)
    atom = ElementTree.fromstring(client.get(f"/{kind}/{scope.slug}/feed/atom/").content)
    subtitle = atom.find("{http://www.w3.org/2005/Atom}subtitle")
    assert subtitle.get("type") in {None, "text"} and subtitle.text == HOSTILE_DESCRIPTION


# Preview links survive an unpublish --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_links_survive_an_unpublish_no_longer(cast):
    article = article_in("scheduled", cast)
    link = preview_link_create(article=article, user=cast["editor"])
    assert Client().get(link.get_absolute_url()).status_code == 200
    services.article_unpublish(article=article, user=cast["editor"])
    response = Client().get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn by the newsroom" in response.content.decode()


@pytest.mark.django_db
def test_preview_links_survive_an_unpublish_no_longer_even_those_from_before_the_rule(cast):
    article = article_in("scheduled", cast)
    link = preview_link_create(article=article, user=cast["editor"])
    # Unpublished by a write that revoked nothing (a link from before the workflow revoked them, a bulk write).
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None
    assert Client().get(link.get_absolute_url()).status_code == 410
    assert not PreviewLink.objects.get(pk=link.pk).is_usable()
    with pytest.raises(InvalidTransitionError, match="withdrawn"):
        preview_link_create(article=article, user=cast["editor"])


@pytest.mark.django_db
def test_preview_links_survive_an_unpublish_no_longer_nor_a_take_down(cast):
    article = article_in("published", cast)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    link = PreviewLink.objects.create(article=article, expires_at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(status="taken_down")
    assert Client().get(link.get_absolute_url()).status_code == 410


# Restoring an old version of a published story changes its slug ------------------------------------------------------


@pytest.mark.django_db
def test_restoring_an_old_version_of_a_published_story_keeps_its_slug_without_a_first_publication_time(cast):
    # A story published by an import or a bulk load carries no first publication time.
    article = make_article("Bridge closes for repairs", user=cast["owner"], status=Article.Status.PUBLISHED)
    assert article.first_published_at is None and article.is_live
    with reversion.create_revision():
        reversion.add_to_revision(article)
    old = Version.objects.get_for_object(article).first()
    Version.objects.filter(pk=old.pk).update(
        serialized_data=old.serialized_data.replace("bridge-closes-for-repairs", "bridge-old-slug")
    )
    old.refresh_from_db()
    restored = services.article_restore_version(article=article, version=old, user=cast["editor"])
    assert restored.slug == "bridge-closes-for-repairs"
    assert Article.objects.get(pk=article.pk).slug == "bridge-closes-for-repairs"
    assert Client().get("/news/bridge-closes-for-repairs/").status_code == 200


@pytest.mark.django_db
def test_restoring_an_old_version_of_a_published_story_the_form_refuses_a_slug_change_too(cast):
    article = make_article("Bridge closes for repairs", user=cast["owner"], status=Article.Status.PUBLISHED)
    response = client_for(cast["editor"]).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        form_data(article, slug="bridge-new-slug", correction_kind="none"),
    )
    assert response.status_code == 200
    assert "cannot change" in str(response.context["adminform"].form.errors["slug"])
    assert Article.objects.get(pk=article.pk).slug == "bridge-closes-for-repairs"


# Slug race on PostgreSQL ------------------------------------------------------------------------------------------

RACERS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (concurrent writers); run with DATABASE_URL=postgres://…",
)
def test_slug_race_simultaneous_creates_with_one_headline_all_succeed():
    """Six threads, each with its own connection, create a story with the same headline at the same moment."""
    owner = make_user("Reporter")
    for round_number in range(3):
        headline = f"Same headline for everyone, round {round_number}"
        assert race(RACERS, headline, owner) == []
        slugs = sorted(Article.objects.filter(headline=headline).values_list("slug", flat=True))
        assert len(slugs) == RACERS == len(set(slugs))
        base = slugs[0]
        assert set(slugs) == {base, *(f"{base}-{suffix}" for suffix in range(2, RACERS + 1))}


@pytest.mark.django_db
def test_a_derived_slug_taken_meanwhile_gives_the_next_free_one_of_the_headline(monkeypatch):
    """The race above, one step at a time: "x" was taken, this story derived "x-2", another took "x-2" first."""
    owner = make_user("Reporter")
    services.article_create(headline="Council meets", user=owner)
    services.article_create(headline="Another council story", slug="council-meets-2", user=owner)
    derived = []

    def stale_first_read(*args, **kwargs):
        derived.append("council-meets-2" if not derived else slugs.unique_slug(*args, **kwargs))
        return derived[-1]

    monkeypatch.setattr(article_module, "unique_slug", stale_first_read)
    article = services.article_create(headline="Council meets", user=owner)
    assert derived == ["council-meets-2", "council-meets-3"]
    assert article.slug == "council-meets-3"


def race(count, headline, owner):
    """Start count threads creating a story with headline at one moment; the errors they met."""
    barrier = threading.Barrier(count)
    failures = []

    def create():
        try:
            barrier.wait(timeout=30)
            services.article_create(headline=headline, user=owner, body="<p>Text.</p>")
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures
