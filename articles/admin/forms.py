"""The desk's forms: the article change form, and the small forms behind the workflow buttons."""

from datetime import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import transaction
from django.utils import timezone

from .. import services
from ..exceptions import EditConflictError
from ..models import Article, Correction, RegionTag, TopicTag

NO_CORRECTION = "none"


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
    correction_kind = forms.ChoiceField(
        label="Log a correction?",
        required=False,
        choices=[("", "— choose —"), (NO_CORRECTION, "No note: a typo or style fix"), *Correction.Kind.choices],
        help_text="This article is live. If you changed its headline or body, say whether readers get a note.",
    )
    correction_text = forms.CharField(
        label="Note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown at the foot of the article with today's date.",
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
            text_changed = {"headline", "body"} & set(self.changed_data)
            kind = cleaned.get("correction_kind")
            if text_changed and not kind:
                self.add_error(
                    "correction_kind",
                    "You changed the headline or body of a live article: choose whether to log a correction.",
                )
            if kind and kind != NO_CORRECTION and not cleaned.get("correction_text", "").strip():
                self.add_error("correction_text", "Write the note readers will see.")
        return cleaned


class LocalDateTimeField(forms.Field):
    """A time typed in the newsroom's time zone (YYYY-MM-DDTHH:MM, as the picker sends it); blank is None."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise forms.ValidationError(
                f"“{value}” is not a date and time; use the picker or YYYY-MM-DD HH:MM."
            ) from error
        try:
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(f"“{value}” is out of range; check the year.") from error


class TransitionForm(forms.Form):
    """What a workflow button posts: an optional comment, and for publishing, the times."""

    comment = forms.CharField(required=False, strip=False)
    publish_at = LocalDateTimeField()
    embargo_ends_at = LocalDateTimeField()


class CorrectionForm(forms.Form):
    """A public note added from the desk; the service checks the kind and the text."""

    kind = forms.CharField(required=False)
    text = forms.CharField(required=False, strip=False)


class SuggestForm(forms.Form):
    """The text being written, as the change form sends it for tag suggestions; ids that are not numbers are ignored."""

    headline = forms.CharField(required=False, strip=False)
    standfirst = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)

    def __init__(self, data):
        super().__init__(data)
        self.region_ids = [int(value) for value in data.getlist("regions") if value.isdigit()]
        self.topic_ids = [int(value) for value in data.getlist("topics") if value.isdigit()]
