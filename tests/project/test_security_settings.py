"""Security headers, Host validation, sign-in redirects and throttling."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_security_headers_are_sent(client, url, settings):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert [source for source in directives["style-src"] if source != "'self'"] == [settings.PROSE_EDITOR_STYLE_HASH]


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_admin_form_media_carries_the_csp_nonce(admin_client):
    article = make_article("Nonce check")
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    nonce = next(source for source in csp_directives(response)["script-src"] if source.startswith("'nonce-"))
    nonce = nonce.removeprefix("'nonce-").removesuffix("'")
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


# One row per hostile Host header.
BAD_HOSTS = [
    "evil.example",
    "news.example.org.evil.example",
    "localhost:abc",
    "127.0.0.1@evil.example",
    "exa mple.com",
    "<script>",
    "",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_bad_host_header_gets_the_400_page(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "evil" not in response.content.decode()


# One row per off-site (or otherwise unsafe) `next=` a phishing link could carry.
OFF_SITE_NEXT = [
    "https://evil.example/",
    "http://evil.example/admin/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " https://evil.example",
    "http://testserver@evil.example/",
]


@pytest.mark.parametrize("next_url", OFF_SITE_NEXT)
def test_login_next_off_site_redirects_safely(client, editor, next_url):
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_login_next_on_site_is_followed(client, editor):
    response = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/articles/article/"}
    )
    assert response.headers["Location"] == "/admin/articles/article/"


def test_repeated_wrong_passwords_lock_the_sign_in(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert client.post("/admin/login/", {"username": "editor", "password": "wrong"}).status_code == 429
    locked = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="editor").failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_a_lockout_is_per_username_and_address(client, editor):
    get_user_model().objects.create_user("reporter", password=PASSWORD, is_staff=True)
    for _ in range(6):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    from_elsewhere = client.post(
        "/admin/login/", {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert from_elsewhere.status_code == 302
    client.logout()
    colleague = client.post("/admin/login/", {"username": "reporter", "password": PASSWORD})
    assert colleague.status_code == 302


def test_a_success_resets_the_count(client, editor):
    for _ in range(3):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "editor", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(3):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "editor", "password": PASSWORD}).status_code == 302


def test_test_client_sign_ins_keep_working(client, editor):
    assert client.login(username="editor", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert not client.login(username="editor", password="wrong")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_editor_loads_in_chromium_with_no_csp_violations(live_server, page_factory, screenshot):
    get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)
    article = make_article("Editor loads under a strict policy", body="<p>Some <strong>bold</strong> words.</p>")
    page = page_factory()
    violations, errors = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " (e) => { (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI); });"
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")

    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    editor_area.wait_for(state="visible", timeout=10_000)
    assert "bold" in editor_area.inner_text()
    editor_area.click()
    page.keyboard.press("End")
    page.keyboard.type(" Typed in the browser.")
    violations.extend(page.evaluate("window.__violations || []"))
    screenshot(page, "admin-editor-under-csp")
    assert violations == []
    assert [error for error in errors if "Content Security Policy" in error] == []

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    assert "Typed in the browser." in Article.objects.get(pk=article.pk).body
