"""The read-only news API: ninjs items of live articles, a filtered list with cursors, and its OpenAPI description.

Every response is public and the same for every caller, so it goes through the page cache like a reader
page (tagged with what it shows) and allows any origin to read it (CORS for GET only).
"""

import functools
import hashlib
import re
from datetime import UTC, datetime

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pagecache.tags import collect
from reader.links import absolute
from reader.shown import LISTING_ALL, article_tag, listing_tag

from . import cursors, ninjs, openapi, selectors

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_SLUG_LENGTH = 200
# The forms the OpenAPI description gives each parameter (`api.openapi`): anything else is a 400.
SLUG = re.compile(rf"[-a-zA-Z0-9_]{{1,{MAX_SLUG_LENGTH}}}")
LIMIT = re.compile(rf"[1-9][0-9]?|{MAX_LIMIT}")
MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# Ids beyond a 64-bit integer name nothing, and no database is asked about them.
MAX_ID = 2**63 - 1
CORS_HEADERS = {
    # Public, read-only data without credentials: every origin may read it, and the header never varies, so the
    # page cache may serve one copy to all.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


class BadRequest(ValueError):
    pass


def read_only(view):
    """GET and HEAD only, with CORS headers; an OPTIONS preflight is answered for GET alone."""

    @functools.wraps(view)
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadRequest as error:
                response = problem(400, str(error))
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    # Nothing here writes or reads a session: every other method is a plain 405, not a CSRF 403.
    return csrf_exempt(wrapped)


def problem(status, message):
    return JsonResponse({"error": message}, status=status)


def respond(request, data, *, last_modified=None):
    """JSON with an ETag and Last-Modified, answering a conditional request with 304."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


@read_only
def item(request, pk):
    """One live article as a ninjs item; 410 for a story taken down, 404 for anything else not live."""
    pk = int(pk) if pk.isascii() and pk.isdigit() and len(pk) <= len(str(MAX_ID)) else 0
    if not 0 < pk <= MAX_ID:
        return problem(404, "No live story has this id.")
    article = selectors.live_item(pk)
    if article is None:
        if selectors.is_taken_down(pk):
            return problem(410, "This story was taken down and will not return.")
        return problem(404, "No live story has this id.")
    collect({article_tag(article.pk)})
    return respond(request, ninjs.item(article), last_modified=article.updated_at)


def _parameter(request, name, pattern=None, what=""):
    """A query parameter ("" when absent), refused with a 400 when it does not have the described form."""
    value = request.GET.get(name)
    if value is None:
        return ""
    if pattern and not pattern.fullmatch(value):
        raise BadRequest(f"“{name}” must be {what}.")
    return value


def _moment(request, name):
    """An RFC 3339 date and time, or None when absent.

    One so far in the past or future that it cannot be told in UTC is earlier or later than every story.
    """
    value = _parameter(request, name, MOMENT, "a date and time such as 2026-05-01T09:30:00Z")
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"“{name}” is not a date and time that exists.") from None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if parsed.year > 1 else datetime.min.replace(tzinfo=UTC)


def _limit(request):
    value = _parameter(request, "limit", LIMIT, f"a whole number from 1 to {MAX_LIMIT}")
    return int(value) if value else DEFAULT_LIMIT


@read_only
def items(request):
    """Live articles, newest first, narrowed by region, topic, author and a time window, a page at a time."""
    limit = _limit(request)
    since, until = _moment(request, "since"), _moment(request, "until")
    token = _parameter(request, "cursor", cursors.PATTERN, "copied whole from the previous page's “next” link")
    after = cursors.decode(token) if token else None
    lists, unknown = [], False
    for kind in selectors.FILTER_KINDS:
        if slug := _parameter(request, kind, SLUG, f"the slug of a {kind} (letters, digits, - and _)"):
            key = selectors.resolve_list(kind, slug)
            unknown = unknown or key is None
            lists.append((kind, key))
    if unknown:
        # A section or author without a live story has nothing to list (and is not told apart from a made-up one);
        # its first story going live touches every list of the newest stories.
        collect({LISTING_ALL})
        articles = []
    else:
        collect({listing_tag(kind, key) for kind, key in lists} or {LISTING_ALL})
        articles = selectors.page(lists, since=since, until=until, after=after, limit=limit)
    shown, more = articles[:limit], len(articles) > limit
    collect({article_tag(article.pk) for article in shown})
    next_url = None
    if more:
        last = shown[-1]
        query = {name: value for name, value in request.GET.items() if name != "cursor"}
        query["cursor"] = cursors.encode(last.public_at, last.pk)
        next_url = absolute(f"{reverse('api:items')}?{urlencode(query)}")
    data = {"items": [ninjs.item(article) for article in shown], "next": next_url}
    newest_edit = max((article.updated_at for article in shown), default=None)
    return respond(request, data, last_modified=newest_edit)


@read_only
def not_found(request, rest):
    """Any other address under the API: a 404 in JSON, like every answer here."""
    return problem(404, "No such address in this API; see openapi.json.")


@read_only
def openapi_description(request):
    """The OpenAPI 3 description of this API."""
    return respond(request, openapi.description())
