"""The Jinja2 environment of the reader's fragments (`reader/jinja2/`): the pieces a page repeats, such as story cards.

The same filters as the Django templates that show the same things, so a card reads the same wherever it is rendered.
"""

import functools
from datetime import datetime

from django.template.defaultfilters import date
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.timezone import localtime
from django.utils.translation import get_language
from jinja2 import Environment


def machine_time(moment):
    """A `<time datetime>` value: the moment in the site's time zone, to the second (validators refuse microseconds)."""
    if not moment:
        return ""
    return localtime(moment).replace(microsecond=0).isoformat()


def local_date(moment, format_string):
    """moment in the site's time zone, formatted as Django's `date` filter does (`"j M Y, H:i"`).

    The few codes cards and the masthead use are written here, a tenth of the cost of Django's formatter (a page of
    cards dates thirty stories); a format with any other code, or an escape, goes to the filter itself.
    """
    if not moment:
        return ""
    parts, named, timed = _parts(format_string)
    if not isinstance(moment, datetime):  # a day, with no time zone to read it in
        if parts is None or timed:
            return date(moment, format_string)
    else:
        moment = localtime(moment)
        if parts is None:
            return date(moment, format_string)
    names = _names(get_language()) if named else None
    return "".join(FORMAT_CODES[part](moment, names) if is_code else part for is_code, part in parts)


# As django.utils.dateformat writes them; names is (month abbreviations, month names, weekday names) in the
# active language.
FORMAT_CODES = {
    "l": lambda moment, names: names[2][moment.weekday()],
    "j": lambda moment, names: str(moment.day),
    "d": lambda moment, names: f"{moment.day:02d}",
    "m": lambda moment, names: f"{moment.month:02d}",
    "M": lambda moment, names: names[0][moment.month],
    "F": lambda moment, names: names[1][moment.month],
    "Y": lambda moment, names: str(moment.year),
    "H": lambda moment, names: f"{moment.hour:02d}",
    "i": lambda moment, names: f"{moment.minute:02d}",
}


# The codes that write a name, in the active language: a format without them never asks which language is active.
NAMED_CODES = frozenset("lMF")
# The codes that write a time of day, which a plain date does not have.
TIME_CODES = frozenset("Hi")


@functools.lru_cache(maxsize=32)
def _parts(format_string):
    """([(is_code, character)], whether any code writes a name, whether any writes a time) of a format made only of
    FORMAT_CODES and punctuation, else (None, False, False)."""
    if "\\" in format_string or any(char.isalpha() and char not in FORMAT_CODES for char in format_string):
        return None, False, False
    codes = set(format_string)
    return (
        tuple((char in FORMAT_CODES, char) for char in format_string),
        bool(NAMED_CODES & codes),
        bool(TIME_CODES & codes),
    )


@functools.lru_cache(maxsize=16)
def _names(language):
    # get_language() names the translation active now, which is the one these lazy names resolve in.
    months_3 = {n: str(MONTHS_3[n]).title() for n in MONTHS_3}
    return months_3, {n: str(MONTHS[n]) for n in MONTHS}, {n: str(WEEKDAYS[n]) for n in WEEKDAYS}


def environment(**options):
    env = Environment(**options)
    env.filters.update(machine_time=machine_time, date=local_date)
    return env
