"""Checks for hostile or absurd field values, each reported in plain words.

Models call these from `clean()`, so the admin forms show the message next to
the field. Silent normalisation (`text.normalize_name`) still runs on save for
writes that bypass forms; these checks tell an editor what was wrong instead
of quietly changing what they typed.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from taggit.forms import TagField

from . import text

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_BODY_CHARACTERS = 200_000
TAG_NAME_MAX_LENGTH = 100
# Regions per story, and topics per story: the section pages, feeds and related stories read every one of them.
MAX_TAGS_PER_ARTICLE = 20

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
    """Errors for every text field of instance that holds a NUL byte (PostgreSQL cannot store one) or another
    control character; the services refuse the same writes (`articles.services._save`)."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            errors[field.name] = "This text contains a null character (often left by copying from a PDF); remove it."
        elif problem := control_character_problem(value):
            errors[field.name] = problem
    return errors


# C0 and C1 control characters other than tab, line feed and carriage return: PostgreSQL refuses NUL outright,
# and none of them belongs in a comment, a correction or any other text a person writes.
CONTROL_CHARACTERS = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")


def control_character_problem(value, *, what="text"):
    """A plain-words problem when value holds NUL or another control character, else None (same on every database)."""
    if not isinstance(value, str) or not CONTROL_CHARACTERS.search(value):
        return None
    found = sorted(set(CONTROL_CHARACTERS.findall(value)), key=ord)
    labels = ", ".join(f"U+{ord(character):04X}" for character in found[:3])
    return (
        f"The {what} contains control characters ({labels}), often left by copying from a PDF or another program. "
        "Remove them (retype the text or paste it as plain text) and try again."
    )


def refuse_control_characters(value):
    """Form and model-field validator: the same refusal as the services give."""
    if problem := control_character_problem(value):
        raise ValidationError(problem, code="control_characters")


def datetime_problem(value, *, what):
    """A plain-words problem with an editorial date, or None when it is within EARLIEST_YEAR–LATEST_YEAR.

    Only the year is read: an aware time at the edge of the calendar (year 1 at +14:00, year 9999 at -14:00)
    cannot even be converted to UTC, so nothing here compares or converts it.
    """
    if value is None:
        return None
    if value.year < EARLIEST_YEAR:
        return f"The {what} is in the year {value.year}; check the year (nothing here is older than {EARLIEST_YEAR})."
    if value.year > LATEST_YEAR:
        return f"The {what} is in the year {value.year}, later than {LATEST_YEAR}; check the year."
    return None


def slug_problem(slug):
    if slug and not any(ch.isalnum() for ch in slug):
        return "An address needs at least one letter or digit, not only dashes or underscores."
    return None


def tag_count_problem(count, *, what):
    """Why an article cannot carry this many regions (or topics), or None: a story belongs to a few sections."""
    if count > MAX_TAGS_PER_ARTICLE:
        return (
            f"A story can have at most {MAX_TAGS_PER_ARTICLE} {what}; this one would have {count}. "
            f"Keep the {what} it is really about."
        )
    return None


def tag_name_problems(name, *, what="tag name"):
    """Plain-words problems with a region or topic name: the one check for the admin, the tag box and imports."""
    normalized = text.normalize_name(name)
    problems = []
    if len(normalized) > TAG_NAME_MAX_LENGTH:
        problems.append(f"“{normalized[:40]}…” is too long for a tag (at most {TAG_NAME_MAX_LENGTH} characters).")
    problems.extend(name_problems(name, what=what))
    if not problems and not any(character.isalnum() for character in normalized):
        problems.append(f"The {what} needs at least one letter or digit.")
    return problems


class VocabularyTagField(TagField):
    """The comma-separated tag box: each name is checked like a tag saved on its own."""

    def clean(self, value):
        names = super().clean(value)
        problems = []
        for name in names:
            problems.extend(tag_name_problems(name, what=f"tag “{text.normalize_name(name)}”"))
        if problems:
            raise ValidationError(problems)
        return names


def raise_if(errors):
    if errors:
        raise ValidationError(errors)
