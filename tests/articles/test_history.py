"""A story's history: newest first, every row labelled, any two versions compared, restores asked first and
never moving a published story's address; and the change form's fixes around it (slugs, alt text, the chosen
image, times)."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles import services
from articles.admin.forms import TransitionForm
from articles.models import Article, Correction, RegionTag
from tests.helpers.factories import make_article, make_author, make_footer
from tests.helpers.images import image_bytes, upload
from tests.helpers.workflow_helpers import article_in, client_for, form_data, make_cast

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def restore_url(article, version):
    return reverse("admin:articles_article_restore", args=[article.pk, version.pk])


def versions_of(article):
    """Newest first."""
    return list(Version.objects.get_for_object(article).order_by("-revision__date_created", "-pk"))


def save(client, article, **changes):
    response = client.post(change_url(article), form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def cast():
    return make_cast()


# History and compare -------------------------------------------------------------------------------------------


def test_history_is_newest_first_to_the_second_and_every_row_is_labelled(cast):
    article = article_in("draft", cast, headline="Market hall reopens")
    editor = client_for(cast["editor"])
    save(editor, article)
    save(editor, article, headline="Market hall reopens on Friday")
    # A version written outside the admin carries no comment: the history still says what it did.
    services.article_restore_version(article=article, version=versions_of(article)[-1], user=cast["editor"])
    Revision.objects.filter(pk=versions_of(article)[0].revision_id).update(comment="")

    html = editor.get(history_url(article)).content.decode()
    stamps = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', html)
    assert len(stamps) == 3
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d (GMT|BST)", stamp) for stamp in stamps), stamps
    rows = versions_of(article)
    links = re.findall(r'<th scope="row"><a href="([^"]+)">', html)
    assert links == [reverse("admin:articles_article_revision", args=[article.pk, v.pk]) for v in rows]
    actions = re.findall(r'<td class="history-action">(.*?)</td>', html, re.S)
    assert len(actions) == 3 and all(action.strip() for action in actions)
    assert "Changed headline" in actions[0]  # the restore's row, its comment wiped, says what it changed


def test_any_two_versions_compare_including_caption_credit_alt_tags_bylines_and_footer(cast):
    article = article_in("draft", cast, headline="Pier lights", regions=["Pimlico"], topics=["Culture"])
    editor = client_for(cast["editor"])
    save(editor, article)
    save(editor, article, hero_caption="The pier at dusk")
    footer = make_footer(name="Winter teaser")
    RegionTag.objects.create(name="Chelsea")
    second = make_author("Second Writer")
    data = form_data(
        article,
        hero_credit="Photo: Desk",
        hero_alt="Lights along the pier",
        promo_footer=footer.pk,
        regions=[RegionTag.objects.get(name="Chelsea").pk],
        **{
            "byline_set-TOTAL_FORMS": 2,
            "byline_set-1-author": second.pk,
            "byline_set-1-position": 1,
            "byline_set-1-article": article.pk,
        },
    )
    assert editor.post(change_url(article), data).status_code == 302
    newest, middle, oldest = versions_of(article)

    url = reverse("admin:articles_article_compare", args=[article.pk])
    # Chosen either way round, the older is "from".
    html = editor.get(url, {"older": newest.pk, "newer": oldest.pk}).content.decode()
    for label in ["Hero caption", "Hero credit", "Hero alt text", "Bylines", "Regions", "Footer"]:
        assert f"<h3>{label}</h3>" in html, label
    assert "<ins>The pier at dusk</ins>" in html
    assert "<ins>, Second Writer</ins>" in html or "<ins>Second Writer</ins>" in html.replace(", ", "")
    assert "<del>Pimlico</del><ins>Chelsea</ins>" in html
    assert "<h3>Headline</h3>" not in html

    # The single-version page compares with the one before, and offers every other version to compare with.
    page = editor.get(reverse("admin:articles_article_revision", args=[article.pk, newest.pk])).content.decode()
    assert "<h3>Hero caption</h3>" not in page and "<h3>Hero credit</h3>" in page
    assert f'<option value="{oldest.pk}"' in page and f'<option value="{middle.pk}" selected' in page


def test_compare_refuses_versions_of_another_story_and_nonsense(cast):
    article = article_in("draft", cast)
    other = article_in("draft", cast, headline="Another story")
    editor = client_for(cast["editor"])
    save(editor, article)
    save(editor, other)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    for query in [
        {"older": versions_of(other)[0].pk, "newer": versions_of(article)[0].pk},
        {"older": "x", "newer": "1"},
        {},
    ]:
        response = editor.get(url, query)
        assert response.status_code == 302
        assert "Choose two saved versions" in [str(m) for m in get_messages(response.wsgi_request)][-1]


# Restore -----------------------------------------------------------------------------------------------------------


def test_restoring_asks_first_and_the_question_changes_nothing(cast):
    article = article_in("draft", cast, headline="Old headline")
    editor = client_for(cast["editor"])
    save(editor, article)
    save(editor, article, headline="New headline")
    oldest = versions_of(article)[-1]
    page = editor.get(restore_url(article, oldest))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Yes, restore this version" in html and "<del>New</del><ins>Old</ins>" in html
    assert "Log a correction?" not in html  # a draft: nobody reads it yet
    assert Article.objects.get(pk=article.pk).headline == "New headline"
    assert editor.post(restore_url(article, oldest)).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Old headline"


def test_restoring_a_live_story_takes_the_correction_choice_and_keeps_its_address(cast):
    article = article_in("draft", cast, headline="Bridge closes for repairs")
    editor = client_for(cast["editor"])
    save(editor, article)
    old = versions_of(article)[0]
    article = services.article_publish(article=article, user=cast["editor"])
    save(editor, article, headline="Bridge shuts", correction_kind="none")
    # An old version with another address, as the story could have had before it was first published.
    old_fields = Version.objects.filter(pk=old.pk)
    old_fields.update(serialized_data=old.serialized_data.replace("bridge-closes-for-repairs", "bridge-old-slug"))

    page = editor.get(restore_url(article, old)).content.decode()
    assert "This story is live" in page and "Log a correction?" in page
    assert "its address stays" in page
    response = editor.post(restore_url(article, old), {})
    assert response.status_code == 200
    assert "choose whether to log a correction" in response.content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Bridge shuts"
    response = editor.post(restore_url(article, old), {"correction_kind": "correction", "correction_text": ""})
    assert "Write the note readers will see." in response.content.decode()
    assert not Correction.objects.exists()

    response = editor.post(
        restore_url(article, old),
        {"correction_kind": "correction", "correction_text": "We restored the original headline."},
    )
    assert response.status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.headline == "Bridge closes for repairs"
    assert restored.slug == "bridge-closes-for-repairs"
    assert restored.is_live
    assert restored.corrections.get().text == "We restored the original headline."


def test_restoring_a_live_story_with_no_note(cast):
    article = article_in("published", cast, headline="Fete on Sunday")
    editor = client_for(cast["editor"])
    save(editor, article, headline="Fete on Sunday afternoon", correction_kind="none")
    first = versions_of(article)[0]
    save(editor, article, headline="Fete moved indoors", correction_kind="none")
    assert editor.post(restore_url(article, first), {"correction_kind": "none"}).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Fete on Sunday afternoon"
    assert not Correction.objects.exists()


def test_a_reporter_is_refused_the_restore_question_on_a_story_they_cannot_edit(cast):
    article = article_in("draft", cast)
    client_for(cast["editor"]).post(change_url(article), form_data(article, headline="Edited once"))
    version = versions_of(article)[0]
    services.article_submit(article=article, user=cast["owner"])
    assert client_for(cast["owner"]).get(restore_url(article, version)).status_code == 403
    assert client_for(cast["other_reporter"]).get(restore_url(article, version)).status_code == 404


# The change form ---------------------------------------------------------------------------------------------------


def test_a_reused_headline_gets_a_numbered_address_without_naming_the_other_story(cast):
    article_in("draft", cast, headline="Budget vote tonight")  # the owner's draft, hidden from the other reporter
    other = client_for(cast["other_reporter"])
    data = {
        **form_data(make_article("Scratch", user=cast["other_reporter"])),
        "headline": "Budget vote tonight",
        "slug": "budget-vote-tonight",
        "loaded_version": 1,
    }
    for key in [k for k in data if k.startswith("byline_set-0")]:
        del data[key]
    data.update({"byline_set-TOTAL_FORMS": 0, "byline_set-INITIAL_FORMS": 0})
    response = other.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mine = Article.objects.filter(created_by=cast["other_reporter"], headline="Budget vote tonight").get()
    assert mine.slug == "budget-vote-tonight-2"
    assert "already exists" not in response.content.decode()


def test_alt_text_is_needed_to_publish_not_to_save_a_draft(cast):
    article = article_in("draft", cast)
    owner = client_for(cast["owner"])
    data = form_data(article, hero_alt="", hero_credit="Photo: Desk")
    data["hero_image"] = upload("square.jpg", image_bytes("JPEG", size=(800, 500)))
    response = owner.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.hero_image and not article.hero_alt
    assert "alt text for the hero image" in article.missing_for_publication()


def test_a_chosen_image_survives_a_form_error_and_is_saved_next_time(cast, media_root):
    article = article_in("draft", cast)
    owner = client_for(cast["owner"])
    data = form_data(article, headline="   ")
    data["hero_image"] = upload("harbour.jpg", image_bytes("JPEG", size=(800, 500)))
    response = owner.post(change_url(article), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your chosen file “harbour.jpg” is kept" in html
    token = re.search(r'name="hero_stash" value="([^"]+)"', html).group(1)
    assert not Article.objects.get(pk=article.pk).hero_image

    # Sent again with the error fixed and no file chosen: the kept file is the one saved.
    response = owner.post(change_url(article), form_data(article, hero_stash=token, hero_alt="A harbour"))
    assert response.status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert saved.hero_image.name.endswith(".jpg") and saved.hero.original_name == "harbour.jpg"
    assert saved.hero_renditions

    # A forged token is ignored.
    other = article_in("draft", cast)
    response = owner.post(change_url(other), form_data(other, hero_stash=token + "x"))
    assert response.status_code == 302
    assert not Article.objects.get(pk=other.pk).hero_image


def test_saving_an_imported_live_story_untouched_asks_for_no_correction(cast):
    article = article_in("published", cast, body="<p>First paragraph.</p>\n<p>Second paragraph.</p>")
    assert "\n" in article.body
    editor = client_for(cast["editor"])
    # The rich-text editor sends the same text back without the line break between paragraphs.
    response = editor.post(
        change_url(article), form_data(article, body="<p>First paragraph.</p><p>Second paragraph.</p>")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # A real change still asks.
    response = editor.post(change_url(article), form_data(article, body="<p>First paragraph.</p><p>Changed.</p>"))
    assert response.status_code == 200
    assert "choose whether to log a correction" in response.content.decode()


# Time made explicit ------------------------------------------------------------------------------------------------


def test_a_publish_time_in_the_past_asks_whether_to_backdate_or_publish_now(cast):
    editor = client_for(cast["editor"])

    def url_for(article):
        return reverse("admin:articles_article_transition", args=[article.pk, "publish"])

    past = timezone.localtime() - timedelta(days=3)
    typed = past.strftime("%d/%m/%Y %H:%M")

    article = article_in("in_review", cast)
    response = editor.post(url_for(article), {"publish_at": typed})
    assert "is in the past: choose whether to backdate" in str(next(iter(get_messages(response.wsgi_request))))
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    editor.post(url_for(article), {"publish_at": typed, "when_past": "backdate"})
    backdated = Article.objects.get(pk=article.pk)
    assert backdated.status == Article.Status.PUBLISHED
    assert timezone.localtime(backdated.publish_at).strftime("%d/%m/%Y %H:%M") == typed

    other = article_in("in_review", cast)
    editor.post(url_for(other), {"publish_at": typed, "when_past": "now"})
    now_published = Article.objects.get(pk=other.pk)
    assert abs(now_published.publish_at - timezone.now()) < timedelta(minutes=1)


def test_times_are_typed_day_first_in_the_site_zone():
    form = TransitionForm({"publish_at": "03/04/2031 09:30"})
    assert form.is_valid(), form.errors
    when = timezone.localtime(form.cleaned_data["publish_at"])
    assert (when.day, when.month, when.hour, str(when.tzinfo)) == (3, 4, 9, "Europe/London")
    form = TransitionForm({"publish_at": "31/31/2031 09:30"})
    assert not form.is_valid()
    assert "day first" in form.errors["publish_at"][0] and "Europe/London" in form.errors["publish_at"][0]


def test_a_scheduled_story_shows_its_time_in_the_form_and_every_time_names_its_zone(cast):
    at = timezone.localtime() + timedelta(days=2)
    article = article_in("draft", cast)
    services.article_publish(article=article, user=cast["editor"], publish_at=at)
    html = client_for(cast["editor"]).get(change_url(article)).content.decode()
    assert f'value="{at.strftime("%d/%m/%Y %H:%M")}"' in html
    assert re.search(r"goes live \d{1,2} \w+ \d{4}, \d\d:\d\d (GMT|BST)", html)
    # The read-only publishing fields use the site's date-time format, day first with the zone.
    assert re.search(r'<div class="readonly">\d{1,2} \w{3} \d{4}, \d\d:\d\d (GMT|BST)</div>', html)
    assert "Europe/London time" in html


def test_an_embargoed_story_shows_readers_when_the_embargo_lifted(cast, client):
    now = timezone.now()
    article = article_in("draft", cast)
    services.article_publish(
        article=article,
        user=cast["editor"],
        publish_at=now - timedelta(hours=5),
        embargo_ends_at=now - timedelta(hours=1),
    )
    article = Article.objects.get(pk=article.pk)
    assert article.public_at == article.embargo_ends_at
    html = client.get(article.get_absolute_url()).content.decode()
    # `<time datetime>` is to the second, in the site's time zone.
    lifted = timezone.localtime(article.embargo_ends_at).replace(microsecond=0)
    assert f'datetime="{lifted.isoformat()}"' in html
    assert timezone.localtime(article.publish_at).replace(microsecond=0).isoformat() not in html
