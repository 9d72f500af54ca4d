"""`content_changed`: the newsroom announces every write to what readers may be shown.

Sent for every save, delete and many-to-many change of the models readers see
(connected in `articles.apps`), and for bulk writes of articles (from
`ArticleQuerySet`), with `using` set to the database written. The domain does not know who listens: the reader's site
invalidates its page cache on it once the transaction commits.
"""

from django.dispatch import Signal

content_changed = Signal()


def announce(sender, *, using=None):
    content_changed.send(sender=sender, using=using)
