"""A save inside a revision (every desk save and autosave) keeps the story with its bylines and tags, and reads them
a fixed number of times however many a story has."""

import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles import services
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


def queries_of_a_draft_save(article, editor):
    article.body = f"{article.body}<p>One more line.</p>"
    with CaptureQueriesContext(connection) as queries, reversion.create_revision():
        reversion.set_user(editor)
        services.article_save(article=article, user=editor, expected_version=article.version)
    return len(queries), Version.objects.get_for_object(article).first().revision.version_set.all()


def test_a_draft_save_reads_bylines_and_tags_in_a_fixed_number_of_queries():
    editor = make_user("Editor")
    small = make_article("A small story", authors=[make_author("Ann Lee")], regions=["London"], topics=["Culture"])
    big = make_article(
        "A big story",
        authors=[make_author(name) for name in ("Bo Chan", "Cy Dunn", "Di Eze")],
        regions=["London", "Westminster", "Pimlico"],
        topics=["Culture", "Defence", "Diplomacy"],
    )
    queries_of_a_draft_save(small, editor)  # the editor's permissions and content types, read once
    small_count, small_versions = queries_of_a_draft_save(small, editor)
    big_count, big_versions = queries_of_a_draft_save(big, editor)
    assert big_count == small_count
    # The version still holds the story, each byline and each tag row, named as before.
    assert len(small_versions) == 1 + 1 + 2 and len(big_versions) == 1 + 3 + 6
    reprs = {version.object_repr for version in big_versions}
    assert "Di Eze on A big story" in reprs
    assert "A big story tagged with Pimlico" in reprs and "A big story tagged with Diplomacy" in reprs
