"""Benchmark the reader site at archive scale: `make bench`.

For each archive size it builds a fresh database with `generate_archive`,
counts the SQL queries of every public page in-process, then starts gunicorn
(2 sync workers, production settings) on 127.0.0.1 and runs wrk against each
page with both caches off (the page cache and the remembered reads: the first
reader after a change) and on, each next to the bare floor (bench/bare_floor.py:
a one-file Django project serving a constant ~20 KB page, no middleware, no
database, no templates) served by the same gunicorn settings. Then the
working newsroom (bench/working_newsroom.py): with the page cache on, wrk over a list of
reader URLs while a separate process saves drafts and publishes stories through
the desk's services. The tables go to standard output and to docs/performance.md.

Loopback only, and bounded: every wrk run has a fixed duration and the whole
run stops starting new measurements after --budget minutes.

    python bench/run.py                      # 1,000 and 100,000 articles on SQLite
    python bench/run.py --sizes 1000,20000   # a quicker, preliminary run
    python bench/run.py --only newsroom --sizes 1000 --phase-seconds 10 --output /tmp/bench.md
    python bench/run.py --postgres postgres://postgres@127.0.0.1:5432/newsroom_bench   # emptied first
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import working_newsroom
from runners import Server, pick_reader_paths, run_wrk
from tooling import PROJECT_DIR, PYTHON, child_json, database_version, ensure_wrk, manage, setup_django

DEFAULT_SIZES = (1_000, 100_000)
FLOOR_PATH = "/bench/floor/"
ADMIN_PATH = "/admin/articles/article/"
PAGE_ORDER = ["floor", "home", "article", "region", "topic", "deep", "author", "search", "feed", "sitemap", "admin"]
# Pages readers never see: measured, but not held to the cache-on target (never cached for editors).
EDITOR_PAGES = {"admin"}
ADMIN_GROWTH_TARGET = 0.65
# Cache-off targets from the issue, as a share of the bare floor's req/s (both caches off).
CACHE_OFF_TARGETS = {"article": 0.06, "home": 0.03, "region": 0.03, "topic": 0.03, "deep": 0.03, "author": 0.03}
CACHE_OFF_TARGETS.update(search=0.02, sitemap=0.05)
CACHE_ON_TARGET = 0.55
GROWTH_TARGET = 0.80
RSS_LIMIT_MB = 200
WORKERS = 2
GUNICORN = ["--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "60"]
BARE_FLOOR_APP = "bare_floor:application"
# Both caches off: no page cache and no remembered reads, as for the first reader after a change.
CACHES = {"off": {"PAGE_CACHE": "0", "GENERATION_MEMO": "0"}, "on": {"PAGE_CACHE": "1", "GENERATION_MEMO": "1"}}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def clean_env():
    """This process's environment minus anything that would change what is measured."""
    dropped = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "PAGE_CACHE", "NEWSROOM_ENV"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


# --- databases -----------------------------------------------------------------------------------------


def database_url(args, workdir, size):
    """A fresh, empty database for one archive size."""
    if not args.postgres:
        return f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    import psycopg

    # One database given by the caller, emptied for each size: the bench creates no databases of its own.
    with psycopg.connect(args.postgres, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return args.postgres


# --- in-process measurements (run in a child with Django set up) ---------------------------------------


def measure_in_process():
    """Pick the URLs and count queries per page; print JSON. Runs inside a configured Django child."""
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.roles import EDITOR

    picked = pick_reader_paths()
    own_paths = {"floor": FLOOR_PATH, "admin": ADMIN_PATH}
    paths = {name: own_paths.get(name) or picked["paths"][name][0] for name in PAGE_ORDER}
    # The admin article list is measured as an editor would see it, with a signed-in session.
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name=EDITOR))
    editor_client = Client(HTTP_HOST="127.0.0.1")
    editor_client.force_login(editor)
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={editor_client.cookies[settings.SESSION_COOKIE_NAME].value}"
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for name, path in paths.items():
        settings.PAGE_CACHE = False
        for cache in caches.all():
            cache.clear()
        page_client = editor_client if name in EDITOR_PAGES else client
        with CaptureQueriesContext(connection) as cold:
            response = page_client.get(path)
        # Read the counts at once: the next request clears the connection's query log.
        queries_off = len(cold.captured_queries)
        with CaptureQueriesContext(connection) as warm_off:
            page_client.get(path)
        queries_warm = len(warm_off.captured_queries)
        settings.PAGE_CACHE = True
        for cache in caches.all():
            cache.clear()
        page_client.get(path)
        with CaptureQueriesContext(connection) as warm:
            page_client.get(path)
        queries_on = len(warm.captured_queries)
        pages[name] = {
            "path": path,
            "cookie": session_cookie if name in EDITOR_PAGES else None,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries_off": queries_off,
            "queries_warm": queries_warm,
            "queries_on": queries_on,
        }
    print(
        json.dumps(
            {
                "pages": pages,
                "live": picked["live"],
                "articles": picked["total"],
                "deep_page": picked["deep_page"],
                "deep_tag": picked["deep_tag"],
                "database": database_version(connection),
            }
        )
    )


# --- gunicorn and wrk ---------------------------------------------------------------------------------


def wrk(server, path, args, cookie=None, seconds=None):
    """One wrk run of path with the command line's threads and connections, for --duration unless seconds."""
    return run_wrk(
        server.port,
        path=path,
        cookie=cookie,
        threads=args.threads,
        connections=args.connections,
        seconds=seconds or args.duration,
        request_timeout=10,
    )


def measure_pages(result, env, args, workdir, deadline):
    """Each page alone with wrk, with both caches off and on, next to the bare floor."""
    size, meta = result["size"], result["meta"]
    bare_log = workdir / f"gunicorn-{size}-bare-floor.log"
    bare_env = {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}
    with Server(
        bare_env, GUNICORN, bare_log, ready_path=FLOOR_PATH, app=BARE_FLOOR_APP, directory=PROJECT_DIR / "bench"
    ) as bare:
        for mode in ("off", "on"):
            result["runs"][mode] = {}
            logfile = workdir / f"gunicorn-{size}-{mode}.log"
            with Server({**env, **CACHES[mode]}, GUNICORN, logfile, ready_path=FLOOR_PATH) as server:
                for name in PAGE_ORDER:
                    page = meta["pages"][name]
                    if page["status"] == 404 or time.monotonic() > deadline:
                        continue
                    for _ in range(2 * WORKERS):  # warm both workers (and, caches on, their caches)
                        server.get(page["path"], timeout=30, cookie=page.get("cookie"))
                    log(f"{size:,} caches {mode}: {name} {page['path']}")
                    # A bare floor run just before each page: its ratio compares two measurements
                    # a few seconds apart, so a change in the machine's load between pages cancels out.
                    floor_rps = wrk(bare, FLOOR_PATH, args, seconds=args.floor_duration)["rps"]
                    run = wrk(server, page["path"], args, page.get("cookie"))
                    result["runs"][mode][name] = {**run, "floor_rps": floor_rps}
                result["rss"][mode] = server.worker_rss_mb()


# --- report -------------------------------------------------------------------------------------------


def machine_description(databases):
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else cpu
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else memory
    versions = subprocess.run(
        [PYTHON, "-c", "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].split(" [")[0]
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", versions[0]),
        ("gunicorn", f"{versions[1]}, {WORKERS} sync workers"),
        ("Database", ", ".join(sorted(databases))),
        ("Load generator", wrk),
    ]


def fmt(value, digits=1):
    return "—" if value is None else f"{value:,.{digits}f}"


def build_report(results, args, machine, started_at, load_before, load_after, notes):
    sizes = [result["size"] for result in results]
    preliminary = tuple(sizes) != DEFAULT_SIZES
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`bench/run.py`): gunicorn with production settings on 127.0.0.1,",
        f"wrk with {args.threads} threads and {args.connections} connections for {args.duration} s per page, "
        "each page with both caches off (no page cache and no remembered reads: what the first reader after a",
        "change costs) and on. *vs floor* is each page's req/s divided by the bare floor's: a one-file Django",
        "project (`bench/bare_floor.py`: a constant ~20 KB page, no middleware, no database, no templates)",
        f"served by the same gunicorn settings, measured in a {args.floor_duration} s run just before that page's,",
        "so that a change in the machine's load between pages cancels out. The *floor* row is the same page",
        "served through the site's own middleware. *Growth* divides a page's req/s at the largest size by its",
        "req/s at the smallest and by the change in the median floor between the two (they run minutes apart,",
        "and the machine's speed may change in between); its req/s alone beside it.",
        "Queries are counted in-process with the Django test client with the page cache off: a cold request",
        "(every cache empty) / a repeated one (remembered reads kept); with the page cache on, a repeated request.",
        "",
    ]
    if preliminary:
        lines += [
            f"> **Preliminary run** at {' and '.join(f'{size:,}' for size in sizes)} articles, not the "
            f"{' and '.join(f'{size:,}' for size in DEFAULT_SIZES)} the targets are set for. "
            "Re-run `make bench` for the full figures.",
            "",
        ]
    lines += [
        f"Run started {started_at} UTC. Load average (1, 5, 15 min) before: {load_before}; after: {load_after}.",
        "wrk runs on the same two cores as the server, so absolute figures are lower than a separate load",
        "generator would show; the ratios are what the targets are about.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {name} | {value} |" for name, value in machine],
        "",
    ]
    for result in results:
        meta = result["meta"]
        if meta is None:
            continue
        lines += [
            f"## {result['size']:,} articles ({meta['live']:,} live)",
            "",
            f"Archive built in {result['generate_seconds']:.1f} s. Deep page: page {meta['deep_page']} of the "
            f"busiest region, {meta['deep_tag']}.",
            "",
            "| page | path | cache | req/s | p50 ms | p99 ms | queries | vs floor |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for mode in ("off", "on"):
            for name in PAGE_ORDER:
                page = meta["pages"][name]
                run = result["runs"][mode].get(name)
                queries = page["queries_on"] if mode == "on" else f"{page['queries_off']} / {page['queries_warm']}"
                if page["status"] == 404:
                    lines.append(f"| {name} | `{page['path']}` | {mode} | missing (404) | | | | |")
                    continue
                if run is None:
                    lines.append(f"| {name} | `{page['path']}` | {mode} | not run | | | {queries} | |")
                    continue
                ratio = f"{run['rps'] / run['floor_rps']:.1%}" if run["floor_rps"] else "—"
                status = "" if page["status"] == 200 else f" (HTTP {page['status']})"
                errors = f" ({run['non_2xx']:,} non-2xx)" if run["non_2xx"] else ""
                lines.append(
                    f"| {name} | `{page['path']}` | {mode} | {fmt(run['rps'])}{status}{errors} | {fmt(run['p50_ms'], 2)} "
                    f"| {fmt(run['p99_ms'], 2)} | {queries} | {ratio} |"
                )
        lines += [
            "",
            f"Worker RSS (largest of {WORKERS}) after the runs: cache off {result['rss']['off']:.0f} MB, "
            f"cache on {result['rss']['on']:.0f} MB.",
            "",
        ]
    lines += working_newsroom.report_section(results, args)
    lines += targets_section(results)
    if notes:
        lines += ["## Notes", "", *notes, ""]
    return "\n".join(lines)


def targets_section(results):
    lines = ["## Targets", "", "| target | result | met |", "| --- | --- | --- |"]
    lines += page_target_rows([result for result in results if result["meta"] is not None])
    lines += [f"| {label} | {shown} | {met} |" for label, shown, met in working_newsroom.target_rows(results)]
    lines.append("")
    return lines


def median_floor(result):
    """The median req/s of a size's bare floor runs, caches off and on: how fast the machine was for that size."""
    floors = [run["floor_rps"] for runs in result["runs"].values() for run in runs.values() if run["floor_rps"]]
    return statistics.median(floors) if floors else None


def page_target_rows(results):
    if not results:
        return []
    lines = []
    largest = results[-1]

    def ratio(result, mode, name):
        run = result["runs"][mode].get(name)
        return run["rps"] / run["floor_rps"] if run and run["floor_rps"] else None

    def row(label, value, goal, shown):
        met = "n/a" if value is None else ("yes" if value >= goal else "no")
        lines.append(f"| {label} | {shown if value is not None else 'not measured'} | {met} |")

    size = f"{largest['size']:,}"
    for name in PAGE_ORDER[1:]:
        if name in EDITOR_PAGES:
            continue
        value = ratio(largest, "on", name)
        row(
            f"caches on, {name} ≥ {CACHE_ON_TARGET:.0%} of the bare floor ({size})",
            value,
            CACHE_ON_TARGET,
            f"{value or 0:.0%}",
        )
    for name, goal in CACHE_OFF_TARGETS.items():
        value = ratio(largest, "off", name)
        row(f"caches off, {name} ≥ {goal:.0%} of the bare floor ({size})", value, goal, f"{value or 0:.1%}")
    if len(results) > 1:
        smallest = results[0]
        # The sizes run minutes apart, and a machine that slowed in between would read as pages that did: each
        # page's req/s is compared after dividing out the change in the machine's speed, the median of the size's
        # floor runs (one 4 s run is too short to judge a single page by).
        floors = median_floor(largest), median_floor(smallest)
        speedup = floors[0] / floors[1] if all(floors) else None
        for name in PAGE_ORDER[1:]:
            big, small = largest["runs"]["off"].get(name), smallest["runs"]["off"].get(name)
            raw = big["rps"] / small["rps"] if big and small and small["rps"] else None
            value = raw / speedup if raw is not None and speedup else None
            goal = ADMIN_GROWTH_TARGET if name in EDITOR_PAGES else GROWTH_TARGET
            row(
                f"growth, {name} caches off at {size} ≥ {goal:.0%} of {smallest['size']:,} (machine's speed aside)",
                value,
                goal,
                f"{value or 0:.0%} (req/s alone: {raw or 0:.0%})",
            )
    rss = max(largest["rss"].values())
    lines.append(
        f"| worker RSS < {RSS_LIMIT_MB} MB ({size}) | {rss:.0f} MB | {'yes' if rss < RSS_LIMIT_MB else 'no'} |"
    )
    return lines


def print_table(results, args):
    print()
    print_page_table([result for result in results if result["meta"] is not None])
    working_newsroom.print_table(results, args)


def print_page_table(results):
    if not results:
        return
    print(f"{'size':>8} {'page':<8} {'cache':<5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} {'floor':>6}")
    for result in results:
        for mode in ("off", "on"):
            for name in PAGE_ORDER:
                page = result["meta"]["pages"][name]
                run = result["runs"][mode].get(name)
                if page["status"] == 404 or run is None:
                    print(
                        f"{result['size']:>8,} {name:<8} {mode:<5} {'missing' if page['status'] == 404 else 'not run':>9}"
                    )
                    continue
                ratio = f"{run['rps'] / run['floor_rps']:.1%}" if run["floor_rps"] else "—"
                queries = page["queries_on"] if mode == "on" else f"{page['queries_off']}/{page['queries_warm']}"
                print(
                    f"{result['size']:>8,} {name:<8} {mode:<5} {run['rps']:>9,.1f} {fmt(run['p50_ms'], 2):>8} "
                    f"{fmt(run['p99_ms'], 2):>8} {queries:>7} {ratio:>6}"
                )
        print(f"{'':>8} worker RSS: off {result['rss']['off']:.0f} MB, on {result['rss']['on']:.0f} MB")
    print()


# --- main ---------------------------------------------------------------------------------------------


HAND_WRITTEN_MARKER = "<!-- Written by hand from here on; bench/run.py keeps it when it rewrites the figures above. -->"


def hand_written_part(path):
    """The explanations below the marker in an earlier report, kept when the figures are rewritten."""
    text = path.read_text() if path.exists() else ""
    start = text.find(HAND_WRITTEN_MARKER)
    return "\n" + text[start:] if start >= 0 else ""


def load_average():
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(size) for size in DEFAULT_SIZES))
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and mode (default 10)")
    parser.add_argument(
        "--floor-duration", type=int, default=4, help="seconds of the floor run before each page (default 4)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres", metavar="URL", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432"
    )
    parser.add_argument("--output", default=str(PROJECT_DIR / "docs" / "performance.md"))
    parser.add_argument("--budget", type=float, default=25, help="minutes after which no new measurement starts")
    parser.add_argument(
        "--only", choices=["pages", "newsroom"], help="only the per-page runs, or only the working newsroom"
    )
    parser.add_argument(
        "--phase-seconds", type=int, default=20, help="seconds of wrk per working-newsroom phase (default 20)"
    )
    parser.add_argument(
        "--newsroom-rounds",
        type=int,
        default=2,
        help="times the three working-newsroom phases run in turn, to even out the machine's load (default 2)",
    )
    parser.add_argument("--measure-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_queries:
        measure_in_process()
        return
    try:
        sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 1000,100000")
    if not sizes or any(size < 100 for size in sizes):
        parser.error("each size must be at least 100 articles")
    if not 1 <= args.duration <= 60 or not 1 <= args.connections <= 256 or not 1 <= args.threads <= 8:
        parser.error("keep --duration within 1–60 s, --connections within 1–256 and --threads within 1–8")
    # Pages stay cached PAGE_CACHE_SECONDS (600 by default): longer phases would measure expiry, not writes.
    if not 5 <= args.phase_seconds <= 120 or not 1 <= args.newsroom_rounds <= 5:
        parser.error("keep --phase-seconds within 5–120 s and --newsroom-rounds within 1–5")
    if 3 * args.phase_seconds * args.newsroom_rounds > 480:
        parser.error("the working newsroom's phases must fit in 8 minutes, within the page cache's 10")

    started = time.monotonic()
    deadline = started + args.budget * 60
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    load_before = load_average()
    ensure_wrk(log)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    notes = []
    results = []
    base = {
        **clean_env(),
        "NEWSROOM_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://news.example.org",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_FLOOR": "1",
        "PAGE_CACHE_GENERATION_DIR": str(workdir / "generation"),
        "LOG_LEVEL": "ERROR",
    }
    databases = set()
    try:
        log(f"collectstatic into {workdir / 'static'}")
        manage({**base, "DATABASE_URL": f"sqlite:///{workdir / 'static.sqlite3'}"}, "collectstatic", "--noinput", "-v0")
        for size in sizes:
            if time.monotonic() > deadline:
                notes.append(f"- {size:,} articles skipped: the time budget of {args.budget:g} minutes ran out.")
                break
            env = {**base, "DATABASE_URL": database_url(args, workdir, size)}
            log(f"{size:,} articles: migrate and generate")
            manage(env, "migrate", "--noinput", "-v0")
            output = manage(env, "generate_archive", "--articles", str(size), "--seed", str(args.seed), capture=True)
            seconds = float(re.search(r"in ([\d.]+) s\.", output).group(1))
            log(output.strip().splitlines()[-1])
            result = {"size": size, "generate_seconds": seconds, "meta": None, "runs": {}, "rss": {}, "newsroom": None}
            if args.only != "newsroom":
                result["meta"] = child_json(Path(__file__).resolve(), "--measure-queries", env)
                databases.add(result["meta"]["database"])
                measure_pages(result, env, args, workdir, deadline)
            if args.only != "pages":
                if time.monotonic() > deadline:
                    notes.append(f"- Working newsroom at {size:,} articles skipped: the time budget ran out.")
                else:
                    result["newsroom"] = working_newsroom.measure(
                        env, args, workdir, size, log, gunicorn_args=GUNICORN, ready_path=FLOOR_PATH, workers=WORKERS
                    )
                    databases.add(result["newsroom"]["plan"]["database"])
            results.append(result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not results:
        sys.exit("No archive size could be measured within the time budget.")
    missing = sorted(
        {
            name
            for result in results
            if result["meta"] is not None
            for name, page in result["meta"]["pages"].items()
            if page["status"] == 404
        }
    )
    if missing:
        notes.append(f"- Missing pages (404, not built yet on this branch): {', '.join(missing)}.")
    if args.only:
        notes.append(
            f"- Only the {'working newsroom' if args.only == 'newsroom' else 'per-page runs'} (--only {args.only})."
        )
    notes.append(f"- Whole run: {(time.monotonic() - started) / 60:.1f} minutes.")
    print_table(results, args)
    report = build_report(results, args, machine_description(databases), started_at, load_before, load_average(), notes)
    output = Path(args.output)
    output.write_text(report + "\n" + hand_written_part(output))
    log(f"wrote {args.output}")


if __name__ == "__main__":
    main()
