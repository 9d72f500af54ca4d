"""The wire inbox: `ingest_wire`, the desk's wire list, drafts made from wire copy, and what the wire path refuses."""

import json
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from articles.exceptions import DuplicateImportError, InvalidTransitionError, WorkflowPermissionError
from articles.inbox import wire_discard, wire_make_draft, wire_receive
from articles.models import Article, RegionTag, TopicTag, WireItem
from articles.services import article_publish
from tests.helpers.factories import make_author, make_footer
from tests.helpers.workflow_helpers import client_for, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_footer(outlet_tagline):
    return make_footer(name="Site tagline", tagline=outlet_tagline, is_default=True, teaser_text="Something else")


@pytest.fixture
def vocabulary():
    for name in ("Turkey", "United States"):
        RegionTag.objects.create(name=name)
    for name in ("Defence", "Diplomacy"):
        TopicTag.objects.create(name=name)


@pytest.fixture
def drop(tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()

    def put(name, content):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    put.folder = folder
    return put


def ingest(folder, *args):
    from io import StringIO

    out = StringIO()
    call_command("ingest_wire", str(folder), *args, stdout=out)
    return out.getvalue()


def ninjs_item(**overrides):
    item = {
        "uri": "urn:newsml:agency.example:20261130:abc",
        "type": "text",
        "headlines": [{"role": "main", "value": "Ankara weighs its options"}],
        "descriptions": [{"role": "summary", "value": "Talks continue."}],
        "bodies": [
            {"contentType": "text/html", "value": "<p>First paragraph.</p><script>alert(1)</script><p>Two.</p>"}
        ],
        "by": "Ayla Demir and Tom Hart",
        "subjects": [{"name": "Turkey", "rel": "region"}, {"name": "Defence", "rel": "topic"}],
        "infoSources": [{"name": "Agency Example", "role": "source"}],
    }
    item.update(overrides)
    return json.dumps(item)


def test_the_seed_copy_lands_in_the_inbox_not_as_a_story_and_moves_aside(
    seed_file, default_footer, outlet_tagline, drop, vocabulary
):
    shutil.copy(seed_file, drop.folder / seed_file.name)
    output = ingest(drop.folder, "--region", "Turkey", "--topic", "Defence", "--source", "The WP Times wire")
    assert "1 taken into the wire inbox, 0 seen before, 0 refused." in output
    assert not Article.objects.exists()
    item = WireItem.objects.get()
    assert item.status == WireItem.Status.NEW and item.kind == WireItem.Kind.TEXT
    assert item.body.count("<p>") == 6 and outlet_tagline not in item.body
    assert item.footer_line.startswith(outlet_tagline)
    assert item.headline.startswith("Turkey finds itself at a critical juncture")
    assert (item.regions, item.topics, item.source_attribution) == (["Turkey"], ["Defence"], "The WP Times wire")
    assert not (drop.folder / seed_file.name).exists()
    assert (drop.folder / "done" / seed_file.name).exists()

    # Idempotent: the same run again finds nothing; the same copy dropped again is recognised and set aside.
    assert "0 taken into the wire inbox, 0 seen before, 0 refused." in ingest(drop.folder)
    shutil.copy(seed_file, drop.folder / "again.txt")
    output = ingest(drop.folder)
    assert "Already in the wire inbox" in output and item.get_absolute_url() in output
    assert "0 taken into the wire inbox, 1 seen before, 0 refused." in output
    assert (drop.folder / "done" / "again.txt").exists()
    assert WireItem.objects.count() == 1


def test_bad_files_are_listed_with_their_reason_and_left_for_the_next_run(
    seed_file, default_footer, outlet_tagline, drop, vocabulary
):
    promo_line = seed_file.read_text().strip().splitlines()[-1]
    drop("only-promo.txt", promo_line + "\n")
    drop("binary.txt", b"\x89PNG\x00\x01")
    drop("latin1.txt", "Caf\xe9 news".encode("latin-1"))
    drop("empty.txt", "  \n\n")
    drop("broken.json", "{not json")
    drop("picture.json", json.dumps({"uri": "urn:x:1", "type": "picture"}))
    drop("no-body.json", json.dumps({"uri": "urn:x:2", "headlines": [{"value": "Nothing else"}]}))
    drop("good.txt", "A real story about the council.\nA second paragraph.\n")
    drop("long-region.json", ninjs_item(subjects=[{"name": "x" * 500, "rel": "region"}], uri="urn:x:3"))
    drop("odd-shapes.json", json.dumps({"uri": "urn:x:4", "subjects": "none", "bodies": [{"value": 5}], "by": 7}))
    output = ingest(drop.folder, "--region", "Westmister")
    assert "0 taken into the wire inbox, 0 seen before, 10 refused." in output
    assert "long-region.json: “xxxxxxxx" in output and "is too long for a tag" in output
    assert "odd-shapes.json: the item has no body text" in output
    for reason in (
        "only-promo.txt: no story text, only the outlet's promo line",
        "binary.txt: looks like a binary file",
        "latin1.txt: not valid UTF-8",
        "empty.txt: the file is empty",
        "broken.json: not valid JSON",
        "picture.json: a ninjs “picture” item",
        "no-body.json: the item has no body text",
        "good.txt: no region called “Westmister”",
    ):
        assert reason in output, reason
    assert not WireItem.objects.exists() and not RegionTag.objects.filter(name="Westmister").exists()
    assert (drop.folder / "good.txt").exists() and not (drop.folder / "done").exists()

    # Fixed (right region): the good file goes in on the next run; the bad ones are still listed.
    output = ingest(drop.folder, "--region", "Turkey")
    assert "1 taken into the wire inbox, 0 seen before, 9 refused." in output


def test_unknown_tags_are_created_only_when_asked(drop, vocabulary):
    drop("item.json", ninjs_item(subjects=[{"name": "Westmister", "rel": "region"}]))
    assert "no region called “Westmister”" in ingest(drop.folder)
    assert not RegionTag.objects.filter(name="Westmister").exists()
    assert "1 taken" in ingest(drop.folder, "--create-tags")
    assert WireItem.objects.get().regions == ["Westmister"]


def test_a_ninjs_item_becomes_a_draft_with_everything_it_carries(drop, vocabulary):
    cast = make_cast()
    item = wire_receive(raw=ninjs_item().encode(), name="item.json")
    assert (item.kind, item.headline, item.standfirst) == ("ninjs", "Ankara weighs its options", "Talks continue.")
    assert item.authors == ["Ayla Demir", "Tom Hart"] and item.source_attribution == "Agency Example"
    article = wire_make_draft(item=item, user=cast["editor"])
    assert article.status == Article.Status.DRAFT
    assert article.headline == "Ankara weighs its options" and article.standfirst == "Talks continue."
    assert "<script>" not in article.body and "First paragraph." in article.body
    assert [a.name for a in article.authors] == ["Ayla Demir", "Tom Hart"]
    assert [t.name for t in article.regions.all()] == ["Turkey"]
    assert [t.name for t in article.topics.all()] == ["Defence"]
    assert article.source_attribution == "Agency Example"
    item.refresh_from_db()
    assert (item.status, item.article, item.handled_by) == ("drafted", article, cast["editor"])


def test_the_seed_story_through_the_inbox_and_published_is_valid_ninjs(
    client, seed_file, default_footer, outlet_tagline, drop, vocabulary, ninjs_validator
):
    cast = make_cast()
    shutil.copy(seed_file, drop.folder / seed_file.name)
    ingest(drop.folder, "--region", "Turkey", "--region", "United States", "--topic", "Defence")
    draft = wire_make_draft(item=WireItem.objects.get(), user=cast["editor"])
    assert draft.promo_footer.tagline == outlet_tagline
    assert draft.promo_footer.teaser_text.startswith("Did you know London")
    assert draft.body.count("<p>") == 6
    draft.standfirst = "Washington presses Ankara over the S-400."
    draft.save()
    draft.bylines.add(make_author("Wire desk"), through_defaults={"position": 0})
    published = article_publish(article=draft, user=cast["editor"])

    response = client.get(f"/api/v1/items/{published.pk}/")
    assert response.status_code == 200
    item = response.json()
    errors = [error.message for error in ninjs_validator.iter_errors(item)]
    assert errors == []
    assert item["headlines"][0]["value"] == published.headline
    assert item["bodies"][1]["value"].count("\n\n") == 5
    assert outlet_tagline not in item["bodies"][1]["value"]
    assert {s["name"] for s in item["subjects"]} == {"Turkey", "United States", "Defence"}
    for listed in client.get("/api/v1/items/").json()["items"]:
        assert list(ninjs_validator.iter_errors(listed)) == []


def test_duplicates_name_the_story_on_the_desk(seed_file, default_footer, drop, vocabulary):
    cast = make_cast()
    raw = seed_file.read_bytes()
    item = wire_receive(raw=raw, name="first.txt")
    article = wire_make_draft(item=item, user=cast["editor"])
    WireItem.objects.all().delete()
    with pytest.raises(DuplicateImportError) as error:
        wire_receive(raw=raw, name="again.txt")
    assert reverse("admin:articles_article_change", args=[article.pk]) in str(error.value)
    assert not WireItem.objects.exists()


def test_only_the_desk_roles_that_may_handle_the_wire_do(vocabulary):
    cast = make_cast()
    item = wire_receive(raw=b"A story.\nMore of it.\n", name="a.txt")
    with pytest.raises(WorkflowPermissionError):
        wire_make_draft(item=item, user=cast["owner"])
    with pytest.raises(WorkflowPermissionError):
        wire_discard(item=item, user=cast["owner"])
    wire_discard(item=item, user=cast["editor"])
    with pytest.raises(InvalidTransitionError, match="already handled"):
        wire_make_draft(item=item, user=cast["editor"])
    assert not Article.objects.exists()


def test_the_desk_lists_previews_drafts_and_discards_wire_copy(vocabulary):
    cast = make_cast()
    editor = client_for(cast["editor"])
    first = wire_receive(raw=ninjs_item().encode(), name="item.json")
    second = wire_receive(raw=b"Council budget row.\nDetails follow.\n", name="b.txt")
    listing = editor.get(reverse("admin:articles_wireitem_changelist")).content.decode()
    assert (
        "Ankara weighs its options" in listing
        and second.headline in listing
        and second.headline.startswith("Council budget row")
    )
    assert "Upload wire copy" in listing
    preview = editor.get(reverse("admin:articles_wireitem_change", args=[first.pk])).content.decode()
    assert "First paragraph." in preview and "<script>alert(1)</script>" not in preview
    assert "Make a draft" in preview and "Discard" in preview

    response = editor.post(reverse("admin:articles_wireitem_draft", args=[first.pk]))
    article = Article.objects.get()
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(reverse("admin:articles_wireitem_discard", args=[second.pk]))
    assert response.status_code == 302
    assert WireItem.objects.get(pk=second.pk).status == WireItem.Status.DISCARDED
    # Handled items offer no buttons any more, and a second click changes nothing.
    assert (
        "Make a draft" not in editor.get(reverse("admin:articles_wireitem_change", args=[second.pk])).content.decode()
    )
    editor.post(reverse("admin:articles_wireitem_draft", args=[second.pk]))
    assert Article.objects.count() == 1

    reporter = client_for(cast["owner"])
    assert reporter.get(reverse("admin:articles_wireitem_changelist")).status_code == 403
    assert reporter.post(reverse("admin:articles_wireitem_discard", args=[first.pk])).status_code == 403


def test_the_desk_upload_takes_good_files_and_explains_bad_ones(vocabulary):
    cast = make_cast()
    editor = client_for(cast["editor"])
    turkey = RegionTag.objects.get(name="Turkey")
    response = editor.post(
        reverse("admin:articles_wireitem_upload"),
        {
            "files": [
                SimpleUploadedFile("good.txt", b"Bridge reopens.\nTraffic returns.\n", "text/plain"),
                SimpleUploadedFile("bad.json", b"{oops", "application/json"),
            ],
            "source": "Agency Example",
            "regions": [turkey.pk],
        },
        follow=True,
    )
    body = response.content.decode()
    assert "bad.json: not valid json" in body.lower()  # the desk capitalises messages
    assert "1 in the wire inbox: Bridge reopens." in body
    item = WireItem.objects.get()
    assert (item.regions, item.source_attribution, item.received_by) == (["Turkey"], "Agency Example", cast["editor"])
    assert editor.get(reverse("admin:articles_wireitem_upload")).status_code == 200
    assert client_for(cast["owner"]).get(reverse("admin:articles_wireitem_upload")).status_code == 403


def test_import_article_refuses_a_file_holding_only_the_promo_line(seed_file, default_footer, tmp_path):
    from django.core.management import CommandError

    promo_only = tmp_path / "promo.txt"
    promo_only.write_text(seed_file.read_text().strip().splitlines()[-1] + "\n")
    with pytest.raises(CommandError, match="no story text, only the outlet's promo line"):
        call_command("import_article", str(promo_only))
    assert not Article.objects.exists()
