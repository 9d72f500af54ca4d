"""The bench's report of its own targets (bench/run.py), read from made-up measurements."""

import importlib
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def bench_run(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    return importlib.import_module("run")


def result(size, pages):
    """A size's results with caches off: {page: (req/s, the floor's req/s just before it)}."""
    runs = {name: {"rps": rps, "floor_rps": floor} for name, (rps, floor) in pages.items()}
    return {"size": size, "runs": {"off": runs, "on": {}}, "rss": {"off": 80.0, "on": 80.0}}


def growth_row(lines, page):
    return next(line for line in lines if line.startswith(f"| growth, {page} "))


def test_growth_compares_shares_of_the_floor_so_a_machine_that_slowed_is_not_read_as_a_slower_page(bench_run):
    # The machine ran a quarter slower at 100,000: the floor fell from 3,000 to 2,250 req/s, the page with it.
    small = result(1_000, {"article": (180.0, 3_000.0), "region": (120.0, 3_000.0)})
    large = result(100_000, {"article": (135.0, 2_250.0), "region": (60.0, 2_250.0)})
    lines = bench_run.page_target_rows([small, large])
    assert growth_row(lines, "article").endswith("| 100% (req/s alone: 75%) | yes |")
    # A page that did slow down still fails: half the share of the floor is half.
    assert growth_row(lines, "region").endswith("| 67% (req/s alone: 50%) | no |")
