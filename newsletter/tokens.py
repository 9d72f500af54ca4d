"""The signed, expiring link that confirms a subscription (double opt-in).

The link carries the subscriber and the sections they chose, signed with the
site's SECRET_KEY; nothing changes until it is followed, so nobody can subscribe
someone else, or change their sections, without access to their mailbox.
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletter.confirm"


def confirmation_token(subscriber, region_ids, topic_ids):
    payload = {"s": subscriber.pk, "k": subscriber.key, "r": sorted(region_ids), "t": sorted(topic_ids)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token):
    """The payload of a valid token; raises signing.SignatureExpired or signing.BadSignature."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_HOURS * 3600)
