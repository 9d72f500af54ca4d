import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, PromoFooter
from tests.helpers.factories import make_article, make_footer

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_footer(outlet_tagline):
    return make_footer(name="Site tagline", tagline=outlet_tagline, is_default=True, teaser_text="Something else")


def import_file(path, *args):
    call_command("import_article", str(path), *args)
    return Article.objects.latest("pk")


def test_seed_file_becomes_a_draft_with_six_paragraphs_and_its_footer(seed_file, default_footer, outlet_tagline):
    article = import_file(seed_file, "--region", "Turkey", "--topic", "Defence", "--author", "Wire desk")
    assert article.status == Article.Status.DRAFT
    assert article.body.count("<p>") == 6
    assert outlet_tagline not in article.body
    assert "Westminster and Pimlico" not in article.body
    assert article.promo_footer is not None
    assert article.promo_footer.tagline == outlet_tagline
    assert article.promo_footer.teaser_text.startswith("Did you know London")
    assert [t.name for t in article.regions.all()] == ["Turkey"]
    assert [a.name for a in article.bylines.all()] == ["Wire desk"]


def test_headline_is_derived_from_the_first_sentence(seed_file, default_footer):
    article = import_file(seed_file)
    first_line = seed_file.read_text().splitlines()[0]
    assert article.headline.endswith("…")
    assert first_line.startswith(article.headline.rstrip("…").rstrip())
    assert len(article.headline) <= 111
    assert " " in article.headline and not article.headline.rstrip("…").endswith(" ")


def test_explicit_headline_is_used(seed_file, default_footer):
    article = import_file(seed_file, "--headline", "Turkey weighs S-400 options")
    assert article.headline == "Turkey weighs S-400 options"
    assert article.slug == "turkey-weighs-s-400-options"


def test_teaser_matching_an_existing_headline_links_that_article(seed_file, default_footer):
    teaser = seed_file.read_text().strip().splitlines()[-1][len(default_footer.tagline) :].strip()
    target = make_article(teaser)
    article = import_file(seed_file)
    assert article.promo_footer.teaser_article == target
    assert article.promo_footer.teaser_text == ""


def test_same_footer_is_reused_by_later_imports(seed_file, default_footer, tmp_path):
    first = import_file(seed_file)
    other = tmp_path / "other.txt"
    other.write_text("A different story.\n\n" + seed_file.read_text().strip().splitlines()[-1] + "\n")
    second = import_file(other)
    assert first.promo_footer == second.promo_footer
    assert PromoFooter.objects.count() == 2


def test_reimport_creates_no_duplicate(seed_file, default_footer, capsys):
    import_file(seed_file)
    count = Article.objects.count()
    call_command("import_article", str(seed_file))
    assert Article.objects.count() == count
    assert "Already imported" in capsys.readouterr().out


def test_without_a_registered_tagline_the_last_line_stays_in_the_body(seed_file):
    article = import_file(seed_file)
    assert article.body.count("<p>") == 7
    assert article.promo_footer is None


def test_text_is_escaped_into_paragraphs(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Council <script>alert(1)</script> votes & decides.\nSecond paragraph.\n")
    article = import_file(path)
    assert (
        article.body
        == "<p>Council &lt;script&gt;alert(1)&lt;/script&gt; votes &amp; decides.</p>\n<p>Second paragraph.</p>"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 in Pimlico".encode("latin-1"), "UTF-8"),
    ],
    ids=["empty", "blank-lines", "binary", "latin-1"],
)
def test_bad_files_give_a_one_line_error_and_write_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert error.value.returncode == 1
    assert Article.objects.count() == 0
    assert PromoFooter.objects.count() == 0


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_article", str(tmp_path / "missing.txt"))
    assert Article.objects.count() == 0


def test_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="not a regular file"):
        call_command("import_article", str(tmp_path))
