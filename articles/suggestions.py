"""Regions and topics from the existing vocabularies that an article's text mentions."""

import re

from .models import RegionTag, TopicTag
from .text import html_to_text


def _mentioned(model, text, exclude_ids):
    found = []
    for tag in model.objects.exclude(pk__in=exclude_ids).only("pk", "name"):
        # Whole words only, case-insensitive: "Pimlico" in "Pimlico's" counts, "Syria" in "Syrians" does not.
        if re.search(rf"(?<!\w){re.escape(tag.name)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(tag)
    return found


def suggested_tags(*, headline="", standfirst="", body="", region_ids=(), topic_ids=()):
    """(regions, topics) named in the text and not chosen yet, from the vocabularies only."""
    text = " ".join([headline or "", standfirst or "", html_to_text(body)])
    return _mentioned(RegionTag, text, region_ids), _mentioned(TopicTag, text, topic_ids)
