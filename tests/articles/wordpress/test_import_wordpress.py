"""`import_wordpress` on the original test exports in data/: what each one becomes, pinned."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import regions
from articles.models import Article, ArticleTransition, Author, ImportedPost, OldAddress, RegionTag, TopicTag
from articles.services import article_save
from tests.helpers.factories import make_user
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PIMLICO = DATA / "pimlico-post-wxr-1.2.xml"
BELGRAVIA = DATA / "belgravia-wxr-1.1-https.xml"
VICTORIA = DATA / "victoria-wxr-1.0.xml"
MAPPING = DATA / "pimlico-post-mapping.csv"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads holding the one featured image the Pimlico export's media has."""
    folder = tmp_path / "uploads"
    (folder / "2024" / "05").mkdir(parents=True)
    (folder / "2024" / "05" / "churchill-gardens.png").write_bytes(image_bytes("PNG", size=(900, 600)))
    return folder


def article(post_id, source="pimlico-post.example"):
    return ImportedPost.objects.select_related("article").get(source=source, post_id=post_id).article


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Article, Author, RegionTag, TopicTag, ImportedPost, OldAddress, ArticleTransition)
    }


def test_pimlico_export_counts_and_summary(uploads):
    out, err = run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert out.splitlines()[0] == (
        "Imported https://pimlico-post.example (WXR 1.2): 8 created, 0 updated, 0 unchanged, 2 skipped; "
        "13 old addresses redirected."
    )
    assert "Not posts, not imported: 1 nav_menu_item, 1 page." in out
    assert "  post 106 “Binned story”: in the trash" in out
    assert "  post 109 “Auto draft”: an unsaved auto-draft" in out
    assert "  post 108 “Café owners welcome longer pavement licences”: 2024/07/warwick-way.jpg (not found" in out
    assert "  post 102 “Night buses return to Vauxhall Bridge Road”: 2029/12/bus.jpg (not found" in out
    assert "  post 107 “Members' briefing”: password-protected on WordPress: imported unpublished" in out
    assert "Importing: 14 of 14 items (100%)" in err
    assert Article.objects.count() == 8
    assert ImportedPost.objects.count() == 8
    assert not Article.objects.filter(headline__in=["Binned story", "Auto draft", "About us"]).exists()


def test_pimlico_slugs_statuses_and_times(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    expected = {
        101: ("council-approves-churchill-gardens-homes", Article.Status.PUBLISHED, datetime(2024, 5, 3, 9, 15)),
        102: ("night-buses-return", Article.Status.PUBLISHED, datetime(2030, 1, 6, 7, 0)),
        103: ("notes-for-a-story-about-the-tachbrook-street-market", Article.Status.DRAFT, None),
        104: ("library-hours-to-be-cut", Article.Status.IN_REVIEW, None),
        105: ("staff-rota", Article.Status.UNPUBLISHED, None),
        107: ("members-briefing", Article.Status.UNPUBLISHED, None),
        108: ("cafe-owners-welcome-licences", Article.Status.PUBLISHED, datetime(2024, 7, 1, 8, 0)),
        111: ("coding-corner-closing-cdata", Article.Status.PUBLISHED, datetime(2024, 8, 1, 8, 0)),
    }
    for post_id, (slug, status, moment) in expected.items():
        story = article(post_id)
        assert (story.slug, story.status) == (slug, status), post_id
        assert story.publish_at == (moment.replace(tzinfo=UTC) if moment else None), post_id
    live = set(Article.objects.live().values_list("slug", flat=True))
    assert live == {
        "council-approves-churchill-gardens-homes",
        "cafe-owners-welcome-licences",
        "coding-corner-closing-cdata",
    }
    assert article(102).is_scheduled
    assert article(101).first_published_at == datetime(2024, 5, 3, 9, 15, tzinfo=UTC)
    assert article(103).headline == "Notes for a story about the Tachbrook Street market"
    assert [(t.from_status, t.to_status) for t in article(104).transitions.all()] == [("draft", "in_review")]
    assert article(104).transitions.get().comment == "Imported from WordPress (pimlico-post.example, post 104)."


def test_pimlico_bodies_standfirsts_and_sanitising(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    council = article(101)
    assert council.standfirst == "120 homes approved after a unanimous vote."
    assert council.body.startswith(
        "<p>Westminster's planning committee approved 120 new homes on Thursday.<br>\nThe vote was unanimous.</p>"
    )
    assert "<p>Residents had asked for <strong>more family flats</strong> &amp; a new playground.</p>" in council.body
    assert "<blockquote><p>We are delighted, said one resident.</p></blockquote>" in council.body
    for unsafe in ("<script", "javascript:", "onclick", "[caption", "<img", "The estate seen from"):
        assert unsafe not in council.body
    buses = article(102)
    assert "wp:" not in buses.body and "<!--" not in buses.body
    assert "<p>The N2 and N136 will run again from January.</p>" in buses.body
    assert "<h3>What changes</h3>" in buses.body
    assert "<li>Every 20 minutes</li>" in buses.body
    cdata = article(111)
    assert cdata.body == "<p>A section of XML ends with ]]&gt; and that is all.</p>\n<p>Second paragraph.</p>"


def test_pimlico_authors_terms_and_hierarchy(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert [a.name for a in article(101).authors] == ["Mara Fletcher"]
    assert [a.name for a in article(102).authors] == ["Tunde Okafor"]
    assert [a.name for a in article(108).authors] == ["Mara Fletcher", "Priya Shah"]
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Mara Fletcher", "Priya Shah", "Tunde Okafor"]
    assert [r.slug for r in article(101).regions.all()] == ["pimlico"]
    assert [t.slug for t in article(101).topics.all()] == ["housing"]
    assert [t.name for t in article(108).topics.all()] == ["Cafés"]  # "promo" is skipped by the mapping
    assert [t.slug for t in article(102).topics.all()] == ["transport"]
    assert not article(103).topics.exists() and not article(103).regions.exists()  # "uncategorized" is no subject
    assert sorted(TopicTag.objects.values_list("slug", flat=True)) == ["cafes", "housing", "transport"]
    pimlico = RegionTag.objects.get(slug="pimlico")
    assert pimlico.parent.slug == "westminster"
    assert pimlico.parent.parent.slug == "london"
    assert pimlico.parent.parent.parent is None
    assert regions.ancestor_ids([pimlico.pk]) == {pimlico.pk, pimlico.parent.pk, pimlico.parent.parent.pk}


def test_featured_image_becomes_the_hero_with_caption_and_alt(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    council = article(101)
    assert council.hero_image
    assert council.hero_caption == "Churchill Gardens, built 1946–62."
    assert council.hero_alt == "Churchill Gardens estate from the river"
    assert not article(108).hero_image


def test_old_addresses_are_recorded(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert sorted(article(101).old_addresses.values_list("path", flat=True)) == [
        "/2024/05/council-approves-churchill-gardens-homes/",
        "/?p=101",
    ]
    assert sorted(article(108).old_addresses.values_list("path", flat=True)) == [
        "/2024/07/café-owners-welcome-licences/",
        "/?p=108",
    ]
    assert list(article(111).old_addresses.values_list("path", flat=True)) == ["/?p=111"]
    assert OldAddress.objects.count() == 13


def test_a_second_run_adds_nothing(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    before = snapshot()
    out, _err = run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert "0 created, 0 updated, 8 unchanged, 2 skipped; 0 old addresses redirected." in out
    assert snapshot() == before


def test_a_changed_export_updates_the_story_and_keeps_its_address(tmp_path, uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    story = article(101)
    changed = tmp_path / "changed.xml"
    changed.write_text(
        PIMLICO.read_text().replace("Council approves Churchill Gardens homes", "Council approves 120 homes")
    )
    out, _err = run(changed, "--map", MAPPING, "--media-from", uploads)
    assert "0 created, 1 updated, 7 unchanged" in out
    story.refresh_from_db()
    assert story.headline == "Council approves 120 homes"
    assert story.slug == "council-approves-churchill-gardens-homes"
    assert story.version == 2
    assert Article.objects.count() == 8


def test_a_story_edited_in_the_desk_is_left_alone(tmp_path, uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    story = article(104)
    story.headline = "Library to close on Mondays"
    article_save(article=story, user=make_user("Editor"))
    changed = tmp_path / "changed.xml"
    changed.write_text(PIMLICO.read_text().replace("Pimlico Library will close", "Pimlico Library is to close"))
    out, _err = run(changed, "--map", MAPPING, "--media-from", uploads)
    assert "post 104 “Library hours to be cut”: edited in the desk since the last import; left as it is" in out
    story.refresh_from_db()
    assert story.headline == "Library to close on Mondays"


def test_the_same_post_id_on_another_site_is_another_story(uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    out, _err = run(BELGRAVIA)
    assert out.splitlines()[0] == (
        "Imported http://news.belgravia.example/blog (WXR 1.1): 2 created, 0 updated, 0 unchanged, 0 skipped; "
        "3 old addresses redirected."
    )
    fountain = article(101, source="news.belgravia.example/blog")
    assert fountain.pk != article(101).pk
    assert (fountain.slug, fountain.status, [a.name for a in fountain.authors]) == (
        "fountain-restored",
        Article.Status.PUBLISHED,
        ["Ellis Grant"],
    )
    assert [t.name for t in fountain.topics.all()] == ["Eaton Square"]
    assert sorted(
        OldAddress.objects.filter(article__imported_from__source="news.belgravia.example/blog").values_list(
            "path", flat=True
        )
    ) == ["/blog/?p=101", "/blog/?p=102", "/blog/fountain-restored/"]
    assert article(102, source="news.belgravia.example/blog").status == Article.Status.DRAFT


def test_wxr_1_0_export(uploads):
    out, _err = run(VICTORIA)
    assert "Imported http://victoria-voice.example (WXR 1.0): 1 created" in out
    story = article(7, source="victoria-voice.example")
    assert story.slug == "station-concourse-reopens"
    assert story.body == "<p>The concourse at Victoria reopened this morning.</p>\n<p>Trains ran normally.</p>"
    assert sorted(t.name for t in story.topics.all()) == ["Local", "trains"]
    assert [a.name for a in story.authors] == ["admin"]
    assert story.publish_at == datetime(2011, 2, 14, 8, 30, tzinfo=UTC)


def test_a_slug_taken_by_another_story_gets_a_suffix_and_the_old_address_still_leads_there(uploads):
    from tests.helpers.factories import make_article

    make_article("Someone else's", slug="night-buses-return")
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    buses = article(102)
    assert buses.slug == "night-buses-return-2"
    assert "/2030/01/night-buses-return/" in buses.old_addresses.values_list("path", flat=True)


def test_dry_run_writes_nothing_and_reports_the_same(uploads):
    before = snapshot()
    out, _err = run(PIMLICO, "--map", MAPPING, "--media-from", uploads, "--dry-run")
    assert out.splitlines()[0].startswith("Dry run, nothing was written. Would have imported https://pimlico-post")
    assert "8 created, 0 updated, 0 unchanged, 2 skipped; 13 old addresses redirected." in out
    assert snapshot() == before
    assert not any(Path(uploads).parent.joinpath("media").rglob("*.*"))


def test_import_writes_through_the_services_so_lists_and_search_follow(uploads):
    from articles.models import ListingEntry

    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    listed = set(ListingEntry.objects.of(ListingEntry.Kind.ALL).live().values_list("article_id", flat=True))
    assert listed == set(Article.objects.live().values_list("pk", flat=True))
    assert len(listed) == 3
    council = article(101)
    assert council.listing_labels["regions"] == [["Pimlico", "pimlico"]]
    assert council.listing_labels["authors"] == [["Mara Fletcher", council.authors[0].slug]]


def test_batches_commit_as_they_go(uploads, monkeypatch):
    from articles.wordpress import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    with CaptureQueriesContext(connection) as queries:
        run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) >= 8
    assert Article.objects.count() == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("london,region:london,extra\n", "line 1: expected “term-slug,region:slug” (or topic:slug, or skip)."),
        ("london,place:london\n", "line 1: “place:london” is not region:slug, topic:slug or skip."),
        ("london,region:\n", "line 1: “region:” is not region:slug, topic:slug or skip."),
    ],
)
def test_a_bad_mapping_file_is_one_error_and_nothing_is_written(tmp_path, content, message):
    mapping = tmp_path / "map.csv"
    mapping.write_text(content)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(PIMLICO, "--map", mapping)
    assert str(error.value) == f"mapping file {mapping}, {message} Nothing was imported."
    assert snapshot() == before


def test_a_missing_media_folder_is_one_error(tmp_path):
    with pytest.raises(CommandError, match=r"--media-from .*: no such folder\. Nothing was imported\."):
        run(PIMLICO, "--media-from", tmp_path / "nowhere")
    assert not Article.objects.exists()


def test_media_paths_never_leave_the_media_folder(tmp_path, uploads):
    secret = tmp_path / "secret.png"
    secret.write_bytes(image_bytes("PNG", size=(900, 600)))
    sneaky = tmp_path / "sneaky.xml"
    sneaky.write_text(PIMLICO.read_text().replace("2024/05/churchill-gardens.png]]", "../secret.png]]"))
    out, _err = run(sneaky, "--map", MAPPING, "--media-from", uploads)
    assert "post 101 “Council approves Churchill Gardens homes”: ../secret.png (not found under --media-from)" in out
    assert not article(101).hero_image


def test_an_image_that_is_not_an_image_is_listed_not_imported(uploads):
    (uploads / "2024" / "05" / "churchill-gardens.png").write_bytes(b"not a picture at all")
    out, _err = run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert "2024/05/churchill-gardens.png (refused: This file is not an image we accept." in out
    assert not article(101).hero_image
    assert article(101).status == Article.Status.PUBLISHED


def test_mapping_targets_reuse_the_newsroom_sections(uploads):
    westminster = RegionTag.objects.create(name="City of Westminster", slug="westminster")
    housing = TopicTag.objects.create(name="housing")  # a topic of the same name, in another case
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert RegionTag.objects.get(slug="pimlico").parent == westminster
    assert list(article(101).topics.all()) == [housing]
    assert RegionTag.objects.filter(name__icontains="westminster").count() == 1


def test_a_symbolic_link_out_of_the_media_folder_is_not_followed(tmp_path, uploads):
    secret = tmp_path / "elsewhere.png"
    secret.write_bytes(image_bytes("PNG", size=(900, 600)))
    linked = uploads / "2024" / "05" / "churchill-gardens.png"
    linked.unlink()
    linked.symlink_to(secret)
    out, _err = run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    assert "2024/05/churchill-gardens.png (not found under --media-from)" in out
    assert not article(101).hero_image


def test_a_changed_post_keeps_the_hero_image_it_has(tmp_path, uploads):
    run(PIMLICO, "--map", MAPPING, "--media-from", uploads)
    hero = article(101).hero_image.name
    changed = tmp_path / "changed.xml"
    changed.write_text(PIMLICO.read_text().replace("The vote was unanimous.", "The vote was unanimous (9–0)."))
    run(changed, "--map", MAPPING, "--media-from", uploads)
    story = article(101)
    assert "9–0" in story.body
    assert story.hero_image.name == hero
