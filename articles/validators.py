"""Checks for hostile or absurd field values, each reported in plain words.

Models call these from `clean()`, so the admin forms show the message next to
the field. Silent normalisation (`text.normalize_name`) still runs on save for
writes that bypass forms; these checks tell an editor what was wrong instead
of quietly changing what they typed.
"""

import unicodedata
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from taggit.forms import TagField

from . import text

EARLIEST_YEAR = 1900
LATEST_YEARS_AHEAD = 2
MAX_BODY_CHARACTERS = 200_000
TAG_NAME_MAX_LENGTH = 100

# Scripts whose letters are easily mistaken for Latin ones ("Lоndon" with a Cyrillic "о").
CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}
ORDINARY_WHITESPACE = {"\t", "\n", "\r"}


def _character_label(character):
    return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"


def _script(character):
    return unicodedata.name(character, "").split(" ")[0]


def name_problems(value, *, what):
    """Plain-words problems with a display name (tag, byline, title); an empty list when fine."""
    value = value or ""
    problems = []
    hidden = sorted(
        {ch for ch in value if text.INVISIBLE_CHARACTERS.match(ch) and ch not in ORDINARY_WHITESPACE}, key=ord
    )
    if hidden:
        labels = ", ".join(_character_label(ch) for ch in hidden)
        problems.append(
            f"The {what} contains invisible or text-direction characters ({labels}). "
            "Retype it without them, as it would otherwise look the same as a different name."
        )
    styled = sorted(
        {ch for ch in value if ch.isalpha() and not ch.isascii() and unicodedata.normalize("NFKC", ch).isascii()}
    )
    if styled:
        problems.append(
            f"The {what} uses styled or full-width letters ({''.join(styled)}). Type it with ordinary letters."
        )
    for word in text.WHITESPACE.split(unicodedata.normalize("NFC", value)):
        scripts = {_script(ch) for ch in word if ch.isalpha()} & CONFUSABLE_SCRIPTS
        if len(scripts) > 1:
            names = " and ".join(sorted(script.title() for script in scripts))
            problems.append(f"“{word}” mixes {names} letters that look alike. Retype the {what} in one alphabet.")
            break
    return problems


def nul_byte_errors(instance):
    """Errors for every text field of instance that holds a NUL byte (PostgreSQL cannot store one)."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = "This text contains a null character (often left by copying from a PDF); remove it."
    return errors


def datetime_problem(value, *, what):
    """A plain-words problem with an editorial date, or None when it is plausible."""
    if value is None:
        return None
    if value.year < EARLIEST_YEAR:
        return f"The {what} is in the year {value.year}; check the year (nothing here is older than {EARLIEST_YEAR})."
    latest = timezone.now() + timedelta(days=365 * LATEST_YEARS_AHEAD)
    if value > latest:
        return f"The {what} is in the year {value.year}, more than {LATEST_YEARS_AHEAD} years ahead; check the year."
    return None


def slug_problem(slug):
    if slug and not any(ch.isalnum() for ch in slug):
        return "An address needs at least one letter or digit, not only dashes or underscores."
    return None


class VocabularyTagField(TagField):
    """The comma-separated tag box: each name is checked like a tag saved on its own."""

    def clean(self, value):
        names = super().clean(value)
        problems = []
        for name in names:
            if len(text.normalize_name(name)) > TAG_NAME_MAX_LENGTH:
                problems.append(f"“{name[:40]}…” is too long for a tag (at most {TAG_NAME_MAX_LENGTH} characters).")
            problems.extend(name_problems(name, what=f"tag “{text.normalize_name(name)}”"))
        if problems:
            raise ValidationError(problems)
        return names


def raise_if(errors):
    if errors:
        raise ValidationError(errors)
