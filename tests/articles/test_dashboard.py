"""The desk's front page per role, "changes requested", and the story list: order, columns, words, filters, search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import selectors, services
from articles.models import Article, ArticleTransition
from devtools.archive import generate_archive
from tests.helpers.factories import make_article, make_author, make_user
from tests.helpers.workflow_helpers import article_in, client_for, make_cast

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/articles/article/"


@pytest.fixture
def cast():
    return make_cast()


def submitted_at(article, when):
    ArticleTransition.objects.filter(article=article, to_status="in_review").update(created_at=when)


def panel(response, key):
    return next(p for p in response.context["dashboard"]["panels"] if p.key == key)


def test_editors_see_what_awaits_review_oldest_first_with_who_when_and_the_note(cast):
    now = timezone.now()
    newer = article_in("draft", cast, headline="Newer story")
    services.article_submit(article=newer, user=cast["owner"], comment="Fresh from the court.")
    older = article_in("draft", cast, headline="Older story")
    services.article_submit(article=older, user=cast["owner"], comment="Waited since morning.")
    submitted_at(older, now - timedelta(hours=5))
    submitted_at(newer, now - timedelta(hours=1))

    response = client_for(cast["editor"]).get(reverse("admin:index"))
    waiting = panel(response, "awaiting_review")
    assert [a.headline for a in waiting.rows] == ["Older story", "Newer story"]
    assert (waiting.rows[0].step_by, waiting.rows[0].step_note) == ("owner", "Waited since morning.")
    page = response.content.decode()
    assert "Awaiting review" in page and "Waited since morning." in page and "submitted by owner" in page
    assert [p.title for p in response.context["dashboard"]["panels"]] == [
        "Awaiting review",
        "Scheduled next 48 h",
        "Recently published",
    ]


def test_scheduled_next_48_hours_and_recently_published(cast):
    soon = article_in("draft", cast, headline="Tomorrow's story")
    services.article_publish(article=soon, user=cast["editor"], publish_at=timezone.now() + timedelta(hours=20))
    later = article_in("draft", cast, headline="Next week's story")
    services.article_publish(article=later, user=cast["editor"], publish_at=timezone.now() + timedelta(days=6))
    embargoed = article_in("draft", cast, headline="Embargoed story")
    services.article_publish(
        article=embargoed,
        user=cast["editor"],
        publish_at=timezone.now() - timedelta(hours=1),
        embargo_ends_at=timezone.now() + timedelta(hours=30),
    )
    live = article_in("published", cast, headline="Live story")

    # Soonest first, an embargo counting as the live time.
    assert [a.headline for a in selectors.scheduled_soon()] == ["Tomorrow's story", "Embargoed story"]
    assert [a.pk for a in selectors.recently_published()] == [live.pk]


def test_reporters_see_their_drafts_what_came_back_with_the_note_and_what_is_in_review(cast):
    mine = article_in("draft", cast, headline="My draft")
    sent_back = article_in("in_review", cast, headline="Sent back story")
    services.article_request_changes(article=sent_back, user=cast["editor"], comment="Name the second source.")
    waiting = article_in("in_review", cast, headline="Waiting story")
    other = make_article("Someone else's draft", user=cast["other_reporter"])

    response = client_for(cast["owner"]).get(reverse("admin:index"))
    panels = {p.key: [a.headline for a in p.rows] for p in response.context["dashboard"]["panels"]}
    assert panels == {"sent_back": ["Sent back story"], "my_drafts": ["My draft"], "in_review": ["Waiting story"]}
    assert panel(response, "sent_back").rows[0].step_note == "Name the second source."
    page = response.content.decode()
    assert "Name the second source." in page and "sent back by editor" in page
    assert other.headline not in page
    assert mine.pk and waiting.pk


def test_an_account_with_no_desk_role_gets_no_panels(cast):
    response = client_for(make_user(None)).get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["dashboard"] == {"role": None, "panels": []}


@pytest.mark.parametrize("size", [40, 400])
def test_the_dashboards_cost_the_same_few_queries_at_any_size(cast, size, django_assert_num_queries):
    generate_archive(articles=size, seed=5)
    article_in("in_review", cast)
    sent_back = article_in("in_review", cast)
    services.article_request_changes(article=sent_back, user=cast["editor"], comment="Again.")
    for selector in (selectors.awaiting_review, selectors.scheduled_soon, selectors.recently_published):
        with django_assert_num_queries(1):
            assert len(selector()) <= selectors.DASHBOARD_ROWS
    for selector in (selectors.my_drafts, selectors.sent_back_to, selectors.in_review_for):
        with django_assert_num_queries(1):
            selector(cast["owner"])
    # Session, user, permissions (2), emails due, three panels (and the review count for editors), unread count,
    # latest notifications, recent actions.
    for role, budget in (("editor", 12), ("owner", 11)):
        client = client_for(cast[role])
        client.get(reverse("admin:index"))
        with django_assert_num_queries(budget):
            assert client.get(reverse("admin:index")).status_code == 200


# Changes requested --------------------------------------------------------------------------------------------------


def test_changes_requested_is_marked_in_the_list_and_at_the_top_of_the_form(cast):
    article = article_in("in_review", cast, headline="Bridge story")
    services.article_request_changes(article=article, user=cast["editor"], comment="Check the bridge's age.")
    owner = client_for(cast["owner"])
    listing = owner.get(CHANGELIST).content.decode()
    assert '<span class="badge badge--changes_requested">Changes requested</span>' in listing
    form = owner.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "review-note--changes-requested" in form and "Check the bridge&#x27;s age." in form
    assert [a.pk for a in owner.get(CHANGELIST, {"state": "changes_requested"}).context["cl"].result_list] == [
        article.pk
    ]

    # Submitting again ends the state: the list shows it in review.
    services.article_submit(article=article, user=cast["owner"], comment="Checked: 1894.")
    editor_form = client_for(cast["editor"]).get(reverse("admin:articles_article_change", args=[article.pk]))
    page = editor_form.content.decode()
    assert "review-note--submitted" in page and "Checked: 1894." in page
    assert "badge--in_review" in client_for(cast["editor"]).get(CHANGELIST).content.decode()


def test_a_draft_never_sent_back_is_a_plain_draft_and_stays_in_my_drafts(cast):
    draft = article_in("draft", cast)
    annotated = selectors.with_review(Article.objects.filter(pk=draft.pk)).get()
    assert selectors.list_state(annotated) == "draft"
    assert [a.pk for a in selectors.my_drafts(cast["owner"])] == [draft.pk]


# The story list ------------------------------------------------------------------------------------------------------


def test_the_list_opens_on_the_last_changed_with_last_changed_and_submitted_columns(cast):
    old_live = article_in("published", cast, headline="Old live story")
    Article.objects.filter(pk=old_live.pk).update(updated_at=timezone.now() - timedelta(days=30))
    fresh = article_in("in_review", cast, headline="Fresh submission")
    response = client_for(cast["editor"]).get(CHANGELIST)
    rows = list(response.context["cl"].result_list)
    assert rows[0].pk == fresh.pk and rows[-1].pk == old_live.pk
    page = response.content.decode()
    assert "Select story to change" in page
    assert "column-last_changed" in page and "column-submitted" in page
    assert rows[0].submitted_at is not None


def test_bulk_messages_and_actions_use_the_desks_words(cast):
    first, second = article_in("in_review", cast), article_in("in_review", cast)
    client = client_for(cast["editor"])
    response = client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "2 stories published." in response.content.decode()
    third = article_in("in_review", cast)
    response = client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [third.pk]}, follow=True)
    assert "1 story published." in response.content.decode()
    assert "Publish selected stories now" in client.get(CHANGELIST).content.decode()


def test_the_author_filter_is_a_search_and_offers_only_matches(cast):
    for name in ("Zoe Marsh", "Zack Moor", "Amy Lin"):
        make_article(authors=[make_author(name)])
    client = client_for(cast["editor"])
    spec = next(s for s in client.get(CHANGELIST).context["cl"].filter_specs if s.parameter_name == "author")
    assert spec.lookup_choices == []
    response = client.get(CHANGELIST, {"author_name": "za", "_facets": "1"})
    spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "author")
    assert [name for _slug, name in spec.lookup_choices] == ["Zack Moor"]
    assert "Zack Moor (1)" in response.content.decode()
    chosen = client.get(CHANGELIST, {"author": "zack-moor"})
    assert [a.authors[0].name for a in chosen.context["cl"].result_list] == ["Zack Moor"]


def test_show_counts_match_the_filters_results(cast, django_assert_max_num_queries):
    generate_archive(articles=120, seed=2)
    sent_back = article_in("in_review", cast)
    services.article_request_changes(article=sent_back, user=cast["editor"], comment="Again.")
    client = client_for(cast["editor"])
    response = client.get(CHANGELIST, {"_facets": "1", "region": "london"})
    assert response.status_code == 200
    for spec in response.context["cl"].filter_specs:
        if not hasattr(spec, "lookup_choices") or spec.parameter_name == "author":
            continue
        counts = spec.get_facet_queryset(response.context["cl"])
        for index, (value, _label) in enumerate(spec.lookup_choices):
            expected = client.get(CHANGELIST, {"region": "london", spec.parameter_name: value}).context["cl"]
            if spec.parameter_name == "region":
                expected = client.get(CHANGELIST, {"region": value}).context["cl"]
            assert counts[f"{index}__c"] == expected.result_count, (spec.parameter_name, value)


def test_show_counts_with_a_search_or_a_year(cast):
    generate_archive(articles=60, seed=2)
    client = client_for(cast["editor"])
    year = str(Article.objects.exclude(publish_at=None).latest("publish_at").publish_at.year)
    for params in ({"q": "council"}, {"year": year}, {"year": year, "month": "3"}, {"author_name": "a"}):
        response = client.get(CHANGELIST, {"_facets": "1", **params})
        assert response.status_code == 200, params
        assert "(" in response.content.decode()


@pytest.mark.parametrize("params", [{"year": "99999", "month": "13"}, {"year": "abc"}, {"author_name": "\x00" * 500}])
def test_odd_filter_values_never_fail(cast, params):
    assert client_for(cast["editor"]).get(CHANGELIST, params).status_code == 200


# Search -----------------------------------------------------------------------------------------------------------


def results(client, term):
    return [a.headline for a in client.get(CHANGELIST, {"q": term}).context["cl"].result_list]


def test_search_finds_by_author_name_slug_and_pasted_public_address(cast):
    by_amira = article_in("published", cast, headline="Lantern festival returns")
    other = make_article("Ferry timetable changes", authors=[make_author("Jonas Berg")])
    client = client_for(cast["editor"])
    assert results(client, "Jonas Berg") == ["Ferry timetable changes"]
    assert results(client, other.slug) == ["Ferry timetable changes"]
    assert results(client, f"https://news.example.org{by_amira.get_absolute_url()}?utm_source=x") == [
        "Lantern festival returns"
    ]
    assert results(client, by_amira.get_absolute_url()) == ["Lantern festival returns"]
    assert results(client, "https://news.example.org/not/a/story/") == []


def test_search_ranks_headline_matches_above_body_matches(cast):
    make_article("Budget row at the town hall", body="<p>A council meeting about money.</p>")
    make_article("Council budget approved", body="<p>The budget passed.</p>")
    make_article("Parking fees rise", body="<p>Nothing about it.</p>")
    client = client_for(cast["editor"])
    # The search index ranks headline words above body words, and finds words that are only in the body.
    assert results(client, "council budget") == ["Council budget approved", "Budget row at the town hall"]
    assert results(client, "meetings money") == ["Budget row at the town hall"]


def test_a_reporter_never_finds_another_reporters_draft(cast):
    hidden = make_article("Hidden scoop", user=cast["other_reporter"])
    client = client_for(cast["owner"])
    assert results(client, hidden.slug) == []
    assert results(client, "Hidden scoop") == []
    assert results(client, hidden.get_absolute_url()) == []
