"""Load and fault runs against the reader site: `make load`.

gunicorn with production settings on 127.0.0.1, PostgreSQL with at least
5,000 articles (made with `generate_archive` when the database has fewer),
Redis for the page cache, wrk as the load generator. Loopback only, and
bounded: every run has a fixed duration and every wait a deadline.

    steady    32 connections for 60 s over article, home, section, feed, sitemap and search pages:
              non-2xx responses and timeouts (target: zero).
    overload  256 connections for 30 s: no 5xx other than deliberate 503s; then the time until a plain
              request that needs the database answers 200 within 0.5 s again (target: within 10 s).
    restart   32 connections for 40 s with PostgreSQL stopped 10 s in and started again 3 s later: errors
              only inside the outage (as the 503 page, with Retry-After), recovery within 5 s after the
              database is back, and the same row counts before and after.
    cluster   two app servers behind HAProxy, readers and writers (newsletter sign-ups, an editor's autosaves
              and publishes through the desk) for 40 s with PostgreSQL restarted 10 s in: errors only inside
              the outage, recovery within 5 s, and every acknowledged write in the database (bench/cluster.py).
    backup    no server: backup_site and restore_site of 100,000 articles (its own database,
              newsroom_backup_bench, filled once), timed with their peak memory, then counts, a sample of
              rows and every media file compared (bench/backup_round_trip.py). Only when asked for.

    python bench/load.py                                  # the first four, on newsroom_load
    python bench/load.py --scenarios steady --duration 20
    python bench/load.py --database postgres://postgres@127.0.0.1:5432/newsroom_load
    python bench/load.py --scenarios backup               # --backup-articles 20000 for a shorter run

The restart and cluster scenarios stop and start the local PostgreSQL cluster
serving the --database URL's port with pg_ctlcluster, so every other connection
to it drops too; they always leave the cluster running.
"""

import argparse
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from backup_round_trip import round_trip
from cluster import cluster as two_app_servers
from runners import Server, WrkRun, pick_reader_paths, run_wrk
from tooling import child_json, ensure_wrk, manage, setup_django

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_load"
DEFAULT_BACKUP_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_backup_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
MIN_ARTICLES = 5_000
# gunicorn: threads overlap the waits on PostgreSQL; two cores, so three processes. A request slower
# than the timeout is a stuck worker, restarted. The backlog holds a burst of new connections.
GUNICORN = ["--workers", "3", "--worker-class", "gthread", "--threads", "4"]
GUNICORN += ["--timeout", "30", "--graceful-timeout", "10", "--backlog", "2048", "--keep-alive", "5"]
# The mix of pages a reader's visit makes, by weight.
MIX = {"article": 40, "home": 10, "section": 15, "feed": 10, "sitemap": 10, "search": 15}
QUICK_SECONDS = 0.5
COUNTED_TABLES = [
    "articles_article",
    "articles_byline",
    "articles_author",
    "articles_taggedregion",
    "articles_taggedtopic",
    "articles_articletransition",
    "articles_correction",
    "articles_promofooter",
    "reversion_version",
]


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average():
    return os.getloadavg()[0]


# --- PostgreSQL -----------------------------------------------------------------------------------------------------


# The port of the PostgreSQL cluster under test (the --database URL's); the restarts stop and start that cluster.
PG_PORT = "5432"


def cluster():
    """(version, name) of the local cluster on PG_PORT, from pg_lsclusters."""
    for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == PG_PORT:
            return version, name
    raise SystemExit(f"No local PostgreSQL cluster on port {PG_PORT} (pg_lsclusters).")


def database_ready():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", PG_PORT, "-q"]).returncode == 0


def pg_ctlcluster(action):
    version, name = cluster()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action], check=True, timeout=120)


def wait_for_database(deadline_seconds=60):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if database_ready():
            return True
        time.sleep(0.05)
    return False


def stop_and_start(down_for):
    """Stop the cluster, keep it down for down_for seconds and start it again; (stop began, stopped, answering
    again) as Unix times."""
    began = time.time()
    pg_ctlcluster("stop")
    stopped = time.time()
    time.sleep(down_for)
    pg_ctlcluster("start")
    if not wait_for_database():
        raise RuntimeError("PostgreSQL did not come back within 60 s")
    return began, stopped, time.time()


def row_counts(database):
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}


# --- the site -------------------------------------------------------------------------------------------------------


def pick_paths():
    """Runs inside a configured Django child: the reader URLs (a sample of each kind) as JSON."""
    setup_django()
    print(json.dumps(pick_reader_paths(sample=200)))


def mixed_paths(paths, length=4000):
    """A list of paths in the proportions of MIX, each kind cycling through its URLs."""
    sections = paths["region"] + paths["topic"]
    urls_by_kind = {
        **paths,
        "section": sections + [f"{path}?page=2" for path in sections] + paths["index"],
    }
    out = []
    total = sum(MIX.values())
    for kind, weight in MIX.items():
        urls = urls_by_kind[kind]
        out += [urls[i % len(urls)] for i in range(length * weight // total)]
    # Interleave deterministically so every stretch of the list has the whole mix.
    return [out[(i * 7919) % len(out)] for i in range(len(out))]


class Probe(threading.Thread):
    """One plain request that needs the database every 50 ms, timed: a search for a word nobody asked for
    before, so neither the page cache nor a memoised fragment can answer it."""

    def __init__(self, server, path):
        super().__init__(daemon=True)
        self.server = server
        self.path = path
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            at = time.time()
            try:
                status, body, headers, seconds = self.server.get(
                    f"{self.path}?q=probe{n}x{secrets.token_hex(3)}", timeout=5
                )
            except OSError:
                status, body, headers, seconds = 0, b"", {}, time.time() - at
            self.samples.append(
                {
                    "at": at,
                    "status": status,
                    "seconds": seconds,
                    "retry_after": headers.get("Retry-After"),
                    "page_503": b"We will be back in a moment" in body,
                }
            )
            self.stopping.wait(0.05)


def first_success_after(samples, moment):
    """Seconds from moment until a request sent after it got a 200 (however long it took), or None."""
    for sample in samples:
        if sample["at"] >= moment and sample["status"] == 200:
            return sample["at"] + sample["seconds"] - moment
    return None


def first_quick_success_after(samples, moment):
    for sample in samples:
        if sample["at"] >= moment and sample["status"] == 200 and sample["seconds"] <= QUICK_SECONDS:
            return sample["at"] + sample["seconds"] - moment
    return None


def warm(server, paths, seconds=150):
    """Ask for each page once (eight at a time, for at most `seconds`), as the first visitors would."""
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + seconds

    def visit(path):
        if time.monotonic() < deadline:
            try:
                server.get(path, timeout=60)
            except OSError as error:
                log(f"warming {path}: {error}")

    log(f"warming {len(paths)} pages (at most {seconds} s)")
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(visit, paths))


# --- scenarios ------------------------------------------------------------------------------------------------------


def steady(server, paths_file, args, database):
    log(f"steady: 32 connections for {args.duration} s")
    return run_wrk(server.port, paths_file=paths_file, connections=32, seconds=args.duration)


def overload(server, paths_file, args, database):
    seconds = min(args.duration, 30)
    log(f"overload: 256 connections for {seconds} s")
    result = run_wrk(server.port, paths_file=paths_file, connections=256, seconds=seconds)
    stopped = time.time()
    probe = Probe(server, args.probe_path)
    probe.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and first_quick_success_after(probe.samples, stopped) is None:
        time.sleep(0.05)
    probe.stopping.set()
    probe.join()
    result["recovery_seconds"] = first_quick_success_after(probe.samples, stopped)
    return result


def restart(server, paths_file, args, database):
    seconds, down_after, down_for = 40, 10, 3
    stopped = back = None
    counts_before = row_counts(database)
    log(f"restart: 32 connections for {seconds} s; PostgreSQL stopped at {down_after} s for {down_for} s")
    probe = Probe(server, args.probe_path)
    probe.start()
    wrk = WrkRun(server.port, paths_file=paths_file, connections=32, seconds=seconds)
    try:
        time.sleep(down_after)
        outage_start, stopped, back = stop_and_start(down_for)
        log(f"PostgreSQL stopped in {stopped - outage_start:.1f} s; answering again {back - outage_start:.1f} s later")
        result = wrk.result()
    finally:
        if not database_ready():
            pg_ctlcluster("start")
            wait_for_database()
    probe.stopping.set()
    probe.join()
    errors = [s for s in probe.samples if s["status"] != 200]
    result.update(
        outage_seconds=back - outage_start,
        recovery_seconds=first_success_after(probe.samples, back),
        probe_max_seconds=max(s["seconds"] for s in probe.samples),
        probe_requests=len(probe.samples),
        probe_errors=len(errors),
        probe_statuses=sorted({s["status"] for s in errors}),
        probe_errors_outside_outage=sum(1 for s in errors if not outage_start - 1 <= s["at"] <= back + 5),
        probe_503_with_page_and_retry_after=sum(1 for s in errors if s["page_503"] and s["retry_after"]),
        wrk_errors_from=(result["first_error"] - outage_start) if result["first_error"] else None,
        wrk_errors_until=(result["last_error"] - back) if result["last_error"] else None,
        counts_before=counts_before,
        counts_after=row_counts(database),
    )
    result["no_data_lost"] = result["counts_before"] == result["counts_after"]
    return result


SCENARIOS = {"steady": steady, "overload": overload, "restart": restart}
# Scenarios that start their own servers (bench/cluster.py), or need none (bench/backup_round_trip.py).
OWN_SERVERS = {"cluster"}
NO_SERVER = {"backup"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--scenarios", default="steady,overload,restart,cluster")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the steady run (default 60; max 60)")
    parser.add_argument(
        "--backup-database", default=os.environ.get("LOAD_BACKUP_DATABASE_URL", DEFAULT_BACKUP_DATABASE)
    )
    parser.add_argument("--backup-articles", type=int, default=100_000, help="articles for the backup round trip")
    parser.add_argument("--pick-paths", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pick_paths:
        return pick_paths()
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if not set(scenarios) <= set(SCENARIOS) | OWN_SERVERS | NO_SERVER or not 5 <= args.duration <= 60:
        parser.error(f"--scenarios from {', '.join([*SCENARIOS, *OWN_SERVERS, *NO_SERVER])}; --duration 5 to 60")
    if not args.database.startswith("postgres") or not args.backup_database.startswith("postgres"):
        parser.error("--database and --backup-database must be PostgreSQL URLs")
    global PG_PORT
    PG_PORT = str(urlsplit(args.database).port or 5432)

    if not database_ready():
        raise SystemExit(f"PostgreSQL is not answering on 127.0.0.1:{PG_PORT}.")
    deadline = time.monotonic() + 60
    while load_average() > 3 and time.monotonic() < deadline:
        log(f"load average {load_average():.2f}; waiting for the machine to calm down")
        time.sleep(10)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PAGE_CACHE", "CONN_MAX_AGE"}
    }
    env.update(
        NEWSROOM_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://news.example.org",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX=f"newsroom-load-{secrets.token_hex(4)}",
        LOG_LEVEL="ERROR",
    )
    results = {"load_before": load_average()}
    if set(scenarios) - NO_SERVER:
        results.update(served(args, env, workdir, scenarios))
    if "backup" in scenarios:
        results["backup"] = round_trip(env, workdir, args.backup_database, args.backup_articles)
        log(f"backup: {json.dumps(results['backup'])}")
    results["load_after"] = load_average()
    print(json.dumps(results, indent=2))
    return None


def served(args, env, workdir, scenarios):
    """The scenarios run against gunicorn (and the cluster's own servers) on args.database; their results."""
    ensure_wrk(log)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    total = row_counts(args.database)["articles_article"]
    if total < MIN_ARTICLES:
        log(f"{total:,} articles; adding {MIN_ARTICLES - total:,} with generate_archive")
        manage(env, "generate_archive", "--articles", str(MIN_ARTICLES - total), "--seed", "6")
    picked = child_json(Path(__file__).resolve(), "--pick-paths", env)
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(mixed_paths(picked["paths"])) + "\n")
    log(f"{picked['total']:,} articles ({picked['live']:,} live); load average {load_average():.2f}")

    args.probe_path = "/search/"
    results = {"articles": picked["total"], "live": picked["live"]}
    try:
        with Server(env, GUNICORN, workdir / "gunicorn.log", ready_path="/robots.txt") as server:
            warm(server, sorted(set(paths_file.read_text().split())))
            for name in scenarios:
                if name in SCENARIOS:
                    results[name] = SCENARIOS[name](server, paths_file, args, args.database)
                    log(f"{name}: {json.dumps(results[name])}")
                    time.sleep(5)
        if "cluster" in scenarios:
            results["cluster"] = two_app_servers(
                env,
                workdir,
                paths_file,
                args,
                args.database,
                probe_class=Probe,
                restart_database=stop_and_start,
            )
            log(f"cluster: {json.dumps(results['cluster'])}")
    finally:
        if not database_ready():
            pg_ctlcluster("start")
            wait_for_database()
    log_text = (workdir / "gunicorn.log").read_text()
    results["server_errors_logged"] = log_text.count("Internal Server Error")
    results["worker_timeouts_logged"] = log_text.count("WORKER TIMEOUT")
    return results


if __name__ == "__main__":
    main()
