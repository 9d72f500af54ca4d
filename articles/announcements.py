"""Announce `content_changed` for every write to what readers may see, with what it was before and is after.

A draft or in-review save announces a change whose states readers never see,
so listeners can tell that nothing public changed; an article's regions,
topics and authors are read only when it is or was published.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import regions as region_tree
from .models import Article, Author, Byline, Correction, PromoFooter, RegionTag, TaggedRegion, TaggedTopic, TopicTag
from .signals import ArticleChange, ArticleState, announce

STATE_FIELDS = ("status", "publish_at", "embargo_ends_at")


def state_of(article):
    return ArticleState(*(getattr(article, name) for name in STATE_FIELDS))


def stored_state(pk):
    values = Article.objects.filter(pk=pk).values_list(*STATE_FIELDS).first()
    return ArticleState(*values) if values else None


def listed_under(pk):
    """(region ids, topic ids, author ids) of the article now."""
    return (
        frozenset(TaggedRegion.objects.filter(content_object_id=pk).values_list("tag_id", flat=True)),
        frozenset(TaggedTopic.objects.filter(content_object_id=pk).values_list("tag_id", flat=True)),
        frozenset(Byline.objects.filter(article_id=pk).values_list("author_id", flat=True)),
    )


def was_or_is_published(*states):
    return any(state is not None and state.status == Article.Status.PUBLISHED for state in states)


def announce_article(pk, before, after, *, using, region_ids=(), topic_ids=(), author_ids=(), read_listings=True):
    if read_listings and was_or_is_published(before, after):
        regions, topics, authors = listed_under(pk)
        region_ids, topic_ids, author_ids = (
            regions | set(region_ids),
            topics | set(topic_ids),
            authors | set(author_ids),
        )
    if was_or_is_published(before, after):
        # A story is listed under each of its regions and every region they lie in.
        region_ids = region_tree.ancestor_ids(region_ids, using=using)
    change = ArticleChange(pk, before, after, frozenset(region_ids), frozenset(topic_ids), frozenset(author_ids))
    announce(Article, using=using, articles=(change,))


def article_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._state_before_save = stored_state(instance.pk) if instance.pk else None


def article_saved(sender, instance, using=None, raw=False, **kwargs):
    if raw:
        # Loading a fixture or a backup: rows arrive in any order, and anything may change.
        announce(sender, using=using)
        return
    before = instance.__dict__.pop("_state_before_save", None)
    announce_article(instance.pk, before, state_of(instance), using=using)


def article_deleting(sender, instance, **kwargs):
    instance._listings_before_delete = listed_under(instance.pk)


def article_deleted(sender, instance, using=None, **kwargs):
    regions, topics, authors = instance.__dict__.pop("_listings_before_delete", (frozenset(),) * 3)
    announce_article(
        instance.pk,
        state_of(instance),
        None,
        using=using,
        region_ids=regions,
        topic_ids=topics,
        author_ids=authors,
        read_listings=False,
    )


def article_part_changed(article_id, *, using, **listings):
    """A byline, tag link or correction of the article changed: its page and lists, if readers could see it."""
    state = stored_state(article_id)
    if state is not None:
        announce_article(article_id, state, state, using=using, **listings)


def link_saved_or_deleted(sender, instance, using=None, raw=False, **kwargs):
    if raw:
        announce(sender, using=using)
    elif sender is Byline:
        article_part_changed(instance.article_id, using=using, author_ids={instance.author_id})
    elif sender is TaggedRegion:
        article_part_changed(instance.content_object_id, using=using, region_ids={instance.tag_id})
    elif sender is TaggedTopic:
        article_part_changed(instance.content_object_id, using=using, topic_ids={instance.tag_id})
    else:
        article_part_changed(instance.article_id, using=using)


def links_changed(sender, instance, action, pk_set=None, using=None, **kwargs):
    """Tags or bylines added, removed or cleared through the article's managers (taggit writes in bulk)."""
    if not isinstance(instance, Article):
        announce(sender, using=using)
        return
    ids_name = {TaggedRegion: "region_ids", TaggedTopic: "topic_ids"}.get(sender, "author_ids")
    if action == "pre_clear":
        instance._links_before_clear = listed_under(instance.pk)
    elif action in {"post_add", "post_remove", "post_clear"}:
        cleared = instance.__dict__.pop("_links_before_clear", None)
        ids = set(pk_set or ())
        if cleared is not None:
            ids |= {"region_ids": cleared[0], "topic_ids": cleared[1], "author_ids": cleared[2]}[ids_name]
        article_part_changed(instance.pk, using=using, **{ids_name: ids})


def shown_thing_changed(sender, instance, created=False, using=None, **kwargs):
    """An author, tag or footer: a new one shows nowhere yet (unless it is the default footer); else anything may."""
    if created and not getattr(instance, "is_default", False):
        return
    announce(sender, using=using)


def connect():
    pre_save.connect(article_saving, sender=Article, dispatch_uid="announce-article-saving")
    post_save.connect(article_saved, sender=Article, dispatch_uid="announce-article-saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="announce-article-deleting")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="announce-article-deleted")
    for model in (Byline, TaggedRegion, TaggedTopic, Correction):
        label = model._meta.label
        post_save.connect(link_saved_or_deleted, sender=model, dispatch_uid=f"announce-saved-{label}")
        post_delete.connect(link_saved_or_deleted, sender=model, dispatch_uid=f"announce-deleted-{label}")
    for model in (Author, RegionTag, TopicTag, PromoFooter):
        label = model._meta.label
        post_save.connect(shown_thing_changed, sender=model, dispatch_uid=f"announce-saved-{label}")
        post_delete.connect(shown_thing_changed, sender=model, dispatch_uid=f"announce-deleted-{label}")
    for through in (Article.bylines.through, TaggedRegion, TaggedTopic):
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"announce-links-{through._meta.label}")
