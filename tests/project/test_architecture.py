"""Rules of the architecture that import contracts cannot see (see docs/architecture.md)."""

import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
APPS = ["newsroom", "articles", "pagecache", "reader", "devtools", "newsletter"]
MAX_MODULE_LINES = 450


def product_modules():
    for app in APPS:
        for path in (PROJECT_DIR / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_remembered_reads_are_declared_only_in_the_read_model():
    """No module but the read model calls the memo: every remembered read has one declaration, by name."""
    uses = re.compile(r"\bremember(_many)?\(|pagecache\.memo|from pagecache import memo")
    allowed = {PROJECT_DIR / "reader" / "readmodel.py", PROJECT_DIR / "pagecache" / "memo.py"}
    offenders = [
        str(path.relative_to(PROJECT_DIR))
        for path in product_modules()
        if path not in allowed and uses.search(path.read_text())
    ]
    assert offenders == []


def test_no_product_module_outgrows_one_concern():
    long = {
        str(path.relative_to(PROJECT_DIR)): lines
        for path in product_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
