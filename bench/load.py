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

    python bench/load.py                                  # all three, on newsroom_load
    python bench/load.py --scenarios steady --duration 20
    python bench/load.py --database postgres://postgres@127.0.0.1:5432/newsroom_load

The restart scenario stops and starts the local PostgreSQL cluster with
pg_ctlcluster, so every other connection to it drops too; it always leaves
the cluster running.
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tooling import PROJECT_DIR, PYTHON, child_json, ensure_wrk, free_port, manage

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_load"
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

WRK_SCRIPT = r"""
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  index = (id * 7919) % #paths
  counts = {}
  first_error, last_error = 0, 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status < 200 or status > 299 then
    local now = os.time()
    if first_error == 0 then first_error = now end
    last_error = now
  end
end

function done(summary, latency, requests)
  local total, first, last = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + n
    end
    local f, l = thread:get("first_error"), thread:get("last_error")
    if f > 0 and (first == 0 or f < first) then first = f end
    if l > last then last = l end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = string.format('"%s": %d', status, n) end
  io.write(string.format(
    'LOAD_RESULT {"statuses": {%s}, "first_error": %d, "last_error": %d, "requests": %d, "seconds": %.3f, ' ..
    '"timeouts": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    table.concat(parts, ", "), first, last, summary.requests, summary.duration / 1e6,
    summary.errors.timeout, summary.errors.connect, summary.errors.read, summary.errors.write,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average():
    return os.getloadavg()[0]


# --- PostgreSQL -----------------------------------------------------------------------------------------------------


def cluster():
    """(version, name) of the local cluster on port 5432, from pg_lsclusters."""
    for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == "5432":
            return version, name
    raise SystemExit("No local PostgreSQL cluster on port 5432 (pg_lsclusters).")


def database_ready():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


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


def row_counts(database):
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}


# --- the site -------------------------------------------------------------------------------------------------------


def pick_paths():
    """Runs inside a configured Django child: the reader URLs of the mix, by kind, as JSON."""
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from articles import selectors
    from articles.models import Article

    live = Article.objects.live()
    slugs = list(live.order_by("?").values_list("slug", flat=True)[:200])
    headlines = live.order_by("?").values_list("headline", flat=True)[:200]
    words = sorted({word.lower() for text in headlines for word in re.findall(r"[A-Za-z]{5,}", text)})[:12]
    regions = [tag.slug for tag in selectors.public_tags("region")]
    topics = [tag.slug for tag in selectors.public_tags("topic")]
    sections = [f"/region/{slug}/" for slug in regions] + [f"/topic/{slug}/" for slug in topics]
    paths = {
        "article": [f"/news/{slug}/" for slug in slugs],
        "home": ["/"],
        "section": sections + [f"{path}?page=2" for path in sections] + ["/regions/", "/topics/"],
        "feed": ["/feed/", "/feed/atom/"] + [f"{path}feed/" for path in sections],
        "sitemap": ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-articles.xml", "/sitemap-sections.xml"],
        "search": [f"/search/?q={word}" for word in words],
    }
    print(json.dumps({"paths": paths, "live": live.count(), "total": Article.objects.count()}))


def mixed_paths(paths, length=4000):
    """A list of paths in the proportions of MIX, each kind cycling through its URLs."""
    out = []
    total = sum(MIX.values())
    for kind, weight in MIX.items():
        urls = paths[kind]
        out += [urls[i % len(urls)] for i in range(length * weight // total)]
    # Interleave deterministically so every stretch of the list has the whole mix.
    return [out[(i * 7919) % len(out)] for i in range(len(out))]


class Server:
    def __init__(self, env, port, logfile):
        self.port = port
        self.logfile = open(logfile, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN],
            cwd=PROJECT_DIR,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {logfile}")
            try:
                if self.get("/robots.txt")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def get(self, path, timeout=10):
        """(status, body, headers, seconds) of one GET."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as response:
                return response.status, response.read(), dict(response.headers), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers), time.monotonic() - started

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.logfile.close()


def run_wrk(port, paths_file, script, connections, seconds, threads=2):
    """Start wrk; returns the process (read its result with wrk_result)."""
    return subprocess.Popen(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(paths_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wrk_result(process, seconds):
    stdout, stderr = process.communicate(timeout=seconds + 60)
    match = re.search(r"^LOAD_RESULT (.*)$", stdout, re.MULTILINE)
    if process.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed: {stderr[-2000:]}{stdout[-2000:]}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    result["non_2xx"] = sum(n for status, n in result["statuses"].items() if not 200 <= int(status) <= 299)
    result["5xx_other_than_503"] = sum(
        n for status, n in result["statuses"].items() if int(status) >= 500 and int(status) != 503
    )
    result["socket_errors"] = sum(result[k] for k in ("timeouts", "connect_errors", "read_errors", "write_errors"))
    return result


class Probe(threading.Thread):
    """One plain request that needs the database every 50 ms, timed: an article page with a query string
    nobody asked for before, so the page cache cannot answer it."""

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
                status, body, headers, seconds = self.server.get(f"{self.path}?probe={n}x{secrets.token_hex(3)}", 5)
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


def steady(server, paths_file, script, args, database):
    log(f"steady: 32 connections for {args.duration} s")
    return wrk_result(run_wrk(server.port, paths_file, script, 32, args.duration), args.duration)


def overload(server, paths_file, script, args, database):
    seconds = min(args.duration, 30)
    log(f"overload: 256 connections for {seconds} s")
    result = wrk_result(run_wrk(server.port, paths_file, script, 256, seconds, threads=2), seconds)
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


def restart(server, paths_file, script, args, database):
    seconds, down_after, down_for = 40, 10, 3
    stopped = back = None
    counts_before = row_counts(database)
    log(f"restart: 32 connections for {seconds} s; PostgreSQL stopped at {down_after} s for {down_for} s")
    probe = Probe(server, args.probe_path)
    probe.start()
    wrk = run_wrk(server.port, paths_file, script, 32, seconds)
    try:
        time.sleep(down_after)
        outage_start = time.time()
        pg_ctlcluster("stop")
        stopped = time.time()
        time.sleep(down_for)
        pg_ctlcluster("start")
        if not wait_for_database():
            raise RuntimeError("PostgreSQL did not come back within 60 s")
        back = time.time()
        log(f"PostgreSQL stopped in {stopped - outage_start:.1f} s; answering again {back - outage_start:.1f} s later")
        result = wrk_result(wrk, seconds)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--scenarios", default="steady,overload,restart")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the steady run (default 60; max 60)")
    parser.add_argument("--pick-paths", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pick_paths:
        return pick_paths()
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if not set(scenarios) <= set(SCENARIOS) or not 5 <= args.duration <= 60:
        parser.error(f"--scenarios from {', '.join(SCENARIOS)}; --duration 5 to 60")
    if not args.database.startswith("postgres"):
        parser.error("--database must be a PostgreSQL URL")

    ensure_wrk(log)
    if not database_ready():
        raise SystemExit("PostgreSQL is not answering on 127.0.0.1:5432.")
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
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX=f"newsroom-load-{secrets.token_hex(4)}",
        LOG_LEVEL="ERROR",
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    total = row_counts(args.database)["articles_article"]
    if total < MIN_ARTICLES:
        log(f"{total:,} articles; adding {MIN_ARTICLES - total:,} with generate_archive")
        manage(env, "generate_archive", "--articles", str(MIN_ARTICLES - total), "--seed", "6")
    picked = child_json(Path(__file__).resolve(), "--pick-paths", env)
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(mixed_paths(picked["paths"])) + "\n")
    script = workdir / "mix.lua"
    script.write_text(WRK_SCRIPT)
    log(f"{picked['total']:,} articles ({picked['live']:,} live); load average {load_average():.2f}")

    args.probe_path = picked["paths"]["article"][0]
    results = {"articles": picked["total"], "live": picked["live"], "load_before": load_average()}
    server = Server(env, free_port(), workdir / "gunicorn.log")
    try:
        warm(server, sorted(set(paths_file.read_text().split())))
        for name in scenarios:
            results[name] = SCENARIOS[name](server, paths_file, script, args, args.database)
            log(f"{name}: {json.dumps(results[name])}")
            time.sleep(5)
    finally:
        server.stop()
        if not database_ready():
            pg_ctlcluster("start")
            wait_for_database()
    log_text = (workdir / "gunicorn.log").read_text()
    results["server_errors_logged"] = log_text.count("Internal Server Error")
    results["worker_timeouts_logged"] = log_text.count("WORKER TIMEOUT")
    results["load_after"] = load_average()
    print(json.dumps(results, indent=2))
    return None


if __name__ == "__main__":
    main()
