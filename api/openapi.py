"""The OpenAPI 3 description of the news API, served at /api/v1/openapi.json."""

import functools

from django.conf import settings

from . import cursors, ninjs

STRING = {"type": "string"}
TEXT_ITEMS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value"],
        "properties": {"role": STRING, "contentType": STRING, "value": STRING},
    },
}
LINKED = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": STRING, "rel": STRING, "uri": {"type": "string", "format": "uri"}, "literal": STRING},
    },
}
RENDITIONS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": STRING,
            "href": {"type": "string", "format": "uri"},
            "contentType": STRING,
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
}
DATE_TIME = {"type": "string", "format": "date-time"}
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,200}$"}


def _ninjs_item():
    """The parts of a ninjs 3.1 item this API fills; the IPTC's schema is the full definition."""
    return {
        "type": "object",
        "description": f"An IPTC ninjs {ninjs.NINJS_VERSION} news item ({ninjs.NINJS_SCHEMA}).",
        "required": ["uri", "type", "version", "versionCreated", "headlines", "bodies"],
        "properties": {
            "uri": {"type": "string", "format": "uri"},
            "standard": {
                "type": "object",
                "properties": {"name": STRING, "version": STRING, "schema": {"type": "string", "format": "uri"}},
            },
            "type": {"type": "string", "enum": ["text"]},
            "representationType": {"type": "string", "enum": ["full", "partial"]},
            "version": STRING,
            "firstCreated": DATE_TIME,
            "versionCreated": DATE_TIME,
            "pubStatus": {"type": "string", "enum": ["usable", "withheld", "canceled"]},
            "language": STRING,
            "copyrightHolder": STRING,
            "slugline": STRING,
            "headlines": TEXT_ITEMS,
            "descriptions": TEXT_ITEMS,
            "bodies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {
                        "role": STRING,
                        "contentType": {"type": "string", "enum": ["text/html", "text/plain"]},
                        "value": STRING,
                        "charCount": {"type": "integer"},
                        "wordCount": {"type": "integer"},
                    },
                },
            },
            "by": STRING,
            "people": LINKED,
            "subjects": LINKED,
            "infoSources": {
                "type": "array",
                "items": {"type": "object", "properties": {"name": STRING, "role": STRING}},
            },
            "renditions": RENDITIONS,
            "associations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": STRING,
                        "uri": STRING,
                        "type": {"type": "string", "enum": ["picture"]},
                        "renditions": RENDITIONS,
                        "descriptions": TEXT_ITEMS,
                        "by": STRING,
                        "copyrightHolder": STRING,
                    },
                },
            },
        },
    }


def _error(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _query(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or STRING}


CONDITIONAL_HEADERS = {
    "ETag": {"description": "Changes whenever the response does.", "schema": STRING},
    "Last-Modified": {"description": "The newest edit among the stories shown.", "schema": STRING},
}


@functools.cache
def description():
    moment = {"type": "string", "format": "date-time"}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{settings.SITE_NAME} news API",
            "version": "1",
            "description": "Read-only: the stories readers can see, as IPTC ninjs items. Anything not live "
            "(drafts, scheduled or embargoed stories, unpublished ones) does not exist here; a story taken "
            "down answers 410 Gone.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/items/": {
                "get": {
                    "operationId": "listItems",
                    "summary": "Live stories, newest first",
                    "parameters": [
                        _query("region", "Only stories in the region with this slug.", SLUG),
                        _query("topic", "Only stories on the topic with this slug.", SLUG),
                        _query("author", "Only stories bylined to the author with this slug.", SLUG),
                        _query("since", "Only stories that went live at or after this time (RFC 3339).", moment),
                        _query("until", "Only stories that went live before this time (RFC 3339).", moment),
                        _query(
                            "cursor",
                            "The next page: copy it from the previous page's `next` link.",
                            {"type": "string", "pattern": f"^{cursors.PATTERN.pattern}$"},
                        ),
                        _query(
                            "limit",
                            "Items per page (default 20).",
                            {"type": "integer", "minimum": 1, "maximum": 100},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of items and the link to the next one (null on the last page).",
                            "headers": CONDITIONAL_HEADERS,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemList"}}},
                        },
                        "304": {"description": "Not modified since the ETag or date sent."},
                        "400": _error("A parameter could not be read; the message says which."),
                    },
                }
            },
            "/items/{id}/": {
                "get": {
                    "operationId": "getItem",
                    "summary": "One live story",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The story as a ninjs item.",
                            "headers": CONDITIONAL_HEADERS,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                        },
                        "304": {"description": "Not modified since the ETag or date sent."},
                        "404": _error("No live story has this id."),
                        "410": _error("The story was taken down and will not return."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Item": _ninjs_item(),
                "ItemList": {
                    "type": "object",
                    "required": ["items", "next"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                        "next": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
                "Error": {"type": "object", "required": ["error"], "properties": {"error": STRING}},
            }
        },
    }
