"""Property-based tests of the WordPress importer: any post content converts, any export is read or refused in words."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from articles.sanitizer import sanitize_html
from articles.wordpress import wxr
from articles.wordpress.content import convert
from tests.helpers.fuzz import budget

VALID = (Path(__file__).parent / "data" / "pimlico-post-wxr-1.2.xml").read_bytes()

# WordPress's own pieces, mixed with anything: shortcodes, block comments, paragraphs and stray markup.
wordpress_bits = st.sampled_from(
    [
        '[caption id="attachment_1" width="300"]',
        "[/caption]",
        "<!-- wp:paragraph -->",
        "<!-- /wp:paragraph -->",
        '<!-- wp:image {"id":1} -->',
        '<img src="/wp-content/uploads/a.jpg" alt="x">',
        "<p>",
        "</p>",
        "\n\n",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">',
        "]]>",
        "&amp;",
        "&#0;",
    ]
)
contents = st.lists(st.one_of(wordpress_bits, st.text(max_size=40)), max_size=20).map("".join)


@budget(200)
@given(contents)
def test_any_post_content_converts_to_a_body_the_sanitiser_keeps(content):
    body = convert(content)
    cleaned = sanitize_html(body.html)
    assert sanitize_html(cleaned) == cleaned
    assert "<script" not in cleaned and "javascript:" not in cleaned


def cdata(value):
    """value as CDATA the way WordPress writes it: a `]]>` inside is split across two sections."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@budget(100)
@given(title=st.text(max_size=60), content=contents, name=st.text(max_size=30), status=st.text(max_size=12))
def test_any_post_in_a_well_formed_export_is_read_in_full(tmp_path_factory, title, content, name, status):
    # XML 1.0 cannot carry most control characters at all; WordPress never writes them.
    def xml_safe(value):
        return "".join(c for c in value if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd"))

    item = (
        "<item><title>" + cdata(xml_safe(title)) + "</title>"
        "<content:encoded>" + cdata(xml_safe(content)) + "</content:encoded>"
        "<wp:post_id>7</wp:post_id><wp:post_name>" + cdata(xml_safe(name)) + "</wp:post_name>"
        "<wp:status>" + cdata(xml_safe(status)) + "</wp:status><wp:post_type>post</wp:post_type></item>"
    )
    text = VALID.decode().replace("</channel>", item + "</channel>", 1)
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_text(text, encoding="utf-8")
    items = [found for _channel, found in wxr.read(path) if found is not None]
    # The generated post is the last item; its text comes back whole, CDATA splits and all.
    post = items[-1]
    assert post.post_id == 7
    assert xml_safe(title).strip() in post.title or post.title.strip() == xml_safe(title).strip()
    assert (
        post.content.replace("\r\n", "\n").strip()
        == xml_safe(content).replace("\r\n", "\n").replace("\r", "\n").strip()
    )


@budget(150)
@given(st.data())
def test_a_damaged_export_is_read_or_refused_in_words(tmp_path_factory, data):
    damaged = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(damaged)))
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_bytes(bytes(damaged[:cut]))
    try:
        for _channel, _item in wxr.read(path):
            pass
    except wxr.WXRError as error:
        assert str(error) and "\n" not in str(error)
