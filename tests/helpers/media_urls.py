"""A URLconf for tests that fetch uploads: the site's own routes, plus MEDIA_ROOT served as the production web
server serves it (a file that exists is sent, any other path is a 404). Use with `settings.ROOT_URLCONF`."""

from django.conf import settings
from django.urls import include, path
from django.views.static import serve


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path(settings.MEDIA_URL.lstrip("/") + "<path:path>", media),
    path("", include("newsroom.urls")),
]
