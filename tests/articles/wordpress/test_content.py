"""WordPress post content to article body HTML: paragraphs, shortcodes and block comments."""

from articles.sanitizer import sanitize_html
from articles.wordpress.content import Picture, autop, convert


def body(content):
    return sanitize_html(convert(content).html)


def test_blank_lines_make_paragraphs_and_single_newlines_breaks():
    assert autop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"
    assert autop("\r\n\r\n  \n") == ""


def test_block_elements_are_not_wrapped_in_paragraphs():
    html = autop("Intro\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\nAfter\n\n<h2>Head</h2>\nText")
    assert html == "<p>Intro</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After</p>\n<h2>Head</h2>\n<p>Text</p>"


def test_quotes_hold_their_own_paragraphs():
    assert autop("<blockquote>One\n\nTwo</blockquote>") == "<blockquote><p>One</p>\n<p>Two</p></blockquote>"


def test_preformatted_text_keeps_its_blank_lines():
    assert "<pre>a\n\nb</pre>" in autop("Before\n\n<pre>a\n\nb</pre>\n\nAfter")


def test_caption_shortcode_leaves_the_body_and_names_its_picture():
    converted = convert(
        'Text\n\n[caption id="attachment_5" width="300"]<a href="/x"><img src="https://s.example/wp-content/uploads'
        '/2024/01/a.jpg" alt="A &amp; B" /></a> The caption[/caption]\n\nMore'
    )
    assert converted.html == "<p>Text</p>\n<p>More</p>"
    assert converted.pictures == [
        Picture(src="https://s.example/wp-content/uploads/2024/01/a.jpg", caption="The caption", alt="A & B")
    ]


def test_old_caption_attribute_form():
    converted = convert('[caption id="a" caption="Said in the attribute"]<img src="/b.png" />[/caption]')
    assert converted.pictures == [Picture(src="/b.png", caption="Said in the attribute", alt="")]


def test_media_shortcodes_are_dropped_and_embeds_become_links():
    assert body('[gallery ids="1,2,3"]\n\nText [video src="/v.mp4"][/video]') == "<p>Text</p>"
    assert body("[embed]https://video.example/watch/1[/embed]") == (
        '<p><a href="https://video.example/watch/1" rel="noopener noreferrer">https://video.example/watch/1</a></p>'
    )


def test_unknown_square_brackets_are_kept_as_text():
    assert body("He said [sic] it twice.") == "<p>He said [sic] it twice.</p>"


def test_block_editor_content_is_not_given_extra_paragraphs():
    content = (
        "<!-- wp:paragraph -->\n<p>One\nline</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:quote {"className":"is-style-large"} -->\n<blockquote class="wp-block-quote"><p>Q</p></blockquote>\n'
        "<!-- /wp:quote -->"
    )
    assert body(content) == "<p>One\nline</p>\n\n<blockquote><p>Q</p></blockquote>"


def test_inline_images_are_listed_not_kept():
    converted = convert('Look <img src="/wp-content/uploads/c.gif" alt="C"> here')
    assert converted.html == "<p>Look  here</p>"
    assert converted.pictures == [Picture(src="/wp-content/uploads/c.gif", alt="C")]
