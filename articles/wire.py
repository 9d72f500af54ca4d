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
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise WireImportError(f"{path}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB; wire copy is plain text.")
    if b"\x00" in raw:
        raise WireImportError(f"{path}: looks like a binary file, not plain text.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WireImportError(f"{path}: not valid UTF-8 text (byte {error.start}).") from None
    lines = [line.strip() for line in content.splitlines()]
    paragraphs = [line for line in lines if line]
    if not paragraphs:
        raise WireImportError(f"{path}: the file is empty.")
    checksum = hashlib.sha256("\n".join(paragraphs).encode()).hexdigest()
    return WireCopy(paragraphs=paragraphs, trailing_line=paragraphs[-1], checksum=checksum)
