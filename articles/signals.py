"""`content_changed`: the newsroom announces every write to what readers may be shown.

Sent for every save, delete and many-to-many change of the models below, and
for bulk writes of articles (from `ArticleQuerySet`), with `using` set to the
database written. The domain does not know who listens: the reader's site
invalidates its page cache on it once the transaction commits.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

content_changed = Signal()


def announce(sender, *, using=None):
    content_changed.send(sender=sender, using=using)


def _model_changed(sender, using=None, **kwargs):
    announce(sender, using=using)


def connect():
    from .models import Article, Author, Byline, Correction, PromoFooter, RegionTag, TaggedRegion, TaggedTopic, TopicTag

    for model in (Article, Author, Byline, Correction, PromoFooter, RegionTag, TopicTag, TaggedRegion, TaggedTopic):
        post_save.connect(_model_changed, sender=model, dispatch_uid=f"content-changed-save-{model._meta.label}")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=f"content-changed-delete-{model._meta.label}")
    for sender in (Article.bylines.through, TaggedRegion, TaggedTopic):
        m2m_changed.connect(_model_changed, sender=sender, dispatch_uid=f"content-changed-m2m-{sender._meta.label}")
