"""Cursors for the item list: the public moment (microseconds since 1970, UTC) and id of the last item a page
showed, as `<microseconds>_<id>`. Every value of that form is a place in the list (an id that does not exist
simply starts the page at its moment)."""

import re
from datetime import UTC, datetime, timedelta

# Up to about the year 2286, and ids up to a trillion: always a datetime Python and the databases can hold.
PATTERN = re.compile(r"([0-9]{1,16})_([0-9]{1,12})")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode(moment, pk):
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{pk}"


def decode(token):
    """(moment, id) from a cursor matching PATTERN."""
    micros, pk = PATTERN.fullmatch(token).groups()
    return EPOCH + timedelta(microseconds=int(micros)), int(pk)
