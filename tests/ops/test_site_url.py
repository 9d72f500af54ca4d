"""SITE_URL: mandatory and well-formed in production; in development absolute URLs follow the request's host."""

import pytest

from articles.models import Article
from ops.checks import check_shared_cache, check_site_url, site_url_problem
from tests.helpers.factories import make_article
from tests.project.test_setup import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db


def test_deploy_check_fails_in_production_without_site_url():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_URL"}
    result = run_manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert "SITE_URL must be set when NEWSROOM_ENV=production" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://news.example.org", "must use https in production"),
        ("https://news.example.org/news", "scheme and host only"),
        ("https://news.example.org?x=1", "scheme and host only"),
        ("news.example.org", "must be an absolute address"),
        ("https://news.example.org:port", "not a valid address"),
    ],
)
def test_deploy_check_fails_in_production_with_a_malformed_site_url(value, message):
    result = run_manage("check", "--deploy", env_overrides={**PRODUCTION_ENV, "SITE_URL": value})
    assert result.returncode != 0
    assert "ops.E001" in result.stderr and message in result.stderr


def test_deploy_check_warns_that_caches_are_per_process_without_redis():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode != 0
    assert "ops.W001" in result.stderr and "REDIS_URL" in result.stderr


def test_checks_in_process(settings):
    settings.PRODUCTION, settings.SITE_URL = True, "https://news.example.org"
    assert check_site_url() == []
    settings.SITE_URL = ""
    assert [error.id for error in check_site_url()] == ["ops.E001"]
    settings.PRODUCTION = False
    assert check_site_url() == []  # development: the request's host
    settings.REDIS_URL = ""
    assert [warning.id for warning in check_shared_cache()] == ["ops.W001"]
    settings.REDIS_URL = "redis://cache:6379/0"
    assert check_shared_cache() == []


def test_site_url_rules():
    assert site_url_problem("https://news.example.org", production=True) is None
    assert site_url_problem("https://news.example.org/", production=True) is None
    assert site_url_problem("http://localhost:8001", production=False) is None
    assert "https" in site_url_problem("http://localhost:8001", production=True)
    assert site_url_problem("https://user:pw@news.example.org", production=True)


def published(headline):
    return make_article(headline, status=Article.Status.PUBLISHED, regions=["Pimlico"])


@pytest.mark.parametrize("host", ["localhost:8123", "127.0.0.1:9000"])
def test_development_absolute_urls_follow_the_request_host(client, settings, host):
    settings.SITE_URL = ""
    article = published("Canal boats return")
    origin = f"http://{host}"
    page = client.get(article.get_absolute_url(), HTTP_HOST=host).content.decode()
    assert f'<link rel="canonical" href="{origin}{article.get_absolute_url()}">' in page
    assert f'<meta property="og:url" content="{origin}{article.get_absolute_url()}">' in page
    assert "127.0.0.1:8000" not in page
    robots = client.get("/robots.txt", HTTP_HOST=host).content.decode()
    assert f"Sitemap: {origin}/sitemap.xml" in robots
    assert f"<loc>{origin}/sitemap-articles.xml</loc>" in client.get("/sitemap.xml", HTTP_HOST=host).content.decode()
    articles = client.get("/sitemap-articles.xml", HTTP_HOST=host).content.decode()
    assert f"<loc>{origin}{article.get_absolute_url()}</loc>" in articles
    feed = client.get("/feed/", HTTP_HOST=host).content.decode()
    assert f"{origin}{article.get_absolute_url()}" in feed


def test_site_url_wins_over_the_request_host(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = published("Market day")
    page = client.get(article.get_absolute_url(), HTTP_HOST="localhost:8123").content.decode()
    assert f'<link rel="canonical" href="https://news.example.org{article.get_absolute_url()}">' in page
    assert "localhost:8123" not in page
    assert "Sitemap: https://news.example.org/sitemap.xml" in client.get("/robots.txt").content.decode()
