"""The mapping file: which WordPress category or tag becomes which region or topic, or nothing.

A CSV file of two columns, the term's slug on WordPress and where it goes:

    london-news,region:london
    pimlico,region:pimlico
    uncategorized,skip
    politics,topic:politics

Blank lines and lines starting with # are ignored; a first line `wordpress,target` is a header.
Terms not listed become topics of the same name.
"""

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .. import text
from ..exceptions import ArticleError

MAX_MAPPING_BYTES = 5 * 1024 * 1024
VOCABULARIES = ("region", "topic")


class MappingError(ArticleError):
    """The mapping file cannot be used; nothing was imported."""


@dataclass(frozen=True)
class Target:
    vocabulary: str  # "region" or "topic"; "" for skip
    slug: str = ""

    @property
    def is_skip(self):
        return not self.vocabulary


SKIP = Target("")


def term_key(slug):
    """WordPress term slugs are stored percent-encoded when they hold non-ASCII letters; compare them decoded."""
    return unquote(slug or "").strip().lower()


def read_mapping(path):
    """{term slug: Target} from the CSV file at path, or MappingError naming the line at fault."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"mapping file {path}: no such file.")
    raw = path.read_bytes()
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(f"mapping file {path}: larger than {MAX_MAPPING_BYTES // 1024 // 1024} MB.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MappingError(f"mapping file {path}: not valid UTF-8 (byte {error.start}).") from None
    mapping = {}
    for number, row in enumerate(csv.reader(content.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [cell.lower() for cell in cells[:2]] == ["wordpress", "target"]:
            continue
        if len(cells) != 2 or not cells[0]:
            raise MappingError(
                f"mapping file {path}, line {number}: expected “term-slug,region:slug” (or topic:slug, or skip)."
            )
        mapping[term_key(cells[0])] = parse_target(cells[1], where=f"mapping file {path}, line {number}")
    return mapping


def parse_target(value, *, where):
    if value.lower() == "skip":
        return SKIP
    vocabulary, _, slug = value.partition(":")
    vocabulary = vocabulary.strip().lower()
    slug = slug.strip()
    if vocabulary not in VOCABULARIES or not slug:
        raise MappingError(f"{where}: “{value[:60]}” is not region:slug, topic:slug or skip.")
    return Target(vocabulary, text.ascii_slug(unquote(slug), max_length=90, fallback_prefix="tag"))
