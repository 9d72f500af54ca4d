"""Tag names unique by a case-folded key on every database, and tag slugs ASCII only.

Existing rows: each tag gets its key; a tag whose slug has non-ASCII letters (typed in the admin before
this change, e.g. "zürich-nord") gets the ASCII slug its address needs, and the story cards that link to it
(`listing_labels`) are given the new slug. Two tags whose names differ only by case in a non-ASCII alphabet
(possible on SQLite until now) both keep working: the second one's key carries its id, and an admin can merge them.
"""

from django.db import migrations, models
from django.utils.text import slugify

from articles.text import ascii_slug, name_key

VOCABULARIES = (("RegionTag", "TaggedRegion", "regions"), ("TopicTag", "TaggedTopic", "topics"))


def _free(slug, taken):
    candidate, suffix = slug, 2
    while candidate in taken:
        candidate = f"{slug[:90]}-{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate


def keys_and_ascii_slugs(apps, schema_editor):
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    for model_name, through_name, label in VOCABULARIES:
        Tag = apps.get_model("articles", model_name)
        Through = apps.get_model("articles", through_name)
        tags = list(Tag.objects.using(alias).order_by("pk"))
        seen_keys, taken_slugs = set(), {tag.slug for tag in tags}
        for tag in tags:
            key = name_key(tag.name)
            tag.name_key = key if key not in seen_keys else f"{key}#{tag.pk}"
            seen_keys.add(tag.name_key)
            old_slug = tag.slug
            if old_slug.isascii() and slugify(old_slug) == old_slug and old_slug:
                tag.save(update_fields=["name_key"])
                continue
            taken_slugs.discard(old_slug)
            tag.slug = _free(ascii_slug(old_slug or tag.name, max_length=90, fallback_prefix="tag"), taken_slugs)
            tag.save(update_fields=["name_key", "slug"])
            article_ids = Through.objects.using(alias).filter(tag_id=tag.pk).values_list("content_object_id", flat=True)
            for article in Article.objects.using(alias).filter(pk__in=list(article_ids)).only("listing_labels"):
                labels = article.listing_labels or {}
                entries = labels.get(label) or []
                labels[label] = [[name, tag.slug if slug == old_slug else slug] for name, slug in entries]
                Article.objects.using(alias).filter(pk=article.pk).update(listing_labels=labels)


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_reader_summaries")]

    operations = [
        migrations.AddField(
            model_name="regiontag",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="topictag",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(keys_and_ascii_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="regiontag",
            name="name_key",
            field=models.CharField(editable=False, max_length=300, unique=True),
        ),
        migrations.AlterField(
            model_name="topictag",
            name="name_key",
            field=models.CharField(editable=False, max_length=300, unique=True),
        ),
        migrations.AlterField(
            model_name="regiontag",
            name="slug",
            field=models.SlugField(
                help_text="The section's address: ASCII letters, digits and dashes (accents are dropped: “zurich-nord”).",
                max_length=100,
                unique=True,
                verbose_name="slug",
            ),
        ),
        migrations.AlterField(
            model_name="topictag",
            name="slug",
            field=models.SlugField(
                help_text="The section's address: ASCII letters, digits and dashes (accents are dropped: “zurich-nord”).",
                max_length=100,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
