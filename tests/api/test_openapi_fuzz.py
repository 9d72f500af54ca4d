"""The OpenAPI description, exercised by a property-based tester (schemathesis): generated requests, valid
and invalid, against the real application over WSGI. No 500s, and every answer matches the description."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings

from api.openapi import description
from articles.models import Article
from tests.helpers.factories import make_article, make_author

pytestmark = pytest.mark.django_db

# The description as the API serves it (a test below checks they are the same), called over WSGI.
schema = schemathesis.openapi.from_dict(description())
schema.app = get_wsgi_application()


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
