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


def test_growth_sets_aside_a_change_in_the_machines_speed_between_the_sizes(bench_run):
    # The machine ran a quarter slower at 100,000: its floor runs fell from about 3,000 to 2,250 req/s (one short
    # floor run, just before the region page at 1,000, read low), and the article page fell with them.
    small = result(1_000, {"floor": (1_500.0, 3_000.0), "article": (180.0, 3_100.0), "region": (120.0, 2_400.0)})
    large = result(100_000, {"floor": (1_125.0, 2_250.0), "article": (135.0, 2_200.0), "region": (60.0, 2_300.0)})
    lines = bench_run.page_target_rows([small, large])
    assert growth_row(lines, "article").endswith("| 100% (req/s alone: 75%) | yes |")
    # A page that did slow down still fails: half the req/s on a machine a quarter slower is two thirds.
    assert growth_row(lines, "region").endswith("| 67% (req/s alone: 50%) | no |")


def test_growth_is_not_measured_without_floor_runs(bench_run):
    small = result(1_000, {"article": (180.0, 0.0)})
    large = result(100_000, {"article": (135.0, 0.0)})
    assert growth_row(bench_run.page_target_rows([small, large]), "article").endswith("| not measured | n/a |")
