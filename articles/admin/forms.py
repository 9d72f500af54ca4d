"""The desk's forms: the article change form, and the small forms behind the workflow buttons."""

from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .. import diffs, image_library, images, services, slugs, validators
from ..exceptions import EditConflictError
from ..images import ACCEPT_ATTRIBUTE
from ..models import Article, Correction, RegionTag, TopicTag
from .library import hero_chooser

NO_CORRECTION = "none"
CORRECTION_CHOICES = [("", "— choose —"), (NO_CORRECTION, "No note: a typo or style fix"), *Correction.Kind.choices]

# A hero image chosen in a form that came back with errors is kept here, and offered again, for a day.
HERO_STASH_SALT = "articles.hero-stash"
HERO_STASH_DIR = "stash"
HERO_STASH_SECONDS = 24 * 60 * 60


def stash_upload(upload):
    """Keep an uploaded file until the form is sent again; returns the signed token that finds it."""
    name = PurePosixPath(upload.name).name or "image"
    upload.seek(0)
    # The raw upload (metadata and all) waits in media storage: its folder is 128 random bits, so it cannot be guessed.
    path = default_storage.save(f"{HERO_STASH_DIR}/{images.name_token()}/{name}", upload)
    return signing.dumps(path, salt=HERO_STASH_SALT)


def stashed_file(token):
    """The file a stash token stands for, or None when the token is altered, too old or its file gone."""
    try:
        path = signing.loads(token, salt=HERO_STASH_SALT, max_age=HERO_STASH_SECONDS)
    except signing.BadSignature:
        return None
    if not (isinstance(path, str) and path.startswith(f"{HERO_STASH_DIR}/") and default_storage.exists(path)):
        return None
    with default_storage.open(path) as stashed:
        return ContentFile(stashed.read(), name=PurePosixPath(path).name)


def vocabulary_field(model, field_name, label):
    return forms.ModelMultipleChoiceField(
        queryset=model.objects.all(),
        required=False,
        label=label,
        widget=AutocompleteSelectMultiple(Article._meta.get_field(field_name), admin.site),
        help_text="Type to search the vocabulary. New names are added by an Admin under Regions or Topics.",
    )


class ArticleAdminForm(forms.ModelForm):
    """The change form: content only. State and publish times change through the workflow buttons."""

    regions = vocabulary_field(RegionTag, "regions", "Regions")
    topics = vocabulary_field(TopicTag, "topics", "Topics")
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    hero_stash = forms.CharField(widget=forms.HiddenInput, required=False)
    correction_kind = forms.ChoiceField(
        label="Log a correction?",
        required=False,
        choices=CORRECTION_CHOICES,
        help_text="This story is live. If you changed its headline or body, say whether readers get a note.",
    )
    correction_text = forms.CharField(
        label="Note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown at the foot of the article with today's date.",
        validators=[validators.refuse_control_characters],
    )

    class Meta:
        model = Article
        fields = [*services.CONTENT_FIELDS, "regions", "topics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("loaded_version", self.instance.version)
        if "slug" in self.fields:
            # Left empty, the model makes the slug from the headline.
            self.fields["slug"].required = False
        if "hero" in self.fields:
            self.fields["hero"].widget = hero_chooser(admin.site)
        if "hero_image" in self.fields:
            # A new upload joins the library and becomes the hero; removing the hero is done in the chooser above.
            self.fields["hero_image"].widget = forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
            self.fields["hero_image"].label = "or upload a new hero image"

    def clean_regions(self):
        return self._capped("regions", "regions")

    def clean_topics(self):
        return self._capped("topics", "topics")

    def _capped(self, name, what):
        chosen = self.cleaned_data.get(name)
        if chosen is not None and (problem := validators.tag_count_problem(len(chosen), what=what)):
            raise forms.ValidationError(problem, code="too_many_tags")
        return chosen

    def has_changed_body(self):
        """Whether the body really changed: the editor re-serialises paragraph breaks of text it never touched."""
        return "body" in self.changed_data and not diffs.same_html(
            self.get_initial_for_field(self.fields["body"], "body"), self.cleaned_data.get("body", "")
        )

    def clean_slug(self):
        """A slug another story already uses gets a numeric suffix (that story is never named or shown)."""
        slug = self.cleaned_data.get("slug", "")
        article = self.instance
        if not slug or (article.pk and article.address_is_fixed):
            return slug  # A published story's address is checked by the model: it cannot change.
        return slugs.free_slug(Article, slug, exclude_pk=article.pk)

    def clean_hero_image(self):
        """A file chosen before the form last came back with errors is used when no other file is chosen."""
        image = self.cleaned_data.get("hero_image")
        token = self.data.get(self.add_prefix("hero_stash")) if self.is_bound else None
        if isinstance(image, UploadedFile):
            image_library.check_hero_upload(image)
        if image is False or isinstance(image, UploadedFile) or not token:
            return image
        stashed = stashed_file(token)
        if stashed is None:
            return image
        self.stash_token = token
        return stashed

    def clean_hero(self):
        """A hero narrower than the smallest rendition would be blown up on every screen: refused."""
        hero = self.cleaned_data.get("hero")
        image_library.check_hero(hero)
        return hero

    def full_clean(self):
        self.stash_token = None
        super().full_clean()
        image = getattr(self, "cleaned_data", {}).get("hero_image")
        if not self.errors or not (isinstance(image, UploadedFile) or self.stash_token):
            return
        token = stash_upload(image) if isinstance(image, UploadedFile) else self.stash_token
        # Re-offer the chosen file: the hidden field carries its token, the help text says so.
        self.data = self.data.copy()
        self.data[self.add_prefix("hero_stash")] = token
        kept = f"Your chosen file “{PurePosixPath(image.name).name}” is kept: save again to use it, or choose another."
        self.fields["hero_image"].help_text = self["hero_image"].help_text = kept

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if not article.pk:
            return cleaned
        expected = cleaned.get("loaded_version")
        if expected is None:
            raise forms.ValidationError("This form is missing its version stamp; reload the page and edit again.")
        try:
            with transaction.atomic():
                # Keeps the row locked until the admin's transaction ends, so nobody saves in between.
                services.article_check_version(article=article, expected_version=expected)
        except EditConflictError as error:
            raise forms.ValidationError(str(error), code="conflict") from error
        if "correction_kind" in self.fields and article.is_live:
            text_changed = "headline" in self.changed_data or self.has_changed_body()
            kind = cleaned.get("correction_kind")
            if text_changed and not kind:
                self.add_error(
                    "correction_kind",
                    "You changed the headline or body of a live article: choose whether to log a correction.",
                )
            if kind and kind != NO_CORRECTION and not cleaned.get("correction_text", "").strip():
                self.add_error("correction_text", "Write the note readers will see.")
        return cleaned


DAY_MONTH_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y, %H:%M", "%d/%m/%Y")


def parse_local_datetime(value):
    """A naive or aware datetime from the picker's YYYY-MM-DDTHH:MM or a typed DD/MM/YYYY HH:MM, else ValueError."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for pattern in DAY_MONTH_FORMATS:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValueError(value)


class LocalDateTimeField(forms.Field):
    """A time in the newsroom's time zone (`TIME_ZONE`): DD/MM/YYYY HH:MM, or YYYY-MM-DDTHH:MM as a picker sends it."""

    def __init__(self, *, what="time", **kwargs):
        self.what = what
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = parse_local_datetime(value)
        except ValueError as error:
            raise forms.ValidationError(
                f"“{value}” is not a date and time; write it day first, DD/MM/YYYY HH:MM ({settings.TIME_ZONE} time)."
            ) from error
        # The window is checked before any time-zone arithmetic, which overflows at the calendar's edges.
        if problem := validators.datetime_problem(parsed, what=self.what):
            raise forms.ValidationError(problem, code="out_of_range")
        try:
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(f"“{value}” is out of range; check the year.") from error


BACKDATE, PUBLISH_NOW = "backdate", "now"
# A publish time this far behind the clock is "in the past": the time it takes to fill the form is not.
PAST_GRACE_SECONDS = 120


class TransitionForm(forms.Form):
    """What a workflow button posts: an optional comment, and for publishing, the times.

    A publish time in the past must say what is meant: backdate the story to it (it lands below newer
    stories and out of the news sitemap) or publish it now.
    """

    comment = forms.CharField(required=False, strip=False, validators=[validators.refuse_control_characters])
    publish_at = LocalDateTimeField(what="publish time")
    embargo_ends_at = LocalDateTimeField(what="embargo end")
    when_past = forms.ChoiceField(
        required=False, choices=[("", "—"), (BACKDATE, "Backdate to that time"), (PUBLISH_NOW, "Publish now instead")]
    )

    def clean(self):
        cleaned = super().clean()
        publish_at = cleaned.get("publish_at")
        if publish_at is None or publish_at >= timezone.now() - timedelta(seconds=PAST_GRACE_SECONDS):
            return cleaned
        choice = cleaned.get("when_past")
        if choice == PUBLISH_NOW:
            cleaned["publish_at"] = None
        elif choice != BACKDATE:
            when = timezone.localtime(publish_at).strftime("%d/%m/%Y %H:%M")
            raise forms.ValidationError(
                f"{when} is in the past: choose whether to backdate the story to that time "
                "(it goes below newer stories and out of the news sitemap) or to publish it now. Nothing changed.",
                code="past_time",
            )
        return cleaned


class CorrectionForm(forms.Form):
    """A public note added from the desk; the service checks the kind and the text."""

    kind = forms.CharField(required=False)
    text = forms.CharField(required=False, strip=False, validators=[validators.refuse_control_characters])


class SuggestForm(forms.Form):
    """The text being written, as the change form sends it for tag suggestions; ids that are not numbers are ignored."""

    headline = forms.CharField(required=False, strip=False)
    standfirst = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)

    def __init__(self, data):
        super().__init__(data)
        self.region_ids = [int(value) for value in data.getlist("regions") if value.isdigit()]
        self.topic_ids = [int(value) for value in data.getlist("topics") if value.isdigit()]


class RestoreForm(forms.Form):
    """Restoring a version: on a live story whose headline or body it changes, the same correction choice as an edit."""

    correction_kind = forms.ChoiceField(label="Log a correction?", required=False, choices=CORRECTION_CHOICES)
    correction_text = forms.CharField(
        label="Note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown at the foot of the story with today's date.",
        validators=[validators.refuse_control_characters],
    )

    def __init__(self, *args, needs_correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_correction = needs_correction
        if not needs_correction:
            del self.fields["correction_kind"], self.fields["correction_text"]

    def clean(self):
        cleaned = super().clean()
        if not self.needs_correction:
            return cleaned
        kind = cleaned.get("correction_kind")
        if not kind:
            self.add_error(
                "correction_kind",
                "This changes the headline or body of a live story: choose whether to log a correction.",
            )
        elif kind != NO_CORRECTION and not cleaned.get("correction_text", "").strip():
            self.add_error("correction_text", "Write the note readers will see.")
        return cleaned

    @property
    def correction(self):
        """(kind, text) for the restore service: an empty kind adds no note."""
        kind = self.cleaned_data.get("correction_kind", "")
        return ("", "") if kind in {"", NO_CORRECTION} else (kind, self.cleaned_data.get("correction_text", ""))


class CompareForm(forms.Form):
    """Two versions of one story to compare, from the history page."""

    older = forms.IntegerField(label="From", min_value=1)
    newer = forms.IntegerField(label="To", min_value=1)
