"""Opaque cursors for the item list: the public moment and id of the last item a page showed."""

import base64
import binascii
from datetime import UTC, datetime


class BadCursor(ValueError):
    pass


def encode(moment, pk):
    raw = f"{int(moment.timestamp() * 1_000_000)}.{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token):
    """(moment, id) from a cursor; raises BadCursor for anything this API did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        micros, pk = (int(part) for part in raw.split("."))
        if micros < 0 or pk < 1:
            raise ValueError
        return datetime.fromtimestamp(micros / 1_000_000, tz=UTC), pk
    except (ValueError, TypeError, OverflowError, OSError, UnicodeDecodeError, binascii.Error):
        raise BadCursor("The cursor is not one this API gave out; start again without it.") from None
