"""What each saved version of a story held, read as text per field, for the history, compare and restore pages."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from . import diffs
from .models import Article, Author, Byline, PromoFooter, RegionTag, TaggedRegion, TaggedTopic, TopicTag


def _text(value):
    return "" if value is None else str(value)


def _status(value):
    return Article.Status(value).label if value in Article.Status.values else _text(value)


# What the history compares: (label, version field, how to read it). Bylines, regions, topics and the
# footer are read from the rows saved with the version (see `snapshots`).
COMPARED_FIELDS = (
    ("Headline", "headline", _text),
    ("Address (slug)", "slug", _text),
    ("Standfirst", "standfirst", _text),
    ("Body", "body", diffs.html_to_lines),
    ("Source", "source_attribution", _text),
    ("Hero image", "hero_image", _text),
    ("Hero caption", "hero_caption", _text),
    ("Hero credit", "hero_credit", _text),
    ("Hero alt text", "hero_alt", _text),
)
RELATED_LABELS = ("Bylines", "Regions", "Topics", "Footer")
STATUS_LABEL = "State"
LABELS = tuple(label for label, _name, _read in COMPARED_FIELDS) + RELATED_LABELS


def story_versions(article):
    """Every saved version of the story, newest first, with who saved it."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user", "content_type")
        .order_by("-revision__date_created", "-pk")
    )


def snapshots(versions):
    """{version pk: {label: text}} for versions of one story, in a fixed number of queries whatever their count."""
    versions = list(versions)
    rows = defaultdict(lambda: defaultdict(list))  # revision id -> model -> field dicts
    related = (
        Version.objects.filter(revision_id__in={version.revision_id for version in versions})
        .exclude(content_type=ContentType.objects.get_for_model(Article))
        .select_related("content_type")
    )
    for version in related:
        model = ContentType.objects.get_for_id(version.content_type_id).model_class()
        if model in (Byline, TaggedRegion, TaggedTopic):
            rows[version.revision_id][model].append(version.field_dict)
    ids = defaultdict(set)
    for by_model in rows.values():
        ids[Author] |= {fields["author_id"] for fields in by_model[Byline]}
        ids[RegionTag] |= {fields["tag_id"] for fields in by_model[TaggedRegion]}
        ids[TopicTag] |= {fields["tag_id"] for fields in by_model[TaggedTopic]}
    fields_of = {version.pk: version.field_dict for version in versions}
    ids[PromoFooter] = {fields.get("promo_footer_id") for fields in fields_of.values()} - {None}
    names = {model: model.objects.in_bulk(list(pks)) for model, pks in ids.items()}

    def name(model, pk):
        row = names[model].get(pk)
        return str(row) if row else f"(removed, #{pk})"

    result = {}
    for version in versions:
        fields, saved = fields_of[version.pk], rows[version.revision_id]
        snapshot = {label: read(fields.get(field)) for label, field, read in COMPARED_FIELDS}
        bylines = sorted(saved[Byline], key=lambda row: (row.get("position", 0), row.get("id", 0)))
        snapshot["Bylines"] = ", ".join(name(Author, row["author_id"]) for row in bylines)
        snapshot["Regions"] = ", ".join(sorted(name(RegionTag, row["tag_id"]) for row in saved[TaggedRegion]))
        snapshot["Topics"] = ", ".join(sorted(name(TopicTag, row["tag_id"]) for row in saved[TaggedTopic]))
        footer_id = fields.get("promo_footer_id")
        snapshot["Footer"] = name(PromoFooter, footer_id) if footer_id else "Site default"
        snapshot[STATUS_LABEL] = _status(fields.get("status"))
        result[version.pk] = snapshot
    return result


def changes(old, new):
    """The fields that differ between two snapshots, each with its diff as HTML."""
    old = old or {}
    return [
        {"label": label, "diff": diffs.diff_html(old.get(label, ""), new.get(label, ""))}
        for label in LABELS
        if diffs.has_changes(old.get(label, ""), new.get(label, ""))
    ]


def summary(old, new):
    """What a version changed, in a few words: "Created", "Changed headline, body and topics", "No changes"."""
    if old is None:
        return "Created"
    changed = [label.lower() for label in LABELS if diffs.has_changes(old.get(label, ""), new.get(label, ""))]
    if old.get(STATUS_LABEL) != new.get(STATUS_LABEL):
        changed.append(f"state to {new.get(STATUS_LABEL, '').lower()}")
    if not changed:
        return "Saved with no changes"
    listed = changed[0] if len(changed) == 1 else f"{', '.join(changed[:-1])} and {changed[-1]}"
    return f"Changed {listed}"
