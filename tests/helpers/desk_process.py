"""One editor's request, run as a separate process by the concurrency tests.

    python -m tests.helpers.desk_process save|publish|drop '{"user": 1, "article": 2, ...}'

DATABASE_URL points at the test database. Requests go through Django's test
client (the whole admin: middleware, forms, services). Before its request the
process waits at a barrier, a PostgreSQL advisory lock the test holds, so two
processes send their requests at the same moment. Prints one line of JSON.
"""

import json
import os
import sys

BARRIER_LOCK = 640_001


def main():
    scenario, payload = sys.argv[1], json.loads(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article
    from tests.helpers.workflow_helpers import form_data

    client = Client()
    client.force_login(get_user_model().objects.get(pk=payload["user"]))
    article = Article.objects.get(pk=payload["article"])

    def barrier():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s)", [BARRIER_LOCK])
            cursor.execute("SELECT pg_advisory_unlock_shared(%s)", [BARRIER_LOCK])

    def publish():
        url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
        return client.post(url, {"comment": payload.get("comment", "")})

    result = {}
    if scenario == "save":
        # The form as this editor loaded it, then their own text.
        data = form_data(article, headline=payload["headline"], body=f"<p>{payload['text']}</p>")
        barrier()
        response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
        html = response.content.decode()
        result = {
            "status": response.status_code,
            "told": "after you opened it" in html,
            "kept_headline": f'value="{payload["headline"]}"' in html,
            "kept_text": payload["text"] in html,
        }
    elif scenario == "publish":
        barrier()
        response = publish()
        result = {"status": response.status_code}
    elif scenario == "drop":
        # The test kills this connection while the service holds the row lock; then the editor tries again.
        first = publish()
        # What Django's request handler does at the start of every request: drop a connection that broke.
        close_old_connections()
        second = publish()
        result = {
            "first": first.status_code,
            "first_retry_after": first.get("Retry-After"),
            "first_page": "We will be back in a moment" in first.content.decode(),
            "second": second.status_code,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
