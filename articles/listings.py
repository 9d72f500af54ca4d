"""Keeps what readers' lists read in step with the articles, in the transaction of the write that moves them.

Three derived things, so that a list page, its count or a card never scans the archive:

- `ListingEntry` rows: every write that can put a story on a list or take it off (its state or
  times, its regions, topics or bylines, its deletion) rewrites that story's rows with one DELETE
  and one INSERT … SELECT computed by the database from `LIVE`, whatever the number of lists;
- `ListingCount` rows: how many entries each list has, changed by what each rewrite changed (one
  upsert adding the differences, never a recount);
- `Article.listing_labels`: the names and slugs of its bylines, regions and topics, rewritten when
  those links change or an author or tag is renamed.

Rows loaded raw (a fixture, a restore) and rows inserted in bulk send no signals: their loader
calls `rebuild()` (labels travel with the article rows; `relabel()` rewrites them).
"""

from django.db import connections, router
from django.db.models import Count, F, IntegerField, Value
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import regions
from .models import (
    LIVE,
    Article,
    Author,
    Byline,
    ListingCount,
    ListingEntry,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)
from .signals import written_in_bulk

COLUMNS = ("kind", "key", "article_id", "public_at")
COUNT_COLUMNS = ("kind", "key", "entries")
# Lists whose count one upsert changes (three parameters each, well under any database's limit).
COUNT_BATCH = 300
# (label, link model, its article column, its owner, the order pages show them in)
LABELLED = (
    ("authors", Byline, "article_id", "author", ("position", "id")),
    ("regions", TaggedRegion, "content_object_id", "tag", ("tag__name",)),
    ("topics", TaggedTopic, "content_object_id", "tag", ("tag__name",)),
)
RELABEL_BATCH = 500


def _rows(article_filter):
    """A queryset of (kind, key, article id, public moment): the rows the matching articles should have."""

    def rows(queryset, kind, key, article, prefix):
        return (
            queryset.filter(
                LIVE.bound_q(prefix), **{f"{prefix}{name}": value for name, value in article_filter.items()}
            )
            .order_by()
            .annotate(
                entry_kind=Value(kind),
                entry_key=key,
                entry_article=F(article),
                entry_public_at=LIVE.moment_expression(prefix),
            )
            .values_list("entry_kind", "entry_key", "entry_article", "entry_public_at")
        )

    every = rows(Article.objects.all(), ListingEntry.Kind.ALL, Value(0, output_field=IntegerField()), "pk", "")
    return every.union(
        # A story is on the list of each of its regions and of every region they lie in (once each).
        rows(
            TaggedRegion.objects.all(),
            ListingEntry.Kind.REGION,
            F("tag__ancestry__ancestor_id"),
            "content_object_id",
            "content_object__",
        ).distinct(),
        rows(TaggedTopic.objects.all(), ListingEntry.Kind.TOPIC, F("tag_id"), "content_object_id", "content_object__"),
        rows(Byline.objects.all(), ListingEntry.Kind.AUTHOR, F("author_id"), "article_id", "article__"),
        all=True,
    )


def _insert(model, columns, rows, using):
    sql, params = rows.query.get_compiler(using).as_sql()
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def _counts(entries):
    """{(kind, key): how many of these entries are on that list}: a grouped read of the entries."""
    return {
        (kind, key): number
        for kind, key, number in entries.order_by().values_list("kind", "key").annotate(number=Count("*"))
    }


def _add_counts(before, after, using):
    """Add to each list's stored count what a rewrite changed (after − before), making rows for new lists.

    One upsert that increments, never a recount: two writers' changes to the same list add up whatever
    the order they commit in (each waits for the other's row lock, then adds to what it committed), and
    the rows are taken in one order, so two writers never deadlock.
    """
    changes = [
        (kind, key, after.get((kind, key), 0) - before.get((kind, key), 0))
        for kind, key in sorted(before.keys() | after.keys())
    ]
    changes = [change for change in changes if change[2]]
    connection = connections[using]
    name = connection.ops.quote_name
    table = name(ListingCount._meta.db_table)
    kind, key, entries = (name(column) for column in COUNT_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(changes), COUNT_BATCH):
            batch = changes[start : start + COUNT_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({kind}, {key}, {entries}) VALUES {', '.join(['(%s, %s, %s)'] * len(batch))} "
                f"ON CONFLICT ({kind}, {key}) DO UPDATE SET {entries} = {table}.{entries} + excluded.{entries}",
                [value for change in batch for value in change],
            )


def _forget(article_ids, using):
    """Remove these articles' entries and take them off their lists' counts."""
    entries = ListingEntry.objects.using(using).filter(article_id__in=article_ids)
    before = _counts(entries)
    if before:
        entries.delete()
        _add_counts(before, {}, using)


def refresh(article_ids, *, using=None):
    """Rewrite the listing entries of these articles from what is stored now."""
    article_ids = list(article_ids)
    if article_ids:
        refresh_matching({"pk__in": article_ids}, using=using)


def refresh_matching(article_filter, *, using=None):
    """Rewrite the listing entries of the articles matching article_filter (lookups on Article, e.g. a subquery)."""
    using = using or router.db_for_write(ListingEntry)
    entries = ListingEntry.objects.using(using).filter(
        article_id__in=Article._base_manager.using(using).filter(**article_filter).values("pk")
    )
    before = _counts(entries)
    entries.delete()
    _insert(ListingEntry, COLUMNS, _rows(article_filter).using(using), using)
    _add_counts(before, _counts(entries), using)


def rebuild(*, using=None):
    """Rewrite the stored region tree, every listing entry and every list's count (after a bulk load or a restore)."""
    using = using or router.db_for_write(ListingEntry)
    regions.rebuild(using=using)
    ListingEntry.objects.using(using).all().delete()
    _insert(ListingEntry, COLUMNS, _rows({}).using(using), using)
    ListingCount.objects.using(using).all().delete()
    counts = ListingEntry.objects.using(using).order_by().values_list("kind", "key").annotate(entries=Count("*"))
    _insert(ListingCount, COUNT_COLUMNS, counts, using)


def labels_of(article_ids, *, using=None):
    """{article id: listing labels} of these articles, from their links now."""
    labels = {pk: {name: [] for name, *_ in LABELLED} for pk in article_ids}
    for name, model, article_field, owner, ordering in LABELLED:
        rows = (
            model.objects.using(using)
            .filter(**{f"{article_field}__in": labels})
            .order_by(*ordering)
            .values_list(article_field, f"{owner}__name", f"{owner}__slug")
        )
        for pk, label, slug in rows:
            labels[pk][name].append([label, slug])
    return labels


def relabel(article_ids, *, using=None):
    """Rewrite these articles' `listing_labels` (a plain update: not an edit, so nothing is announced)."""
    article_ids = list(article_ids)
    using = using or router.db_for_write(Article)
    for start in range(0, len(article_ids), RELABEL_BATCH):
        batch = labels_of(article_ids[start : start + RELABEL_BATCH], using=using)
        rows = [Article(pk=pk, listing_labels=labels) for pk, labels in batch.items()]
        Article._base_manager.using(using).bulk_update(rows, ["listing_labels"])


def _links_changed(article_ids, using):
    refresh(article_ids, using=using)
    relabel(article_ids, using=using)


# --- receivers ---------------------------------------------------------------------------------------------


def article_saved(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    # A save that names its fields and leaves the live rule's alone (an edit of the text) moves nothing.
    if not raw and (update_fields is None or set(LIVE.fields) & set(update_fields)):
        refresh([instance.pk], using=using)


def articles_written_in_bulk(sender, article_ids, using=None, **kwargs):
    refresh(article_ids, using=using)


def article_deleting(sender, instance, using=None, **kwargs):
    # Before the cascade deletes its entries behind the counts' back.
    _forget([instance.pk], using)


def article_deleted(sender, instance, using=None, **kwargs):
    # Its links were deleted first, and each rewrote its rows while it still existed.
    _forget([instance.pk], using)


def link_saved_or_deleted(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        _links_changed([instance.article_id if sender is Byline else instance.content_object_id], using)


def links_changed(sender, instance, action, pk_set=None, using=None, **kwargs):
    """Tags or bylines added, removed or cleared in bulk, from the article's side or the tag's."""
    if isinstance(instance, Article):
        if action in {"post_add", "post_remove", "post_clear"}:
            _links_changed([instance.pk], using)
        return
    article_field = "article_id" if sender is Byline else "content_object_id"
    owner_field = "author" if sender is Byline else "tag"
    if action == "pre_clear":
        linked = sender.objects.using(using).filter(**{owner_field: instance})
        instance._articles_before_clear = list(linked.values_list(article_field, flat=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        _links_changed(instance.__dict__.pop("_articles_before_clear", None) or pk_set or (), using)


def label_saving(sender, instance, raw=False, using=None, **kwargs):
    if not raw and instance.pk:
        stored = sender.objects.using(using).filter(pk=instance.pk).values_list("name", "slug").first()
        instance._relabel = stored is not None and stored != (instance.name, instance.slug)


def label_saved(sender, instance, raw=False, using=None, **kwargs):
    """An author or tag renamed: every article showing it shows the new name."""
    if raw or not instance.__dict__.pop("_relabel", False):
        return
    model, article_field, owner = {
        Author: (Byline, "article_id", "author"),
        RegionTag: (TaggedRegion, "content_object_id", "tag"),
        TopicTag: (TaggedTopic, "content_object_id", "tag"),
    }[sender]
    linked = model.objects.using(using).filter(**{owner: instance}).values_list(article_field, flat=True)
    relabel(linked, using=using)


def region_saving(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        instance._moved = regions.check_move(instance, using=using)


def region_saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    """A region created or moved: its subtree's stored ancestry, then the lists of every story tagged in it."""
    if raw or not instance.__dict__.pop("_moved", False):
        return
    moved = regions.subtree_ids(instance.pk, using=using)
    regions.rewrite_ancestry(moved, using=using)
    if not created:
        tagged = TaggedRegion.objects.using(using).filter(tag_id__in=moved).values("content_object_id")
        refresh_matching({"pk__in": tagged}, using=using)


def connect():
    pre_save.connect(region_saving, sender=RegionTag, dispatch_uid="listings-region-saving")
    post_save.connect(region_saved, sender=RegionTag, dispatch_uid="listings-region-saved")
    post_save.connect(article_saved, sender=Article, dispatch_uid="listings-article-saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="listings-article-deleting")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="listings-article-deleted")
    written_in_bulk.connect(articles_written_in_bulk, sender=Article, dispatch_uid="listings-written-in-bulk")
    for model in (Byline, TaggedRegion, TaggedTopic):
        label = model._meta.label
        post_save.connect(link_saved_or_deleted, sender=model, dispatch_uid=f"listings-saved-{label}")
        post_delete.connect(link_saved_or_deleted, sender=model, dispatch_uid=f"listings-deleted-{label}")
    for through in (Article.bylines.through, TaggedRegion, TaggedTopic):
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"listings-links-{through._meta.label}")
    for model in (Author, RegionTag, TopicTag):
        label = model._meta.label
        pre_save.connect(label_saving, sender=model, dispatch_uid=f"listings-label-saving-{label}")
        post_save.connect(label_saved, sender=model, dispatch_uid=f"listings-label-saved-{label}")
