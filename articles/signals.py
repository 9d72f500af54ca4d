"""Invalidate the page cache whenever something a reader page shows changes.

Every save, delete and many-to-many change of these models bumps the content
generation once the transaction commits (see `articles/cache.py`). Bulk
updates of articles bump it from `ArticleQuerySet` instead, as they send no
signal.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache as page_cache
from .models import Article, Author, Byline, Correction, PromoFooter, RegionTag, TaggedRegion, TaggedTopic, TopicTag

WATCHED_MODELS = [
    Article,
    Author,
    Byline,
    Correction,
    PromoFooter,
    RegionTag,
    TopicTag,
    TaggedRegion,
    TaggedTopic,
]
M2M_SENDERS = [Article.bylines.through, TaggedRegion, TaggedTopic]


def content_changed(sender, using=None, **kwargs):
    page_cache.content_changed(using=using)


def connect():
    for model in WATCHED_MODELS:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{model._meta.label}")
    for sender in M2M_SENDERS:
        m2m_changed.connect(content_changed, sender=sender, dispatch_uid=f"page-cache-m2m-{sender._meta.label}")
