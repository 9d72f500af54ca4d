"""Request ids and the log format: every log record names the request it was written for.

`RequestIdMiddleware` (first in the stack, outside the page cache, so a cached page gets the id of the
request it answers, never the one it was rendered for) takes the proxy's `X-Request-ID` when it is a
plain token, else makes one, and echoes it in the response's `X-Request-ID`. `RequestIdFilter` puts it
on every record as `request_id`. In production the records are JSON lines (python-json-logger).

Imported by the settings: nothing here may need Django's settings at import time.
"""

import contextvars
import logging.config
import re
import uuid

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

NO_REQUEST = "-"
# What a proxy's id may look like: a UUID, nginx's $request_id, HAProxy's unique-id and the like.
# Anything else (too long, control characters, non-ASCII, spaces) is replaced, never logged.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")

current_request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)


def request_id_from(value):
    """The incoming id when it is a sane token, else a new one."""
    return value if VALID_REQUEST_ID.fullmatch(value or "") else uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id, for its log records and its response's `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        # Left set until the response is closed (`forget_request_id`): Django logs a 4xx or 5xx
        # answer after the last middleware has returned.
        current_request_id.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def forget_request_id(**kwargs):
    """Receiver of `request_finished`: records written between requests name no request."""
    current_request_id.set(NO_REQUEST)


class RequestIdFilter:
    """Adds `request_id` to every record a handler emits (a filter on the handler sees every logger's records)."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, and any traceback."""

    def __init__(self, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message", "request_id"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "exc_info": "traceback"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(**kwargs)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, json_lines, level):
    """The LOGGING setting: JSON lines in production, plain text on a developer's machine."""
    formatter = {"()": JsonFormatter} if json_lines else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "default"},
        },
        "root": {"handlers": ["console"], "level": level},
    }


def configure(config):
    """LOGGING_CONFIG: Python's dictConfig; with JSON lines, Python's warnings become records too (all lines JSON)."""
    logging.config.dictConfig(config)
    if config["formatters"]["default"].get("()") is JsonFormatter:
        logging.captureWarnings(True)
