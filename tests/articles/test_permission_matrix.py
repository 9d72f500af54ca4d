"""Every role against every admin URL and action: one table, one test.

Each row names a request (method, URL, posted data) and the roles allowed to
make it. Every other role is refused: anonymous visitors are sent to the
sign-in page, signed-in accounts get a 403, a 404 (an article they may not see
does not exist for them) or the list back with nothing done, and in every
refused case the database is exactly as it was. Allowed writes must really
write, and no response to a role that may not open the owner's draft may
contain its headline.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version

from articles import services
from articles.inbox import wire_receive
from articles.models import (
    Article,
    ArticleTransition,
    Author,
    Autosave,
    Byline,
    Correction,
    EditLease,
    Notification,
    PreviewLink,
    PromoFooter,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
    WireItem,
)
from tests.helpers.factories import make_author, make_footer, make_user
from tests.helpers.workflow_helpers import article_in, form_data, make_cast

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "other_reporter", "editor", "admin", "plain_staff"]
DESK = {"owner", "editor", "admin"}  # may open the owner's draft
EDITORS = {"editor", "admin"}
REPORTERS_AND_UP = {"owner", "other_reporter", "editor", "admin"}
ADMIN = {"admin"}
SECRET = "Secret draft zqownerdraft"

User = get_user_model()
WATCHED = [
    Article,
    ArticleTransition,
    Autosave,
    EditLease,
    Byline,
    Correction,
    Notification,
    PreviewLink,
    PromoFooter,
    Author,
    RegionTag,
    TopicTag,
    TaggedRegion,
    TaggedTopic,
    WireItem,
    User,
    User.groups.through,
    User.user_permissions.through,
    Group,
    Group.permissions.through,
    Version,
    Revision,
    LogEntry,
]


def database_state():
    """Every row a desk request could touch (sessions and sign-in records aside)."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.fixture
def world():
    cast = make_cast()
    cast["plain_staff"] = make_user(None, "plainstaff")
    draft = article_in("draft", cast, headline=SECRET)
    with reversion.create_revision():
        reversion.set_user(cast["owner"])
        reversion.add_to_revision(draft)
    in_review = article_in("in_review", cast, headline="Waiting story zqreview")
    published = article_in("published", cast, headline="Live story zqlive")
    taken_down = article_in("taken_down", cast, headline="Withdrawn story zqgone")
    trashed = article_in("draft", cast, headline="Binned story zqtrash")
    trash_data = form_data(trashed)
    with reversion.create_revision():
        reversion.add_to_revision(trashed)
    trashed.delete()
    link = services.preview_link_create(article=draft, user=cast["editor"])
    for role in DESK:
        Autosave.objects.create(article=draft, user=cast[role], content={"headline": "Kept"}, based_on_version=1)
    group, _ = Group.objects.get_or_create(name="Interns")
    wire = wire_receive(raw=b"Wire copy zqwire.\nMore of it.\n", name="zqwire.txt")
    return {
        **cast,
        "draft": draft,
        "version": Version.objects.get_for_object(draft).first(),
        "in_review": in_review,
        "published": published,
        "taken_down": taken_down,
        "trash_version": Version.objects.get_deleted(Article).get(),
        "trash_data": trash_data,
        "link": link,
        # The owner heard that their story was published; nobody else may mark that read.
        "owner_notification": Notification.objects.filter(recipient=cast["owner"]).latest("pk"),
        "footer": make_footer(name="Winter teaser"),
        "region": RegionTag.objects.get(name="London"),
        "topic": TopicTag.objects.get(name="Culture"),
        "group": group,
        "spare_author": make_author("Retired Writer"),
        "spare_region": RegionTag.objects.create(name="Mayfair"),
        "spare_topic": TopicTag.objects.create(name="Gardening"),
        "target_user": cast["other_reporter"],
        "wire": wire,
    }


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    url: object  # world -> path
    allowed: frozenset
    data: object = None  # world -> dict
    ok: int = 200  # status for an allowed role
    writes: bool = True  # an allowed POST must change something
    refused: int = 403  # status for a signed-in role that is refused
    refused_as: dict = field(default_factory=dict)  # role -> status, where it differs


def admin_url(name, *keys):
    return lambda w: reverse(f"admin:{name}", args=[w[key].pk for key in keys])


def article_url(name, article="draft", *extra):
    return lambda w: reverse(f"admin:articles_article_{name}", args=[w[article].pk, *[w[key].pk for key in extra]])


def transition(article, step):
    return lambda w: reverse("admin:articles_article_transition", args=[w[article].pk, step])


def bulk(action, article):
    return lambda w: {"action": action, "_selected_action": [w[article].pk], "index": 0}


def new_article_data(w):
    return {
        "headline": "Brand new story",
        "slug": "",
        "standfirst": "A standfirst.",
        "body": "<p>Body.</p>",
        "loaded_version": 1,
        "regions": [w["region"].pk],
        "topics": [w["topic"].pk],
        "promo_footer": "",
        "byline_set-TOTAL_FORMS": 0,
        "byline_set-INITIAL_FORMS": 0,
        "byline_set-MIN_NUM_FORMS": 0,
        "byline_set-MAX_NUM_FORMS": 1000,
    }


# A reporter asking for an article they may not see is told it does not exist.
HIDDEN = {"other_reporter": 404, "plain_staff": 404}
# ModelAdmin's change, history and delete pages send a missing object back to the index.
HIDDEN_REDIRECT = {"other_reporter": 302}


def planned_draft_move(w):
    """The draft gets a planned date (before the database is compared), and the move posts another day."""
    from datetime import timedelta

    from django.utils import timezone

    Article._base_manager.filter(pk=w["draft"].pk).update(planned_for=timezone.now() + timedelta(days=1))
    return {"day": (timezone.localdate() + timedelta(days=3)).isoformat()}


ARTICLE_ROWS = [
    Row("changelist", "GET", admin_url("articles_article_changelist"), REPORTERS_AND_UP),
    Row("planning calendar", "GET", admin_url("articles_article_calendar"), REPORTERS_AND_UP),
    Row("move on the calendar", "POST", article_url("move"), EDITORS, planned_draft_move, refused_as=HIDDEN),
    Row("add form", "GET", admin_url("articles_article_add"), REPORTERS_AND_UP),
    Row("add", "POST", admin_url("articles_article_add"), REPORTERS_AND_UP, new_article_data, ok=302),
    Row("change form", "GET", article_url("change"), DESK, refused_as=HIDDEN_REDIRECT),
    Row(
        "change",
        "POST",
        article_url("change"),
        DESK,
        lambda w: form_data(w["draft"], headline="Rewritten headline"),
        ok=302,
        refused_as=HIDDEN_REDIRECT,
    ),
    Row(
        "change a story in review",
        "POST",
        article_url("change", "in_review"),
        EDITORS,
        lambda w: form_data(w["in_review"], headline="Rewritten in review"),
        ok=302,
        refused_as=HIDDEN_REDIRECT,
    ),
    Row("delete form", "GET", article_url("delete"), EDITORS),
    Row(
        "delete",
        "POST",
        article_url("delete"),
        EDITORS,
        lambda w: {"post": "yes"},
        ok=302,
    ),
    Row("history", "GET", article_url("history"), DESK, refused_as=HIDDEN_REDIRECT),
    Row("revision view and compare", "GET", article_url("revision", "draft", "version"), DESK, refused_as=HIDDEN),
    Row(
        "restore a revision",
        "POST",
        article_url("restore", "draft", "version"),
        DESK,
        ok=302,
        refused_as=HIDDEN,
    ),
    Row("restore, the question first", "GET", article_url("restore", "draft", "version"), DESK, refused_as=HIDDEN),
    Row(
        "compare two versions",
        "GET",
        lambda w: (
            reverse("admin:articles_article_compare", args=[w["draft"].pk])
            + f"?older={w['version'].pk}&newer={w['version'].pk}"
        ),
        DESK,
        ok=302,
        refused_as=HIDDEN,
    ),
    Row("recover list", "GET", admin_url("articles_article_recoverlist"), EDITORS),
    Row("recover form", "GET", admin_url("articles_article_recover", "trash_version"), EDITORS),
    Row(
        "recover",
        "POST",
        admin_url("articles_article_recover", "trash_version"),
        EDITORS,
        lambda w: w["trash_data"],
        ok=302,
    ),
    Row("staff preview", "GET", lambda w: reverse("reader:staff_preview", args=[w["draft"].pk]), DESK, refused=404),
    Row(
        "create a preview link",
        "POST",
        article_url("preview_link"),
        EDITORS,
        ok=302,
        refused_as=HIDDEN,
    ),
    Row(
        "revoke a preview link",
        "POST",
        article_url("preview_link_revoke", "draft", "link"),
        EDITORS,
        ok=302,
        refused_as=HIDDEN,
    ),
    Row(
        "add a correction",
        "POST",
        article_url("correction", "published"),
        EDITORS,
        lambda w: {"kind": "correction", "text": "We misspelt the street."},
        ok=302,
        refused_as=HIDDEN,
    ),
    Row("submit", "POST", transition("draft", "submit"), DESK, ok=302, refused_as=HIDDEN),
    # The change form's workflow buttons post the whole form: saved, then the step, or nothing at all.
    Row(
        "save and publish from the form",
        "POST",
        article_url("change"),
        EDITORS,
        lambda w: form_data(w["draft"], headline="Published with its edit", _transition="publish"),
        ok=302,
        refused_as=HIDDEN_REDIRECT,
    ),
    Row(
        "save and submit from the form",
        "POST",
        article_url("change"),
        DESK,
        lambda w: form_data(w["draft"], headline="Submitted with its edit", _transition="submit"),
        ok=302,
        refused_as=HIDDEN_REDIRECT,
    ),
    Row(
        "autosave",
        "POST",
        article_url("autosave"),
        DESK,
        lambda w: {"loaded_version": 1, "store": "on", "headline": "Autosaved headline"},
        refused_as=HIDDEN,
    ),
    Row(
        "autosave a story in review",
        "POST",
        article_url("autosave", "in_review"),
        EDITORS,
        lambda w: {"loaded_version": 1, "store": "on", "headline": "Autosaved headline"},
        refused_as=HIDDEN,
    ),
    Row("discard an autosave", "POST", article_url("autosave_discard"), DESK, ok=302, refused_as=HIDDEN),
    Row("publish a draft", "POST", transition("draft", "publish"), EDITORS, ok=302, refused_as=HIDDEN),
    Row("publish from review", "POST", transition("in_review", "publish"), EDITORS, ok=302, refused_as=HIDDEN),
    Row(
        "request changes",
        "POST",
        transition("in_review", "request_changes"),
        EDITORS,
        lambda w: {"comment": "Needs a second source."},
        ok=302,
        refused_as=HIDDEN,
    ),
    Row("unpublish", "POST", transition("published", "unpublish"), EDITORS, ok=302, refused_as=HIDDEN),
    Row(
        "take down",
        "POST",
        transition("published", "take_down"),
        EDITORS,
        lambda w: {"comment": "A court order."},
        ok=302,
        refused_as=HIDDEN,
    ),
    # Only an admin brings a story that was taken down back.
    Row(
        "reinstate",
        "POST",
        transition("taken_down", "reinstate"),
        ADMIN,
        lambda w: {"comment": "The order was lifted."},
        ok=302,
        refused_as=HIDDEN,
    ),
    # A refused bulk action comes back to the list with a message and nothing done.
    Row(
        "bulk submit",
        "POST",
        admin_url("articles_article_changelist"),
        DESK,
        bulk("submit_selected", "draft"),
        ok=302,
        refused_as={"other_reporter": 302},
    ),
    Row(
        "bulk publish",
        "POST",
        admin_url("articles_article_changelist"),
        EDITORS,
        bulk("publish_selected", "in_review"),
        ok=302,
        refused_as={"owner": 302, "other_reporter": 302},
    ),
    Row(
        "bulk unpublish",
        "POST",
        admin_url("articles_article_changelist"),
        EDITORS,
        lambda w: {**bulk("unpublish_selected", "published")(w), "confirm": "yes"},
        ok=302,
        refused_as={"owner": 302, "other_reporter": 302},
    ),
    Row(
        "bulk unpublish, the question first",
        "POST",
        admin_url("articles_article_changelist"),
        EDITORS,
        bulk("unpublish_selected", "published"),
        writes=False,
        refused_as={"owner": 302, "other_reporter": 302},
    ),
    Row(
        "bulk delete",
        "POST",
        admin_url("articles_article_changelist"),
        EDITORS,
        lambda w: {"action": "delete_selected", "_selected_action": [w["draft"].pk], "index": 0, "post": "yes"},
        ok=302,
        refused_as={"owner": 302, "other_reporter": 302},
    ),
    Row("dashboard", "GET", lambda w: reverse("admin:index"), REPORTERS_AND_UP | {"plain_staff"}),
    Row("notifications", "GET", admin_url("articles_notification_changelist"), REPORTERS_AND_UP),
    Row(
        "mark a notification read",
        "POST",
        admin_url("articles_notification_read"),
        {"owner"},
        lambda w: {"id": w["owner_notification"].pk},
        ok=302,
        refused=404,
        refused_as={"plain_staff": 403},
    ),
    Row(
        "mark all notifications read",
        "POST",
        admin_url("articles_notification_read"),
        REPORTERS_AND_UP,
        ok=302,
        writes=False,
    ),
    Row(
        "suggest tags",
        "POST",
        admin_url("articles_article_suggest"),
        REPORTERS_AND_UP,
        lambda w: {"headline": "x"},
        writes=False,
    ),
    Row(
        "article autocomplete",
        "GET",
        lambda w: "/admin/autocomplete/?app_label=articles&model_name=promofooter&field_name=teaser_article&term=zq",
        REPORTERS_AND_UP,
    ),
]


COVERED_URL_NAMES = {
    "articles_article_changelist",
    "articles_article_add",
    "articles_article_change",
    "articles_article_delete",
    "articles_article_history",
    "articles_article_revision",
    "articles_article_recoverlist",
    "articles_article_recover",
    "articles_article_transition",
    "articles_article_correction",
    "articles_article_preview_link",
    "articles_article_preview_link_revoke",
    "articles_article_restore",
    "articles_article_compare",
    "articles_article_suggest",
    "articles_article_autosave",
    "articles_article_autosave_discard",
    "articles_article_calendar",
    "articles_article_move",
}
TRANSITION_ROWS = [("draft", "submit"), ("draft", "publish"), ("in_review", "publish")]
TRANSITION_ROWS += [("in_review", "request_changes"), ("published", "unpublish")]
TRANSITION_ROWS += [("published", "take_down"), ("taken_down", "reinstate")]
BULK_ACTIONS = {"submit_selected", "publish_selected", "unpublish_selected", "delete_selected"}


def vocabulary_rows(label, model, key, post_data, viewers, spare=None):
    """The admin pages of one model that only the Admin role may change; `spare` is an unused row to delete."""
    spare = spare or key
    return [
        Row(f"{label} list", "GET", admin_url(f"{model}_changelist"), viewers),
        Row(f"{label} add form", "GET", admin_url(f"{model}_add"), ADMIN),
        Row(f"{label} add", "POST", admin_url(f"{model}_add"), ADMIN, lambda w: post_data(w, new=True), ok=302),
        Row(f"{label} change form", "GET", admin_url(f"{model}_change", key), viewers),
        Row(f"{label} change", "POST", admin_url(f"{model}_change", key), ADMIN, post_data, ok=302),
        Row(f"{label} delete form", "GET", admin_url(f"{model}_delete", spare), ADMIN),
        Row(f"{label} delete", "POST", admin_url(f"{model}_delete", spare), ADMIN, lambda w: {"post": "yes"}, ok=302),
        Row(f"{label} history", "GET", admin_url(f"{model}_history", key), viewers),
    ]


def footer_data(w, new=False):
    return {"name": "New teaser" if new else "Renamed teaser", "tagline": "Local news, all day:", "teaser_text": "x"}


def author_data(w, new=False):
    if new:
        return {"name": "Brand New Writer", "slug": "brand-new-writer", "title": "", "bio": "", "user": ""}
    author = w["owner_author"]
    return {"name": "Amira Patel-Jones", "slug": author.slug, "title": "", "bio": "", "user": w["owner"].pk}


def tag_data(key):
    def data(w, new=False):
        return {"name": "Belgravia" if new else f"{w[key].name} renamed", "slug": "belgravia" if new else w[key].slug}

    return data


def user_data(w, new=False):
    if new:
        return {"username": "newhire", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42"}
    target = w["target_user"]
    return {
        "username": target.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [group.pk for group in target.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }


def group_data(w, new=False):
    return {"name": "Night desk" if new else "Interns renamed", "permissions": []}


READERS = {"owner", "other_reporter", "editor", "admin"}
WIRE_ROWS = [
    Row("wire list", "GET", admin_url("articles_wireitem_changelist"), EDITORS),
    Row("wire preview", "GET", admin_url("articles_wireitem_change", "wire"), EDITORS),
    Row("wire upload form", "GET", admin_url("articles_wireitem_upload"), EDITORS),
    Row(
        "wire upload",
        "POST",
        admin_url("articles_wireitem_upload"),
        EDITORS,
        lambda w: {"files": SimpleUploadedFile("new.txt", b"Fresh copy.\nMore.\n", "text/plain")},
        ok=302,
    ),
    Row("wire to a draft", "POST", admin_url("articles_wireitem_draft", "wire"), EDITORS, ok=302),
    Row("wire discarded", "POST", admin_url("articles_wireitem_discard", "wire"), EDITORS, ok=302),
]
ROWS = [
    *ARTICLE_ROWS,
    *WIRE_ROWS,
    *vocabulary_rows("footer", "articles_promofooter", "footer", footer_data, READERS),
    *vocabulary_rows("author", "articles_author", "owner_author", author_data, READERS, "spare_author"),
    *vocabulary_rows("region", "articles_regiontag", "region", tag_data("region"), READERS, "spare_region"),
    *vocabulary_rows("topic", "articles_topictag", "topic", tag_data("topic"), READERS, "spare_topic"),
    *vocabulary_rows("user", "auth_user", "target_user", user_data, ADMIN),
    *vocabulary_rows("group", "auth_group", "group", group_data, ADMIN),
]


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_permission_matrix(world, row, role):
    client = client_for(world, role)
    url = row.url(world)
    data = row.data(world) if row.data else {}
    before = database_state()
    response = client.post(url, data) if row.method == "POST" else client.get(url)
    after = database_state()
    body = response.content.decode(errors="replace")

    if role in row.allowed:
        assert response.status_code == row.ok, (response.status_code, body[:2000])
        if row.method == "POST" and row.writes:
            assert after != before, "an allowed request wrote nothing"
    elif role == "anonymous":
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")
        assert after == before
    else:
        assert response.status_code == row.refused_as.get(role, row.refused), body[:2000]
        assert after == before, "a refused request changed the database"
        if response.status_code == 302:
            # Sent back to a list or the index: never on to the object's page.
            assert urlsplit(response["Location"]).path in {
                reverse("admin:index"),
                reverse("admin:articles_article_changelist"),
                url,
            }
    if role not in DESK:
        assert SECRET not in body, f"{role} saw another reporter's draft"


def test_the_matrix_covers_every_notification_url():
    from django.contrib import admin

    names = {pattern.name for pattern in admin.site._registry[Notification].get_urls()}
    assert names == {"articles_notification_changelist", "articles_notification_read"}


def test_the_matrix_covers_every_article_admin_url_and_action():
    """A new admin URL, workflow step or bulk action must get a row (and a decision) here."""
    from django.contrib import admin

    from articles import workflow

    article_admin = admin.site._registry[Article]
    names = {pattern.name for pattern in article_admin.get_urls() if pattern.name}
    assert names - {"articles_article_autocomplete"} <= COVERED_URL_NAMES, names - COVERED_URL_NAMES
    assert set(workflow.TRANSITIONS) == {step for _article, step in TRANSITION_ROWS}
    assert {*article_admin.actions, "delete_selected"} == BULK_ACTIONS
