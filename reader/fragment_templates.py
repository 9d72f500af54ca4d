"""The Jinja2 environment of the reader's fragments (`reader/jinja2/`): the pieces a page repeats, such as story cards.

The same filters as the Django templates that show the same things, so a card reads the same wherever it is rendered.
"""

from django.template.defaultfilters import date
from django.utils.timezone import localtime
from jinja2 import Environment


def machine_time(moment):
    """A `<time datetime>` value: the moment in the site's time zone, to the second (validators refuse microseconds)."""
    if not moment:
        return ""
    return localtime(moment).replace(microsecond=0).isoformat()


def local_date(moment, format_string):
    """moment in the site's time zone, formatted as Django's `date` filter does (`"j M Y, H:i"`)."""
    return date(localtime(moment), format_string) if moment else ""


def environment(**options):
    env = Environment(**options)
    env.filters.update(machine_time=machine_time, date=local_date)
    return env
