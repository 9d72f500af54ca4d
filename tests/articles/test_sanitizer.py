import re
from html.parser import HTMLParser

import pytest

from articles.sanitizer import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitize_html
from tests.helpers.factories import make_article

# One row per hostile input: name, what an editor (or a pasted page) sends, what is stored.
HOSTILE_HTML = [
    ("script", "<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
    ("script-uppercase", "<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>Hi</p>", "<p>Hi</p>"),
    ("script-split", "<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
    ("onclick", '<p onclick="alert(1)">Hi</p>', "<p>Hi</p>"),
    (
        "onmouseover-link",
        '<a href="https://example.com" onmouseover="alert(1)">x</a>',
        '<a href="https://example.com" rel="noopener noreferrer">x</a>',
    ),
    ("img-onerror", '<img src=x onerror="alert(1)">', ""),
    ("svg-onload", '<svg onload="alert(1)"><circle r=1></circle></svg>', ""),
    ("body-onload", '<body onload="alert(1)"><p>x</p></body>', "<p>x</p>"),
    ("js-link", '<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-case", '<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    (
        "js-link-entities",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        '<a rel="noopener noreferrer">x</a>',
    ),
    ("js-link-hex-entities", '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-named-colon", '<a href="javascript&colon;alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-tab", '<a href="jav\tascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-newline", '<a href="java\nscript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-leading-space", '<a href="   javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-leading-control", '<a href="\x01javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("js-link-unquoted", "<a href=javascript:alert(1)>x</a>", '<a rel="noopener noreferrer">x</a>'),
    (
        "data-link",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<a rel="noopener noreferrer">x</a>',
    ),
    (
        "data-link-case",
        '<a href="DaTa:text/html,<script>alert(1)</script>">x</a>',
        '<a rel="noopener noreferrer">x</a>',
    ),
    ("vbscript-link", '<a href="vbscript:msgbox(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("vbscript-link-case", '<a href=" VBScript:msgbox(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("file-link", '<a href="file:///etc/passwd">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ("iframe", '<iframe src="https://evil.example"></iframe><p>kept</p>', "<p>kept</p>"),
    ("object", '<object data="x.swf"><param name=a value=b></object>', ""),
    ("embed", '<embed src="x.swf">', ""),
    ("form", '<form action="https://evil.example"><input name="password"><button>Go</button></form>', "Go"),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">', ""),
    ("base", '<base href="https://evil.example/">', ""),
    ("style-element", "<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
    ("style-attribute", '<p style="background:url(javascript:alert(1))">x</p>', "<p>x</p>"),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">', ""),
    ("class-and-id", '<p class="admin-only" id="login">x</p>', "<p>x</p>"),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', '&lt;p title=""&gt;'),
    ("textarea-mxss", "<textarea><img src=x onerror=alert(1)></textarea>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("svg-style-mxss", "<svg><style><img src=x onerror=alert(1)></style></svg>", ""),
    ("math-mglyph-mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    ("math-xlink", '<math><a xlink:href="javascript:alert(1)">x</a></math>', ""),
    ("svg-foreignobject", "<svg><foreignObject><p>x</p><script>alert(1)</script></foreignObject></svg>", ""),
    ("comment-break-out", "<!--<img src=x onerror=alert(1)>--><p>x</p>", "<p>x</p>"),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]><p>x</p>", "alert(1)]]&gt;<p>x</p>"),
    ("template", "<template><script>alert(1)</script></template>", ""),
    (
        "target-top",
        '<a href="https://example.com" target="_top">x</a>',
        '<a href="https://example.com" rel="noopener noreferrer">x</a>',
    ),
    (
        "rel-opener",
        '<a href="https://example.com" rel="opener" target="_blank">x</a>',
        '<a href="https://example.com" target="_blank" rel="noopener noreferrer">x</a>',
    ),
    ("ol-start-script", '<ol start="1 onclick=alert(1)"><li>x</li></ol>', "<ol><li>x</li></ol>"),
    ("nul-byte", "<p>a\x00b</p>", "<p>ab</p>"),
]

# Editorial markup the allow-list must keep exactly.
KEPT_HTML = [
    ("<h2>Head</h2><h3>Sub</h3><h4>Minor</h4>", "<h2>Head</h2><h3>Sub</h3><h4>Minor</h4>"),
    ("<p><strong>b</strong> <em>i</em> <b>b</b> <i>i</i> <u>u</u> <s>s</s> x<sub>2</sub> y<sup>3</sup></p>", None),
    ('<ul><li>one</li></ul><ol start="3"><li>three</li></ol>', None),
    ("<blockquote><p>Quoted</p></blockquote><hr>", None),
    ("<p>line<br>break</p>", None),
    (
        '<p><a href="https://example.com/a?b=1&amp;c=2" title="Source">l</a></p>',
        '<p><a href="https://example.com/a?b=1&amp;c=2" title="Source" rel="noopener noreferrer">l</a></p>',
    ),
    (
        '<p><a href="http://example.com">l</a></p>',
        '<p><a href="http://example.com" rel="noopener noreferrer">l</a></p>',
    ),
    (
        '<p><a href="mailto:desk@example.com">mail</a></p>',
        '<p><a href="mailto:desk@example.com" rel="noopener noreferrer">mail</a></p>',
    ),
    (
        '<p><a href="https://example.com" target="_blank">new tab</a></p>',
        '<p><a href="https://example.com" target="_blank" rel="noopener noreferrer">new tab</a></p>',
    ),
    ("<p>Fish &amp; chips &lt;3</p>", None),
]

SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_only_allowed(html):
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), (tag, attrs)
        href = re.sub(r"[\x00-\x20]", "", attrs.get("href") or "").lower()
        scheme = SCHEME.match(href)
        assert scheme is None or scheme.group(1) in ALLOWED_URL_SCHEMES, href
        if tag == "a":
            assert attrs["rel"] == "noopener noreferrer"


@pytest.mark.parametrize(("name", "dirty", "expected"), HOSTILE_HTML, ids=[row[0] for row in HOSTILE_HTML])
def test_hostile_html_is_neutralised(name, dirty, expected):
    cleaned = sanitize_html(dirty)
    assert cleaned == expected
    assert_only_allowed(cleaned)
    assert sanitize_html(cleaned) == cleaned


@pytest.mark.parametrize(("dirty", "expected"), KEPT_HTML)
def test_editorial_markup_is_kept(dirty, expected):
    cleaned = sanitize_html(dirty)
    assert cleaned == (expected or dirty)
    assert sanitize_html(cleaned) == cleaned


def test_every_hostile_case_together_stays_safe_and_idempotent():
    dirty = "".join(row[1] for row in HOSTILE_HTML)
    cleaned = sanitize_html(dirty)
    assert_only_allowed(cleaned)
    assert sanitize_html(cleaned) == cleaned


@pytest.mark.parametrize("empty", ["", None, "<p></p>", "<p><br></p>", "<script>x</script>", "   "])
def test_nothing_left_is_stored_as_empty(empty):
    assert sanitize_html(empty) == ""


@pytest.mark.django_db
def test_every_write_path_stores_sanitised_html():
    dirty = "".join(row[1] for row in HOSTILE_HTML)
    article = make_article(body=dirty)
    article.refresh_from_db()
    assert article.body == sanitize_html(dirty)
    assert "\x00" not in article.body


BROWSER_CHECK = """
() => {
  const box = document.getElementById("content");
  box.innerHTML = box.innerHTML;  // re-parse: mutation XSS shows up on the second parse
  const elements = [...box.querySelectorAll("*")];
  return {
    tags: [...new Set(elements.map((element) => element.localName))],
    handlers: elements.flatMap((element) => [...element.attributes].map((a) => a.name)).filter((n) => n.startsWith("on")),
  };
}
"""


def render_in_browser(page, html):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(f'<!doctype html><html><body><div id="content">{html}</div></body></html>')
    found = page.evaluate(BROWSER_CHECK)
    page.wait_for_timeout(300)
    return found, dialogs


@pytest.mark.browser
def test_sanitised_html_runs_nothing_in_a_real_browser(page_factory):
    # The harness catches script running: the raw input does raise dialogs.
    raw = "".join(row[1] for row in HOSTILE_HTML if row[0] in {"img-onerror", "svg-onload", "textarea-mxss"})
    _, raw_dialogs = render_in_browser(page_factory(), raw)
    assert raw_dialogs

    cleaned = "".join(sanitize_html(row[1]) for row in HOSTILE_HTML)
    found, dialogs = render_in_browser(page_factory(), cleaned)
    assert dialogs == []
    assert set(found["tags"]) <= ALLOWED_TAGS
    assert found["handlers"] == []
