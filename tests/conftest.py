import os
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"
SEED_FILE = SEED_DIR / "000_b941ca2dd80af398.txt"

# CI sets this so that a test which would skip for lack of Chromium, PostgreSQL
# or the seed file fails instead.
STRICT = os.environ.get("NEWSROOM_STRICT_TESTS", "") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under NEWSROOM_STRICT_TESTS=1, which forbids skips: {reason}"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seed_file():
    if not SEED_FILE.exists():
        pytest.skip(f"seed file not found at {SEED_FILE}")
    return SEED_FILE


@pytest.fixture
def outlet_tagline(seed_file):
    """The outlet tagline, read from the seed file's promotional last line."""
    last_line = [line for line in seed_file.read_text().splitlines() if line.strip()][-1]
    return last_line[: last_line.index(":") + 1]
