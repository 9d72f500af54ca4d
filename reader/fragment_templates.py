"""The Jinja2 environment of the reader's fragments (`reader/jinja2/`): the pieces a page repeats, such as story cards.

The same filters as the Django templates that show the same things, so a card reads the same wherever it is rendered.
"""

import functools

from django.template.defaultfilters import date
from django.utils.dates import MONTHS, MONTHS_3
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

    The few codes cards use are written here, a tenth of the cost of Django's formatter (a page of
    cards dates thirty stories); a format with any other code, or an escape, goes to the filter itself.
    """
    if not moment:
        return ""
    moment = localtime(moment)
    parts = _parts(format_string)
    if parts is None:
        return date(moment, format_string)
    months = _month_names(get_language())
    return "".join(FORMAT_CODES[part](moment, months) if is_code else part for is_code, part in parts)


# As django.utils.dateformat writes them; months is (abbreviations, names) in the active language.
FORMAT_CODES = {
    "j": lambda moment, months: str(moment.day),
    "d": lambda moment, months: f"{moment.day:02d}",
    "M": lambda moment, months: months[0][moment.month],
    "F": lambda moment, months: months[1][moment.month],
    "Y": lambda moment, months: str(moment.year),
    "H": lambda moment, months: f"{moment.hour:02d}",
    "i": lambda moment, months: f"{moment.minute:02d}",
}


@functools.lru_cache(maxsize=32)
def _parts(format_string):
    """[(is_code, character)] of a format made only of FORMAT_CODES and punctuation, else None."""
    if "\\" in format_string or any(char.isalpha() and char not in FORMAT_CODES for char in format_string):
        return None
    return tuple((char in FORMAT_CODES, char) for char in format_string)


@functools.lru_cache(maxsize=16)
def _month_names(language):
    # get_language() names the translation active now, which is the one these lazy names resolve in.
    return {n: str(MONTHS_3[n]).title() for n in MONTHS_3}, {n: str(MONTHS[n]) for n in MONTHS}


def environment(**options):
    env = Environment(**options)
    env.filters.update(machine_time=machine_time, date=local_date)
    return env
