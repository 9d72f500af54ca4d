"""Embeds and figure references: which URLs embed, and what the sanitiser keeps of hostile markup."""

import pytest

from articles.embeds import FRAME_ORIGINS, parse_embed
from articles.sanitizer import sanitize_html

ALLOWED = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/abcDEF_123", "YouTube", "https://www.youtube-nocookie.com/embed/abcDEF_123"),
    ("https://vimeo.com/76979871", "Vimeo", "https://player.vimeo.com/video/76979871"),
    (
        "https://x.com/WestminsterCC/status/1790000000000000000",
        "X (Twitter)",
        "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000&dnt=true",
    ),
    (
        "https://twitter.com/someone/status/20",
        "X (Twitter)",
        "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true",
    ),
    ("https://www.instagram.com/p/C1a2b3c4/", "Instagram", "https://www.instagram.com/p/C1a2b3c4/embed/"),
    (
        "https://www.facebook.com/westminster/posts/pfbid02abc",
        "Facebook",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fwestminster%2Fposts%2F"
        "pfbid02abc&show_text=true",
    ),
    (
        "https://www.tiktok.com/@news/video/7300000000000000000",
        "TikTok",
        "https://www.tiktok.com/embed/v2/7300000000000000000",
    ),
    (
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "Spotify",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
    ),
    (
        "https://soundcloud.com/artist/track-name",
        "SoundCloud",
        "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fartist%2Ftrack-name&visual=true",
    ),
    (
        "https://www.google.com/maps/embed?pb=!1m18!1m12",
        "Google Maps",
        "https://www.google.com/maps/embed?pb=!1m18!1m12",
    ),
    ("https://datawrapper.dwcdn.net/AbC12/3/", "Datawrapper", "https://datawrapper.dwcdn.net/AbC12/3/"),
    ("https://flo.uri.sh/visualisation/1234567/embed", "Flourish", "https://flo.uri.sh/visualisation/1234567/embed"),
]


@pytest.mark.parametrize(("url", "provider", "frame"), ALLOWED)
def test_allowed_addresses_embed(url, provider, frame):
    embed = parse_embed(url)
    assert embed is not None, url
    assert (embed.name, embed.frame_src) == (provider, frame)
    assert any(embed.frame_src.startswith(origin + "/") for origin in FRAME_ORIGINS)


# Addresses that only look allowed, and other hostile ones: each stays an ordinary link (or nothing).
LOOKALIKES = [
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://evil.example/www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
    "https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
    "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "//www.youtube.com/watch?v=dQw4w9WgXcQ",
    "javascript:alert(1)//https://www.youtube.com/watch?v=x",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "https://www.youtube.com/watch?v=<script>",
    "https://www.youtube.com/watch?v=abc\nhttps://evil.example",
    "https://www.youtube.com/embed/../../evil",
    "https://xn--yutube-wqa.com/watch?v=dQw4w9WgXcQ",
    "https://www.google.com/search?q=maps",
    "https://maps.google.com/maps?q=Westminster",
    "https://www.instagram.com/accounts/login/",
    "https://x.com/home",
    "https://www.youtube.com/watch?v=" + "a" * 3000,
    "",
    "   ",
]


@pytest.mark.parametrize("url", LOOKALIKES)
def test_lookalike_and_hostile_addresses_do_not_embed(url):
    assert parse_embed(url) is None
    assert sanitize_html(f'<figure data-embed="{url}"></figure><p>kept</p>') == "<p>kept</p>"


# Pasted markup: (input, what is stored).
HOSTILE_FIGURES = [
    ('<figure data-image="7"></figure>', '<figure data-image="7"></figure>'),
    (
        '<figure data-image="7" data-caption="  A  river "></figure>',
        '<figure data-image="7" data-caption="A river"></figure>',
    ),
    (
        '<figure data-image="7" onclick="alert(1)" class="x" style="width:9999px"></figure>',
        '<figure data-image="7"></figure>',
    ),
    ('<figure data-image="../../etc/passwd"></figure>', ""),
    ('<figure data-image="0"></figure>', ""),
    ('<figure data-image="-3"></figure>', ""),
    ('<figure data-image="7 onload=alert(1)"></figure>', ""),
    ('<figure data-image="１２"></figure>', ""),
    ('<figure><img src="https://evil.example/x.jpg"></figure>', ""),
    ('<img src="/media/library/2026/11/x.jpg"><p>t</p>', "<p>t</p>"),
    ('<p><img src="https://other-site.example/photo.jpg" onerror="alert(1)">t</p>', "<p>t</p>"),
    ('<figure data-image="7"><p>inside</p><script>alert(1)</script></figure>', '<figure data-image="7"></figure>'),
    (
        '<figure data-image="7"><figure data-image="8"></figure></figure><p>x</p>',
        '<figure data-image="7"></figure><p>x</p>',
    ),
    ('<figure data-image="7" data-embed="https://youtu.be/abc"></figure>', '<figure data-image="7"></figure>'),
    ('<iframe src="https://www.youtube.com/embed/abc"></iframe><p>x</p>', "<p>x</p>"),
    (
        '<figure data-embed="https://youtu.be/abc"><iframe src="https://evil.example"></iframe></figure>',
        '<figure data-embed="https://youtu.be/abc"></figure>',
    ),
    ('<figure data-caption="only a caption"></figure><p>x</p>', "<p>x</p>"),
    (
        '<figure data-image="7" data-caption="' + "x" * 5000 + '"></figure>',
        '<figure data-image="7" data-caption="' + "x" * 300 + '"></figure>',
    ),
    (
        '<figure data-image="7" data-caption="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
        '<figure data-image="7" data-caption="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
    ),
    ("<figure " + 'data-image="7" ' * 500 + "></figure>", '<figure data-image="7"></figure>'),
    ("<figure>" * 200 + "deep" + "</figure>" * 200 + "<p>after</p>", "<p>after</p>"),
]


@pytest.mark.parametrize(("markup", "kept"), HOSTILE_FIGURES)
def test_the_sanitiser_keeps_only_the_two_figure_forms(markup, kept):
    cleaned = sanitize_html(markup)
    assert cleaned == kept
    assert sanitize_html(cleaned) == cleaned


PASTED = [
    # Word and Google Docs: headings outside h2–h4 move to the nearest level, tables stay simple.
    ("<h1>Council votes</h1><p>Text</p>", "<h2>Council votes</h2><p>Text</p>"),
    ("<H6 class='MsoHeading6'>Small print</H6>", "<h4>Small print</h4>"),
    (
        '<table style="width:600px" border="1"><colgroup><col width="200"></colgroup><tbody>'
        '<tr><th colspan="1" style="mso-x">Ward</th><td colspan="2" rowspan="999">Votes</td></tr></tbody></table>',
        '<table><tbody><tr><th>Ward</th><td colspan="2">Votes</td></tr></tbody></table>',
    ),
    (
        '<table><tr><td onclick="x()"><img src="file:///C:/pic.png">1</td></tr></table>',
        "<table><tbody><tr><td>1</td></tr></tbody></table>",
    ),
]


@pytest.mark.parametrize(("markup", "kept"), PASTED)
def test_pasted_headings_and_tables(markup, kept):
    assert sanitize_html(markup) == kept
    assert sanitize_html(kept) == kept
