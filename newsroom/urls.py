from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from ops import health, metrics
from reader.site_files import favicon, manifest
from reader.sitemaps import NEWS_SITEMAPS, SITEMAP_TEMPLATE, SITEMAPS, sitemap_index
from reader.views import robots_txt

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} newsroom"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    # Written by a Jinja2 template (reader/jinja2/): Django's own took about half a second for 5,000 stories.
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": SITEMAP_TEMPLATE},
        name="sitemap_section",
    ),
    path("newsletter/", include("newsletter.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("reader.urls")),
]

handler500 = "reader.views.server_error"

if settings.BENCH_FLOOR:
    from devtools.floor import floor

    urlpatterns.insert(0, path("bench/floor/", floor, name="bench-floor"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
