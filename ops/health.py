"""Health endpoints for load balancers and orchestrators; never cached, no details to the public.

`/healthz`: the process answers. `/readyz`: the primary database, every replica, the cache and
the media storage are reachable; 503 otherwise, with what failed logged, never shown.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache(alias):
    cache = caches[alias]
    key = f"ops:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _storage():
    default_storage.exists("readyz-probe")


def checks():
    yield from ((f"database {alias}", lambda alias=alias: _database(alias)) for alias in settings.DATABASES)
    yield from ((f"cache {alias}", lambda alias=alias: _cache(alias)) for alias in settings.CACHES)
    yield "media storage", _storage


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    failed = []
    for name, check in checks():
        try:
            check()
        except Exception:  # any failure means not ready; the log has the traceback
            logger.exception("readyz: %s is not reachable", name)
            failed.append(name)
    if failed:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
