"""The benchmark floor: a constant ~20 KB page with no database and no templates.

Routed only when BENCH_FLOOR=1. Its throughput is what this stack can serve at
best, the yardstick for every reader page in docs/performance.md.
"""

from django.http import HttpResponse

_LINE = b"<p>The floor page: constant bytes, no database, no templates, no per-request work.</p>\n"
BODY = b"<!doctype html><html><head><title>Floor</title></head><body>\n" + _LINE * 230 + b"</body></html>\n"


def floor(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")
