"""Settings for the newsroom CMS.

One module, driven by environment variables. Development defaults are safe and
need no set-up (SQLite, local-memory cache); production values come from the
environment, and the ones production cannot do without fail loudly when missing.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from articles.embeds import FRAME_ORIGINS as EMBED_FRAME_ORIGINS
from ops.logs import logging_config

from .environment import PRODUCTION, env_bool, env_list, postgres_options, required_in_production

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = required_in_production("SECRET_KEY", "django-insecure-development-only-key")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    required_in_production("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"),
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "reversion",
    "django_prose_editor",
    "csp",
    "axes",
    "articles",
    "pagecache",
    # Before the reader's site: its content_changed receiver must run first (ops/replicas.py).
    "ops",
    "reader",
    "devtools",
    "newsletter",
    "api",
]

MIDDLEWARE = [
    # Outside the page cache, so that a cached page gets the id of the request it answers (ops/logs.py)
    # and is timed and counted (ops/metrics.py).
    "ops.logs.RequestIdMiddleware",
    "ops.metrics.RequestMetricsMiddleware",
    # Then the page cache: a cached page is served with the headers every middleware below gave it when
    # it was rendered (security headers and the Content-Security-Policy included), at no further cost.
    "pagecache.middleware.PageCacheMiddleware",
    # Reads of a page the cache did not have go to a caught-up replica when there is one (ops/replicas.py).
    "ops.replicas.ReplicaReadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Absolute URLs on the request's host when SITE_URL is unset (development).
    "reader.links.RequestOriginMiddleware",
    "csp.middleware.CSPMiddleware",
    "articles.middleware.FormMediaNonceMiddleware",
    # Turns a lost database connection raised in a view into the 503 page (see reader.views).
    "reader.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An imported story's old address (a would-be 404, or "/?p=123") answers 301 to it while it is live.
    "reader.old_addresses.OldAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reversion.middleware.RevisionMiddleware",
    # Times each view (django-prometheus); its "before" half is at the top.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reader.context_processors.site",
            ],
        },
    },
    # Story cards, which a page renders dozens of, are Jinja2 templates in the apps' jinja2/ folders: several times
    # faster than the Django template language for them (docs/architecture.md).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "fragments",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "reader.fragment_templates.environment"},
    },
]

# Database: SQLite file in the project folder unless DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL: prepared statements for the readers' small reads, each planned once (see postgres_options).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgres_options(DATABASES["default"].get("OPTIONS", {}))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files open in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Read replicas (ops/replicas.py): DATABASE_REPLICA_URLS, comma-separated, PostgreSQL streaming replicas of
# DATABASE_URL. Readers' pages read from a replica that has replayed the last change; everything else the primary.
for number, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    replica = dj_database_url.parse(
        replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASES[f"replica{number}"] = {
        **replica,
        "OPTIONS": postgres_options(replica.get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["ops.replicas.ReplicaRouter"] if len(DATABASES) > 1 else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Backups serialise rows as JSON with times to the microsecond (articles/serializers.py).
SERIALIZATION_MODULES = {"json-exact": "articles.serializers"}

# Cache: local memory unless REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
    CACHES["page_generation"] = CACHES["default"]
else:
    CACHES = {
        # Pages (~20 KB), rendered story cards (~1 KB) and small per-generation values: Django's
        # default of 300 entries would evict a busy site's cards every few pages, and a full cache drops
        # its least recently used third at once. 10,000 holds a few hundred pages with their parts.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LOCAL_CACHE_MAX_ENTRIES", "10000"))},
        },
        # Local memory is per process; the page cache's generation token must
        # be shared by every worker, so it lives in one small file.
        "page_generation": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            # The token, the epoch and the versions of tags changed in the last PAGE_CACHE_SECONDS:
            # never culled early, which would revive entries a change invalidated.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            "LOCATION": os.environ.get(
                "PAGE_CACHE_GENERATION_DIR",
                str(
                    Path(tempfile.gettempdir())
                    / f"newsroom-page-generation-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
                ),
            ),
        },
    }

# Anonymous page cache (pagecache/): whole reader pages for visitors
# without a session, invalidated on every committed change. PAGE_CACHE=0 turns
# it off. Pages stay in the cache at most PAGE_CACHE_SECONDS; browsers and CDNs
# may keep them PAGE_CACHE_MAX_AGE seconds, then revalidate with their ETag.
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_GENERATION_ALIAS = "page_generation"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_SKIP_PREFIXES = ["/admin/", "/preview/", "/bench/"]
# Files the page cache neither stores nor marks: static files and uploads have their own headers.
PAGE_CACHE_PASS_PREFIXES = ["/static/", "/media/"]
# No stampede: while one worker renders a page a change invalidated, the others serve the previous
# copy for up to PAGE_CACHE_STALE_SECONDS if the change only added to it (a new story on a list),
# and otherwise wait up to PAGE_CACHE_WAIT_SECONDS for the new copy before rendering it themselves.
PAGE_CACHE_STALE_SECONDS = float(os.environ.get("PAGE_CACHE_STALE_SECONDS", "2"))
PAGE_CACHE_WAIT_SECONDS = float(os.environ.get("PAGE_CACHE_WAIT_SECONDS", "1"))
# Paginator counts, the section navigation and the home page's story choice are
# computed once per content generation (declared in reader/readmodel.py), with or
# without the page cache. GENERATION_MEMO=0 computes them on every request.
GENERATION_MEMO = env_bool("GENERATION_MEMO", default=True)
# Caches in front of the site that pages name their tags to (xkey / Surrogate-Key / Cache-Tag
# headers) and that are told which tags a change invalidated (pagecache/purge.py):
# VARNISH_PURGE_URLS, comma-separated Varnish listeners with the xkey module (deploy/varnish.vcl).
PAGE_CACHE_PURGERS = [
    {"BACKEND": "pagecache.purge.VarnishPurger", "OPTIONS": {"url": url}} for url in env_list("VARNISH_PURGE_URLS")
]
# Every cache key carries the release, so a deploy never reads another release's
# pages or values: RELEASE when set (e.g. a commit id), else a fingerprint of the
# code below, taken once per process.
PAGE_CACHE_RELEASE = os.environ.get("RELEASE", "")
PAGE_CACHE_CODE_PATHS = [
    *(BASE_DIR / app for app in ("newsroom", "articles", "pagecache", "reader", "devtools", "newsletter", "templates")),
    BASE_DIR / "requirements.txt",
]

# Seconds a visitor is asked to wait (Retry-After) when the database is unreachable and the 503 page is shown.
DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "10"))

# Benchmarks only: BENCH_FLOOR=1 routes /bench/floor/, a constant response.
BENCH_FLOOR = env_bool("BENCH_FLOOR", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The newsroom's clock: every time an editor types or reads in the desk is in this zone, and says so.
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    # Local disk unless MEDIA_STORAGE_URL names an S3-compatible bucket (below).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "ops.static_files.StaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# The article body's pictures and embeds, an extension module of the prose editor (static/articles/prose_media.js).
# What the body may hold is decided by our own sanitiser (articles/sanitizer.py), not by these entries.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/prose_media.js")],
        "extensions": {
            "LibraryImage": "articles.sanitizer.allow_body_figures",
            "Embed": "articles.sanitizer.allow_body_figures",
        },
    }
]

# Media on S3-compatible object storage (ops/storage.py): MEDIA_STORAGE_URL=s3://bucket/prefix?endpoint_url=…,
# served from MEDIA_URL (a CDN or the bucket).
MEDIA_STORAGE_URL = os.environ.get("MEDIA_STORAGE_URL", "")
if MEDIA_STORAGE_URL:
    from ops.storage import s3_media_storage

    STORAGES["default"], MEDIA_URL = s3_media_storage(MEDIA_STORAGE_URL, os.environ.get("MEDIA_URL", ""))

# Backup archives in a private bucket of their own (`backup_site --to-backup-storage`, docs/backup.md).
BACKUP_STORAGE_URL = os.environ.get("BACKUP_STORAGE_URL", "")
if BACKUP_STORAGE_URL:
    from ops.storage import s3_backup_storage

    STORAGES["backups"] = s3_backup_storage(BACKUP_STORAGE_URL)

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o644

# Tags: "london" and "London" are the same region.
TAGGIT_CASE_INSENSITIVE = True

# The outlet this installation serves; another outlet changes these.
SITE_NAME = os.environ.get("SITE_NAME", "The WP Times")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "24/7 news for Westminster and Pimlico, London and the world")
# The public address (https://host, no path): canonical links, og:url, JSON-LD, feeds, sitemaps and robots.txt.
# Mandatory in production (and checked by `ops.checks`); in development, when unset, the request's own host.
SITE_URL = required_in_production("SITE_URL", "").strip().rstrip("/")
SITE_LANGUAGE = os.environ.get("SITE_LANGUAGE", "en")

# Email: the desk's notifications (articles/notifications.py). Printed to the console in development;
# in production sent by SMTP to EMAIL_HOST (a local relay unless set). A failed send is logged and retried,
# never fails the step that caused it.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if PRODUCTION else "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=PRODUCTION)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} desk <desk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The daily newsletter (newsletter/): who it comes from, how long a confirmation link works, and how many
# sign-ups one client address (IPv6 by /64) and one mailbox may make (django-ratelimit, "count/period"; the
# counts live in the default cache, so they are shared by all workers with REDIS_URL, per worker without).
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", f"{SITE_NAME} <newsletter@localhost>")

# The folder agencies drop wire copy in (plain text or ninjs JSON); `manage.py ingest_wire` with no folder
# named reads it, and moves what it took into its `done/` subfolder.
WIRE_INBOX_DIR = os.environ.get("WIRE_INBOX_DIR", "")
NEWSLETTER_LIST_DOMAIN = os.environ.get("NEWSLETTER_LIST_DOMAIN", "localhost")
NEWSLETTER_CONFIRM_HOURS = int(os.environ.get("NEWSLETTER_CONFIRM_HOURS", "48"))
NEWSLETTER_SIGNUP_RATE = os.environ.get("NEWSLETTER_SIGNUP_RATE", "10/h")
NEWSLETTER_MAILBOX_RATE = os.environ.get("NEWSLETTER_MAILBOX_RATE", "3/h")
# The client's address as sign-in throttling sees it (behind BEHIND_TLS_PROXY, from X-Forwarded-For, trusting
# PROXY_COUNT entries), so that readers behind the proxy are not all counted as one.
RATELIMIT_IP_META_KEY = "axes.helpers.get_client_ip_address"


def env_sections(name, default):
    """Sections as (vocabulary, slug) pairs from "region:london,topic:culture"."""
    sections = []
    for item in env_list(name, default):
        vocabulary, _, slug = item.partition(":")
        if vocabulary not in {"region", "topic"} or not slug.strip():
            raise ImproperlyConfigured(f"{name}: “{item}” should look like “region:london” or “topic:culture”.")
        sections.append((vocabulary, slug.strip()))
    return sections


# The reader's site: sections featured on the home page (in order, each with
# its latest stories) and the sections linked from the masthead navigation.
HOME_SECTIONS = env_sections("HOME_SECTIONS", "region:london,region:westminster,topic:defence,topic:culture")
NAV_SECTIONS = env_sections(
    "NAV_SECTIONS",
    "region:london,region:westminster,region:pimlico,topic:politics,topic:defence,topic:business,topic:culture",
)

# Security. Behind TLS in production; plain HTTP on a developer's machine.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How often the article form autosaves unsaved text (and tells others the story is open), in seconds.
DESK_AUTOSAVE_SECONDS = float(os.environ.get("DESK_AUTOSAVE_SECONDS", "20"))

LOGIN_URL = "admin:login"
# Where a sign-in lands when `next=` is missing or points off-site.
LOGIN_REDIRECT_URL = "admin:index"

# Content-Security-Policy (django-csp). Everything comes from our own origin;
# the only inline script allowed is one carrying the response's nonce (the
# prose editor's import map, see articles.middleware). Uploaded images are
# served from /media/ on the same origin. The one inline stylesheet allowed is
# the editor's built-in one (Tiptap's core CSS in django-prose-editor 0.28),
# pinned by its hash; the admin browser test fails if an upgrade changes it.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, PROSE_EDITOR_STYLE_HASH],
        "img-src": [SELF, "data:", *([MEDIA_URL] if MEDIA_URL.startswith(("http://", "https://")) else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        # Only the embed providers' frames (articles/embeds.py), loaded when a reader presses an embed's button.
        "frame-src": list(EMBED_FRAME_ORIGINS),
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if PRODUCTION else {}),
    }
}

# Sign-in throttling (django-axes): five failures for one username from one
# address lock that pair out for 15 minutes; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "articles.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
if env_bool("BEHIND_TLS_PROXY", default=False):
    # The client's address comes from X-Forwarded-For (django-ipware, as django-axes documents it), read for
    # exactly PROXY_COUNT proxies in front of the app (default 1): each adds the address it was reached from,
    # and the last one is REMOTE_ADDR, so the header holds the client and PROXY_COUNT - 1 proxies. A header
    # with any other number of entries (one a client forged) is not trusted: the address is then the
    # proxy's, so a forger can never pose as someone else or lock an editor out from everywhere.
    AXES_IPWARE_PROXY_COUNT = max(int(os.environ.get("PROXY_COUNT", "1")) - 1, 0)
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    IPWARE_STRICT = True

# Operations (ops/metrics.py, ops/logs.py): /metrics answers only a request sending METRICS_TOKEN as a
# bearer token (404 without one configured); under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR
# (read by prometheus_client) so that /metrics adds up every worker's counts. Log records are JSON lines
# in production (plain text in development), each with the id of the request it was written for.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
LOGGING_CONFIG = "ops.logs.configure"
LOGGING = logging_config(
    json_lines=env_bool("LOG_JSON", default=PRODUCTION), level=os.environ.get("LOG_LEVEL", "WARNING")
)
