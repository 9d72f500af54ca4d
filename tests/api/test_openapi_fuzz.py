"""The OpenAPI description, exercised by a property-based tester (schemathesis): generated requests, valid
and invalid, against the real application over WSGI. No 500s, and every answer matches the description."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from api.openapi import description
from articles.models import Article
from tests.helpers.factories import make_article, make_author

pytestmark = pytest.mark.django_db

_handler = get_wsgi_application()


def application(environ, start_response):
    """The project's WSGI application, keeping the test's database connection open (as Django's test client
    does): a real request's end closes it, and the test's transaction with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The description as the API serves it (a test below checks they are the same), called over WSGI.
schema = schemathesis.openapi.from_dict(description())
schema.app = application


@pytest.fixture(autouse=True)
def stories():
    writer = make_author("Fuzz Writer")
    for n in range(4):
        make_article(
            f"Fuzzed story {n}",
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now() - timedelta(hours=n + 1),
            authors=[writer],
            regions=["Pimlico"],
            topics=["Culture"],
        )


def test_the_description_tested_is_the_one_served(client):
    assert client.get("/api/v1/openapi.json").json() == description()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_described(case):
    case.call_and_validate()
