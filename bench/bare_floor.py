"""The bare floor: a one-file Django project serving one constant ~20 KB page.

No middleware, no database, no templates, no apps. Served by gunicorn with the
same settings as the site (`gunicorn --chdir bench bare_floor:application`), it is
what Django itself costs on this machine: the yardstick every page's req/s is
divided by, comparable with other projects measured the same way.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)

_LINE = b"<p>The floor page: constant bytes, no database, no templates, no per-request work.</p>\n"
BODY = b"<!doctype html><html><head><title>Floor</title></head><body>\n" + _LINE * 230 + b"</body></html>\n"
PATH = "/bench/floor/"


def floor(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path(PATH.strip("/") + "/", floor)]
application = get_wsgi_application()
