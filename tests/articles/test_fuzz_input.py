"""Property-based tests: generated hostile and odd input against the sanitiser, the text helpers, the desk's forms,
image uploads and wire copy. Each holds for every example; `tests/helpers/fuzz.py` says how many are tried."""

import io
import string
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from articles import images, text, validators
from articles.admin.forms import CorrectionForm, LocalDateTimeField, TransitionForm
from articles.exceptions import WireImportError
from articles.sanitizer import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitize_html
from articles.wire import read_wire_copy
from tests.helpers.fuzz import budget

# Generated HTML -------------------------------------------------------------------------------------------------------

TAGS = [
    *sorted(ALLOWED_TAGS),
    "script", "style", "iframe", "img", "svg", "math", "object", "embed", "form", "input", "template", "div",
    "span", "noscript", "textarea", "title", "base", "meta", "link", "video", "table", "select",
]  # fmt: skip
ATTRIBUTES = [
    *sorted({name for names in ALLOWED_ATTRIBUTES.values() for name in names}),
    "onclick", "onerror", "onload", "style", "src", "srcdoc", "class", "id", "formaction", "xlink:href", "rel",
]  # fmt: skip
HOSTILE_VALUES = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "https://example.org/", "mailto:a@b.c",
    "/relative", "_blank", "_self", "12", "-1", "9999999", "0", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    '"><script>alert(1)</script>', "&quot;onmouseover=alert(1)", "expression(alert(1))",
]  # fmt: skip
RAW = ["<", ">", "&", "&amp;", "&#0;", "<!--", "-->", "<![CDATA[", "]]>", "</", "\x00", "\u202e", '"', "'"]

values = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=30))
attributes = st.lists(st.tuples(st.sampled_from(ATTRIBUTES), values), max_size=4)
texts = st.one_of(st.text(max_size=40), st.sampled_from(RAW))


def _element(children):
    def render(parts):
        tag, attrs, inner = parts
        rendered = "".join(f' {name}="{value}"' for name, value in attrs)
        return f"<{tag}{rendered}>{''.join(inner)}</{tag}>"

    return st.tuples(st.sampled_from(TAGS), attributes, st.lists(children, max_size=4)).map(render)


html_documents = st.recursive(texts, _element, max_leaves=10).map(str)
html_fragments = st.lists(st.one_of(html_documents, st.sampled_from(RAW)), max_size=4).map("".join)


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    collector.close()
    return collector.elements


@budget(200)
@given(html_fragments)
def test_sanitiser_output_is_a_fixed_point(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once


@budget(200)
@given(html_fragments)
def test_sanitiser_keeps_no_element_attribute_or_link_scheme_outside_the_allow_list(html):
    for tag, attrs in elements_of(sanitize_html(html)):
        assert tag in ALLOWED_TAGS, tag
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert name in allowed, (tag, name)
            if name == "href" and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ALLOWED_URL_SCHEMES or not scheme, value


# Text helpers ----------------------------------------------------------------------------------------------------------


@budget(300)
@given(st.text(max_size=200))
def test_ascii_slug_is_always_a_non_empty_ascii_slug_within_its_length(value):
    slug = text.ascii_slug(value, max_length=60, fallback_prefix="tag")
    assert slug and slug.isascii() and len(slug) <= 60
    assert set(slug) <= set(string.ascii_lowercase + string.digits + "-_")
    assert not slug.startswith("-") and not slug.endswith("-")


WHITE_SPACE_HEAVY = st.text(alphabet=st.sampled_from([*" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u2028\u3000", "a", "é", "."]))


@budget(500)
@given(st.text(max_size=200) | WHITE_SPACE_HEAVY)
def test_collapsing_white_space_leaves_every_run_one_space_and_nothing_at_the_ends(value):
    collapsed = text.collapse_whitespace(value)
    assert collapsed == " ".join(value.split())
    assert collapsed == text.WHITESPACE.sub(" ", value).strip()


@budget(500)
@given(st.text(max_size=200))
def test_names_normalise_and_key_to_a_fixed_point_without_invisible_characters(value):
    name = text.normalize_name(value)
    assert text.normalize_name(name) == name
    assert not text.INVISIBLE_CHARACTERS.search(name)
    assert text.name_key(name) == text.name_key(value) == text.name_key(text.name_key(value))
    assert text.name_key(name.upper()) == text.name_key(name.lower()) or not name.isascii()


@budget(500)
@given(st.text(max_size=200))
def test_tag_name_checks_answer_in_words_for_any_name(value):
    problems = validators.tag_name_problems(value)
    assert all(isinstance(problem, str) and problem for problem in problems)
    if validators.control_character_problem(value) is None:
        assert not validators.CONTROL_CHARACTERS.search(value)


# The desk's small forms -------------------------------------------------------------------------------------------

form_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "31/12/9999 23:59", "29/02/2023 10:00"]),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.strftime("%d/%m/%Y %H:%M")),
)


@budget(200)
@given(form_text, form_text, st.text(max_size=80), st.sampled_from(["", "backdate", "now", "x"]))
def test_transition_form_gives_errors_never_exceptions(publish_at, embargo_ends_at, comment, when_past):
    form = TransitionForm(
        {"publish_at": publish_at, "embargo_ends_at": embargo_ends_at, "comment": comment, "when_past": when_past}
    )
    if form.is_valid():
        for field, what in (("publish_at", "publish time"), ("embargo_ends_at", "embargo end")):
            assert validators.datetime_problem(form.cleaned_data[field], what=what) is None
        assert validators.control_character_problem(form.cleaned_data["comment"]) is None
    else:
        assert all(isinstance(message, str) for messages in form.errors.values() for message in messages)


@budget(300)
@given(form_text)
def test_a_typed_time_is_a_plausible_time_or_a_plain_error(value):
    field = LocalDateTimeField(what="publish time")
    try:
        parsed = field.clean(value)
    except ValidationError as error:
        assert error.messages
    else:
        assert parsed is None or validators.datetime_problem(parsed, what="publish time") is None


@budget(300)
@given(st.text(max_size=80), st.text(max_size=300))
def test_correction_form_refuses_control_characters_and_nothing_else(kind, note):
    form = CorrectionForm({"kind": kind, "text": note})
    # The kind is checked by the service against its choices; Django's own field refuses a NUL in it.
    assert form.is_valid() == (validators.control_character_problem(note) is None and "\x00" not in kind)


# Image uploads: generated malformed files -----------------------------------------------------------------------------


def _sample(fmt, **options):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (6, 4), (index * 40, 90, 200)) for index in range(3)]
    frames[0].save(buffer, fmt, save_all=fmt != "JPEG", append_images=frames[1:] if fmt != "JPEG" else [], **options)
    return buffer.getvalue()


SAMPLES = {"a.jpg": _sample("JPEG"), "a.png": _sample("PNG"), "a.gif": _sample("GIF"), "a.webp": _sample("WEBP")}


@st.composite
def damaged_images(draw):
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[name])
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    tail = draw(st.binary(max_size=64))
    return name, bytes(data[:cut]) + tail


@budget(300)
@given(damaged_images())
def test_a_damaged_upload_is_accepted_clean_or_refused_in_words_never_a_crash(upload):
    name, content = upload
    try:
        checked = images.check_image(SimpleUploadedFile(name, content))
    except ValidationError as error:
        assert error.code in {"damaged", "not_an_image", "extension_mismatch", "too_many_pixels", "too_many_frames"}
        assert error.messages[0]
    else:
        assert checked.frames <= images.MAX_FRAMES
        assert checked.width * checked.height * checked.frames <= images.MAX_PIXELS


# Wire copy --------------------------------------------------------------------------------------------------------


@budget(300)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda value: value.encode("utf-8", "replace"))))
def test_wire_copy_is_read_or_refused_in_words(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("wire") / "copy.txt"
    path.write_bytes(content)
    try:
        copy = read_wire_copy(path)
    except WireImportError as error:
        assert str(error)
    else:
        assume(copy.paragraphs)
        assert all(paragraph.strip() == paragraph and paragraph for paragraph in copy.paragraphs)
        assert "<" not in copy.body_html().replace("<p>", "").replace("</p>", "")
