"""The daily newsletter: double opt-in, the morning's digest through a real SMTP server, one-click unsubscribe,
personal data kept out of logs and backups, and a rate-limited sign-up."""

import json
import logging
import re
import subprocess
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from articles import backup_pg
from articles.backup import backup_site
from articles.models import Article, RegionTag, TopicTag
from newsletter import services
from newsletter.models import Delivery, DigestRun, Subscriber
from tests.helpers.factories import make_article
from tests.helpers.smtp import Inbox, free_port, smtp_server

pytestmark = pytest.mark.django_db

ADDRESS = "Reader.One@Example.org"
CONFIRM_LINK = re.compile(r"https?://\S+/newsletter/confirm/[^/\s]+/")


@pytest.fixture
def inbox(settings):
    settings.SITE_URL = "https://news.example"
    with smtp_server(settings) as inbox:
        yield inbox


@pytest.fixture
def stories():
    london = make_article(
        "Council backs the Pimlico library plan",
        regions=["London"],
        topics=["Politics"],
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=3),
    )
    culture = make_article(
        "A new gallery opens on the river",
        regions=["Paris"],
        topics=["Culture"],
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=2),
    )
    old = make_article(
        "Last week's story about the bridge",
        regions=["London"],
        topics=["Culture"],
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(days=3),
    )
    return london, culture, old


def sign_up(client, email=ADDRESS, **sections):
    data = {"email": email}
    data.update({name: [str(pk) for pk in pks] for name, pks in sections.items()})
    return client.post("/newsletter/", data, REMOTE_ADDR=sections.pop("ip", "203.0.113.9"))


def confirm_link(inbox, index=-1):
    return CONFIRM_LINK.search(inbox.body_of(index)).group(0).removeprefix("https://news.example")


def unsubscribe_path(inbox):
    return inbox.messages[-1]["message"]["List-Unsubscribe"].strip().strip("<>").removeprefix("https://news.example")


def subscribe_and_confirm(client, inbox, **sections):
    assert sign_up(client, **sections).status_code == 302
    link = confirm_link(inbox)
    assert client.post(link).status_code == 200
    return Subscriber.objects.get()


def test_sign_up_sends_a_confirmation_and_subscribes_nobody_until_it_is_followed(client, inbox, stories):
    london = RegionTag.objects.get(name="London")
    response = sign_up(client, regions=[london.pk])
    assert response.status_code == 302 and response["Location"] == "/newsletter/check-your-inbox/"
    assert client.get(response["Location"]).status_code == 200
    assert inbox.messages[0]["to"] == [ADDRESS]
    message = inbox.messages[0]["message"]
    assert message.get_body(preferencelist=("html",)) is not None
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING and not subscriber.regions.exists()

    link = confirm_link(inbox)
    page = client.get(link)
    assert page.status_code == 200 and b"Confirm my subscription" in page.content
    assert "no-cache" in page["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING, "following the link (a mail scanner) confirms nothing"

    assert client.post(link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert list(subscriber.regions.all()) == [london]


def test_a_second_sign_up_changes_sections_only_once_confirmed(client, inbox, stories):
    london = RegionTag.objects.get(name="London")
    culture = TopicTag.objects.get(name="Culture")
    subscriber = subscribe_and_confirm(client, inbox, regions=[london.pk])
    assert sign_up(client, email=ADDRESS.lower(), topics=[culture.pk]).status_code == 302
    assert Subscriber.objects.count() == 1
    assert list(subscriber.regions.all()) == [london] and not subscriber.topics.exists()
    client.post(confirm_link(inbox))
    assert not subscriber.regions.exists() and list(subscriber.topics.all()) == [culture]


def test_a_confirmation_link_expires_and_a_forged_one_is_refused(client, inbox, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    sign_up(client)
    link = confirm_link(inbox)
    time_machine.shift(timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS, seconds=1))
    expired = client.post(link)
    assert expired.status_code == 400 and b"has expired" in expired.content
    forged = client.post(link.replace("/confirm/", "/confirm/x"))
    assert forged.status_code == 400 and b"not valid" in forged.content
    for junk in ("%00", "a" * 5000, "%C3%28"):
        assert client.post(f"/newsletter/confirm/{junk}/").status_code == 400
        assert client.get(f"/newsletter/unsubscribe/{junk}/").status_code == 404
    assert client.post("/newsletter/unsubscribe/%00/").status_code == 404
    assert client.post(f"/newsletter/unsubscribe/{'a' * 5000}/").status_code == 200
    assert client.post("/newsletter/confirm/..%2F..%2Fetc/").status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"email": ""}, b"Please enter your email address."),
        ({"email": "not-an-address"}, b"Please enter a valid email address"),
        ({"email": "a@example.org", "regions": ["999999"]}, b"Please choose regions from the list."),
        ({"email": "a@example.org", "topics": ["x"]}, b"Please choose topics from the list."),
    ],
)
def test_bad_sign_ups_get_a_clear_message_and_keep_what_was_typed(client, inbox, data, problem):
    response = client.post("/newsletter/", data)
    assert response.status_code == 400 and problem in response.content
    if data["email"]:
        assert data["email"].encode() in response.content
    assert not Subscriber.objects.exists() and not inbox.messages


def test_sign_up_is_rate_limited_per_client_and_per_mailbox(client, inbox, settings):
    settings.NEWSLETTER_SIGNUP_RATE = "3/h"
    settings.NEWSLETTER_MAILBOX_RATE = "2/h"
    assert [sign_up(client, email="same@example.org").status_code for _ in range(3)] == [302, 302, 429]
    for number in range(2):
        assert (
            client.post("/newsletter/", {"email": f"other{number}@example.org"}, REMOTE_ADDR="198.51.100.1").status_code
            == 302
        )
    refused = sign_up(client, email="late@example.org")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600" and b"Too many sign-ups" in refused.content
    assert len(inbox.messages) == 4


def test_the_digest_sends_each_subscriber_yesterdays_stories_in_their_sections(client, inbox, stories):
    london_story, culture_story, old_story = stories
    hidden = make_article(
        "A scheduled story nobody may see yet",
        regions=["London"],
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    subscribe_and_confirm(client, inbox, regions=[RegionTag.objects.get(name="London").pk])
    everything = services.subscribe(email="all@example.org")
    services.confirm(token=confirm_link(inbox).split("/")[-2])
    inbox.messages.clear()

    out = StringIO()
    call_command("send_digest", stdout=out)
    assert "2 sent" in out.getvalue()
    by_address = {item["to"][0]: item["message"] for item in inbox.messages}
    london_only, every_story = by_address[ADDRESS], by_address[everything.email]
    for message in (london_only, every_story):
        plain = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert london_story.headline in plain and london_story.headline in html
        assert old_story.headline not in plain and hidden.headline not in plain and hidden.headline not in html
        unsubscribe = message["List-Unsubscribe"].strip()  # a long header may be folded
        assert re.fullmatch(r"<https://news\.example/newsletter/unsubscribe/[\w-]+/>", unsubscribe)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in plain and unsubscribe.strip("<>") in html
    assert culture_story.headline not in london_only.get_body(preferencelist=("plain",)).get_content()
    assert culture_story.headline in every_story.get_body(preferencelist=("plain",)).get_content()

    again = StringIO()
    call_command("send_digest", stdout=again)
    assert "sent already" in again.getvalue()
    assert len(inbox.messages) == 2


def test_a_subscriber_who_is_only_pending_gets_nothing(inbox, stories):
    services.subscribe(email="pending@example.org")
    inbox.messages.clear()
    assert services.send_digest()["sent"] == 0
    assert inbox.messages == []


def test_each_digest_starts_where_the_last_ended(client, inbox, stories, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscribe_and_confirm(client, inbox)
    inbox.messages.clear()
    services.send_digest()
    first = DigestRun.objects.get()
    time_machine.shift(timedelta(hours=20))
    make_article(
        "An evening story between two digests",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
    )
    time_machine.shift(timedelta(hours=6))
    services.send_digest()
    second = DigestRun.objects.exclude(pk=first.pk).get()
    assert second.window_start == first.window_end
    body = inbox.body_of(-1)
    assert "An evening story between two digests" in body and "Council backs" not in body


class RefusesSecondRecipient(Inbox):
    """A mail server that goes down after accepting one message."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.messages:
            return "421 Service not available, closing transmission channel"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_run_interrupted_by_the_mail_server_resumes_without_sending_anyone_twice(client, inbox, stories, settings):
    for number in range(3):
        services.subscribe(email=f"reader{number}@example.org")
        services.confirm(token=confirm_link(inbox).split("/")[-2])
    failing = RefusesSecondRecipient()
    controller = Controller(failing, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_PORT = controller.port
    try:
        with pytest.raises(CommandError, match="run the command again"):
            call_command("send_digest", stdout=StringIO())
    finally:
        controller.stop()
    assert len(failing.messages) == 1
    run = DigestRun.objects.get()
    assert run.finished_at is None and list(run.deliveries.values_list("status", flat=True)) == ["sent"]

    with smtp_server(settings) as healthy:
        call_command("send_digest", stdout=StringIO())
        call_command("send_digest", stdout=StringIO())
    delivered = [item["to"][0] for item in failing.messages + healthy.messages]
    assert sorted(delivered) == [f"reader{number}@example.org" for number in range(3)]
    assert DigestRun.objects.get().finished_at is not None


def test_a_delivery_a_crash_left_unconfirmed_is_not_sent_again(client, inbox, stories):
    subscriber = subscribe_and_confirm(client, inbox)
    run, _created = services.start_run(edition=services.edition_for(timezone.now()), now=timezone.now())
    Delivery.objects.create(run=run, subscriber=subscriber)  # written, then the process died mid-send
    inbox.messages.clear()
    summary = services.send_digest()
    assert summary["uncertain"] == 1 and summary["sent"] == 0 and inbox.messages == []


def test_one_click_unsubscribe_without_signing_in(client, inbox, stories):
    subscribe_and_confirm(client, inbox)
    services.send_digest()
    link = unsubscribe_path(inbox)
    shown = client.get(link)
    assert shown.status_code == 200 and Subscriber.objects.exists(), "a link scanner's GET unsubscribes nobody"
    response = client.post(link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 200


def test_export_and_erase_commands(client, inbox, stories):
    subscribe_and_confirm(client, inbox, regions=[RegionTag.objects.get(name="London").pk])
    services.send_digest()
    out = StringIO()
    call_command("newsletter_export", ADDRESS.upper(), stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["email"] == ADDRESS and exported["regions"] == ["London"]
    assert [digest["status"] for digest in exported["digests"]] == ["sent"]

    call_command("newsletter_erase", ADDRESS, stdout=StringIO())
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()
    with pytest.raises(CommandError, match="No subscriber"):
        call_command("newsletter_erase", ADDRESS, stdout=StringIO())
    with pytest.raises(CommandError, match="No subscriber"):
        call_command("newsletter_export", ADDRESS, stdout=StringIO())


def test_unconfirmed_addresses_are_forgotten(inbox, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    services.subscribe(email="never@example.org")
    time_machine.shift(timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS + 25))
    assert services.send_digest()["purged"] == 1
    assert not Subscriber.objects.exists()


def test_addresses_never_reach_the_logs(client, inbox, stories, caplog):
    caplog.set_level(logging.DEBUG)
    subscribe_and_confirm(client, inbox)
    services.send_digest()
    client.post(unsubscribe_path(inbox))
    # Everything the site logs; "mail.log" is the test's own SMTP server, standing for the outside world.
    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")]
    assert any("subscriber" in line for line in ours), "the newsletter logs its steps"
    assert not [line for line in ours if ADDRESS.lower() in line.lower()]


def archive_text(path):
    """Everything a site backup holds, as its reader sees it (on PostgreSQL, the dump's rows through pg_restore)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    dump = b"".join(content for name, content in sorted(members.items()) if name.startswith("database/"))
    text = b"".join(content for name, content in members.items() if not name.startswith("database/"))
    if dump:
        command = [backup_pg.tool("pg_restore", connection), "--data-only", "--file=-"]
        text += subprocess.run(command, input=dump, capture_output=True, check=True).stdout
    return text


@pytest.mark.django_db(transaction=True)  # the backup sets its own isolation level on PostgreSQL
def test_site_backups_leave_subscribers_out(client, inbox, stories, tmp_path):
    subscribe_and_confirm(client, inbox)
    services.send_digest()
    backup_site(path=tmp_path / "site.zip")
    everything = archive_text(tmp_path / "site.zip")
    assert b"Council backs the Pimlico library plan" in everything
    assert ADDRESS.lower().encode() not in everything.lower() and b"newsletter." not in everything


def test_the_digest_never_carries_a_story_readers_cannot_see(client, inbox, stories):
    now = timezone.now()
    hidden = {
        "draft": make_article("Hidden draft story zq1"),
        "in review": make_article("Hidden review story zq2", status=Article.Status.IN_REVIEW),
        "scheduled": make_article(
            "Hidden scheduled story zq3", status=Article.Status.PUBLISHED, publish_at=now + timedelta(hours=2)
        ),
        "embargoed": make_article(
            "Hidden embargoed story zq4", status=Article.Status.PUBLISHED, publish_at=now - timedelta(hours=1)
        ),
        "unpublished": make_article(
            "Hidden unpublished story zq5", status=Article.Status.UNPUBLISHED, publish_at=now - timedelta(hours=1)
        ),
    }
    Article.objects.filter(pk=hidden["embargoed"].pk).update(embargo_ends_at=now + timedelta(hours=3))
    subscribe_and_confirm(client, inbox)
    services.send_digest()
    message = inbox.messages[-1]["message"]
    text = (
        message.get_body(preferencelist=("plain",)).get_content()
        + message.get_body(preferencelist=("html",)).get_content()
    )
    assert "Council backs the Pimlico library plan" in text
    assert [state for state, story in hidden.items() if story.headline in text or story.slug in text] == []


def test_two_runs_at_once_never_both_claim_a_subscriber(client, inbox, stories):
    subscriber = subscribe_and_confirm(client, inbox)
    run, _created = services.start_run(edition=services.edition_for(timezone.now()), now=timezone.now())
    assert services._claim(run, subscriber, Delivery.Status.SENDING, 1) is not None
    assert services._claim(run, subscriber, Delivery.Status.SENDING, 1) is None
    assert Delivery.objects.count() == 1
