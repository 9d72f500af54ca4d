"""Reading plain-text wire copy: paragraphs, and the outlet's trailing promo line."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape

from .exceptions import WireImportError

MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class WireCopy:
    paragraphs: list[str]
    trailing_line: str
    checksum: str

    def body_html(self, paragraphs=None):
        return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in (paragraphs or self.paragraphs))


def read_wire_copy(path):
    """Read and validate a wire-copy file, or raise WireImportError with a one-line reason."""
    path = Path(path)
    if not path.exists():
        raise WireImportError(f"{path}: no such file.")
    if not path.is_file():
        raise WireImportError(f"{path}: not a regular file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise WireImportError(f"{path}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB; wire copy is plain text.")
    return parse_wire_copy(path.read_bytes(), name=str(path))


def decode_text(raw, *, name):
    """The UTF-8 text of an upload or file, or WireImportError naming what is wrong with it."""
    if len(raw) > MAX_FILE_BYTES:
        raise WireImportError(f"{name}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB; wire copy is plain text.")
    if b"\x00" in raw:
        raise WireImportError(f"{name}: looks like a binary file, not plain text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WireImportError(f"{name}: not valid UTF-8 text (byte {error.start}).") from None


def copy_from_paragraphs(paragraphs, *, name):
    paragraphs = [paragraph.strip() for paragraph in paragraphs if paragraph.strip()]
    if not paragraphs:
        raise WireImportError(f"{name}: the file is empty.")
    checksum = hashlib.sha256("\n".join(paragraphs).encode()).hexdigest()
    return WireCopy(paragraphs=paragraphs, trailing_line=paragraphs[-1], checksum=checksum)


def parse_wire_copy(raw, *, name):
    """Plain-text wire copy from bytes: one paragraph per non-empty line."""
    content = decode_text(raw, name=name)
    return copy_from_paragraphs([line.strip() for line in content.splitlines()], name=name)
