"""The gunicorn server, the wrk runs and the choice of reader URLs, shared by bench/run.py and bench/load.py."""

import json
import math
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

from tooling import PROJECT_DIR, PYTHON, free_port

# --- gunicorn -------------------------------------------------------------------------------------------------------


class Response(NamedTuple):
    """What one GET got back, and how long it took in seconds."""

    status: int
    body: bytes
    headers: dict
    seconds: float


def get(port, path, *, timeout=10, cookie=None):
    """One GET of path on 127.0.0.1:port; an HTTP error status is returned, not raised."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.read(), dict(response.headers), time.monotonic() - started)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), dict(error.headers), time.monotonic() - started)


class Server:
    """gunicorn serving the project (or another WSGI app, from directory) on 127.0.0.1, started and answering
    ready_path with 200 once constructed.

    Its output goes to logfile; use it as a context manager, or call stop().
    """

    START_SECONDS = 60

    def __init__(self, env, gunicorn_args, logfile, *, ready_path, app="newsroom.wsgi", directory=PROJECT_DIR):
        self.port = free_port()
        self.logfile = open(logfile, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                *gunicorn_args,
            ],
            cwd=directory,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                # The log is quoted because a caller may delete its directory before anyone reads it.
                tail = Path(logfile).read_text()[-2000:]
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}:\n{tail}")
            try:
                if self.get(ready_path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {self.START_SECONDS} s")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def get(self, path, *, timeout=10, cookie=None):
        return get(self.port, path, timeout=timeout, cookie=cookie)

    def worker_rss_mb(self):
        """The resident memory of the largest worker process, in MB (0 where /proc cannot tell)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status")
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text()) if status.exists() else None
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return max(sizes, default=0.0)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.logfile.close()


# --- wrk ------------------------------------------------------------------------------------------------------------

# Cycles through the paths file given after `--` (each thread from its own offset), counts responses by status and
# by X-Page-Cache answer, notes when the first and last non-2xx came, then prints one WRK_RESULT line of JSON with
# the run's figures.
PATHS_SCRIPT = r"""
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
  caches = {}
  first_error, last_error = 0, 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  local cache = headers["X-Page-Cache"] or "none"
  caches[cache] = (caches[cache] or 0) + 1
  if status < 200 or status > 299 then
    local now = os.time()
    if first_error == 0 then first_error = now end
    last_error = now
  end
end

function done(summary, latency, requests)
  local total, cache_total, first, last = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + n
    end
    for cache, n in pairs(thread:get("caches")) do
      cache_total[cache] = (cache_total[cache] or 0) + n
    end
    local f, l = thread:get("first_error"), thread:get("last_error")
    if f > 0 and (first == 0 or f < first) then first = f end
    if l > last then last = l end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = string.format('"%s": %d', status, n) end
  local cache_parts = {}
  for cache, n in pairs(cache_total) do cache_parts[#cache_parts + 1] = string.format('"%s": %d', cache, n) end
  io.write(string.format(
    'WRK_RESULT {"statuses": {%s}, "caches": {%s}, "first_error": %d, "last_error": %d, "requests": %d, "seconds": %.3f, ' ..
    '"timeouts": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    table.concat(parts, ", "), table.concat(cache_parts, ", "), first, last, summary.requests, summary.duration / 1e6,
    summary.errors.timeout, summary.errors.connect, summary.errors.read, summary.errors.write,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""
SOCKET_ERRORS = ("timeouts", "connect_errors", "read_errors", "write_errors")
MILLISECONDS_PER_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


class WrkRun:
    """One wrk run against 127.0.0.1:port, started in the background; result() waits for it and reads it.

    Either one path, or paths_file (one path a line, cycled through by a Lua script written next to it).
    The result has at least rps, p50_ms, p99_ms, non_2xx and socket_errors (with its four parts); a run over
    a paths file adds statuses, caches (responses by X-Page-Cache answer, "none" without one), first_error and
    last_error (Unix seconds), requests, seconds, max_ms and 5xx_other_than_503. For one path, non_2xx is wrk's own count, which leaves out 3xx as well.
    """

    def __init__(
        self, port, *, connections, seconds, threads=2, request_timeout=5, path="/", paths_file=None, cookie=None
    ):
        self.seconds = seconds
        self.scripted = paths_file is not None
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{request_timeout}s"]
        command += ["--latency", *(["-H", f"Cookie: {cookie}"] if cookie else [])]
        if self.scripted:
            script = Path(paths_file).with_suffix(".lua")
            script.write_text(PATHS_SCRIPT)
            command += ["-s", str(script), f"http://127.0.0.1:{port}", "--", str(paths_file)]
        else:
            command.append(f"http://127.0.0.1:{port}{path}")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def result(self):
        try:
            stdout, stderr = self.process.communicate(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise
        try:
            if self.process.returncode != 0:
                raise ValueError(f"exit status {self.process.returncode}")
            return scripted_result(stdout) if self.scripted else summary_result(stdout)
        except ValueError as error:
            raise RuntimeError(f"wrk failed ({error}): {stderr[-2000:]}{stdout[-2000:]}") from error


def run_wrk(port, **options):
    """Run wrk in the foreground and return its result; options as for WrkRun."""
    return WrkRun(port, **options).result()


def scripted_result(stdout):
    """The figures of a run with PATHS_SCRIPT, from its WRK_RESULT line."""
    line = re.search(r"^WRK_RESULT (.*)$", stdout, re.MULTILINE)
    if not line:
        raise ValueError("no WRK_RESULT line")
    result = json.loads(line.group(1))
    statuses = {int(status): n for status, n in result["statuses"].items()}
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    result["non_2xx"] = sum(n for status, n in statuses.items() if not 200 <= status <= 299)
    result["5xx_other_than_503"] = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
    result["socket_errors"] = sum(result[kind] for kind in SOCKET_ERRORS)
    return result


def summary_result(stdout):
    """The figures of a plain run, from the summary wrk prints (with --latency)."""

    def latency_ms(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", stdout, re.MULTILINE)
        return float(match.group(1)) * MILLISECONDS_PER_UNIT[match.group(2)] if match else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", stdout)
    # wrk prints the socket errors line only when there were some.
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout)
    connect, read, write, timeouts = (int(n) for n in socket.groups()) if socket else (0, 0, 0, 0)
    result = {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50_ms": latency_ms(50),
        "p99_ms": latency_ms(99),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "timeouts": timeouts,
        "connect_errors": connect,
        "read_errors": read,
        "write_errors": write,
    }
    result["socket_errors"] = sum(result[kind] for kind in SOCKET_ERRORS)
    return result


# --- which URLs -----------------------------------------------------------------------------------------------------

# Stories on a page of a region, topic or author list.
STORIES_PER_PAGE = 20
# The deep page the benchmark's targets are set for; a section with fewer pages gives its last one.
DEEP_PAGE = 200
# A word the generated archive uses often, so that the measured search has results to show.
SEARCH_TERM = "council"
SEARCH_TERMS = 12
FEEDS = ["/feed/", "/feed/atom/"]
SITEMAPS = ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-articles.xml", "/sitemap-sections.xml"]
SECTION_INDEXES = ["/regions/", "/topics/"]


def pick_reader_paths(sample=1):
    """The reader URLs to hit, by kind, from the database (Django set up by the caller), as a JSON-ready dict.

    Kinds: home, article, region, topic, deep, author, search, feed, sitemap, index. The first path of each is
    the one to measure alone: the middle live article by id, the region, topic and author with the most live
    articles, a deep page of that region, a search for SEARCH_TERM, the main feed and sitemap. For a mix, a
    sample above 1 adds up to sample - 1 random articles, the next busiest tags and authors (sample in all),
    their section feeds, and search words from random headlines (SEARCH_TERMS in all).
    """
    from django.db.models import Count

    from articles.models import Article, Author, Byline, RegionTag, TaggedRegion, TaggedTopic, TopicTag

    def busiest(links, owner_model, owner_field, article_field):
        """[(owner, live articles)] of the tags or authors with live articles, the busiest first."""
        rows = (
            links.objects.filter(**{f"{article_field}__in": live})
            .values(owner_field)
            .annotate(live_articles=Count("pk"))
            .order_by("-live_articles", owner_field)[:sample]
        )
        owners = owner_model.objects.in_bulk([row[owner_field] for row in rows])
        return [(owners[row[owner_field]], row["live_articles"]) for row in rows]

    live = Article.objects.live()
    live_count = live.count()
    middle = live.order_by("pk")[live_count // 2]
    articles = [middle, *live.exclude(pk=middle.pk).order_by("?")[: sample - 1]]
    regions = busiest(TaggedRegion, RegionTag, "tag", "content_object")
    topics = busiest(TaggedTopic, TopicTag, "tag", "content_object")
    authors = busiest(Byline, Author, "author", "article")
    deep_region, deep_region_live = regions[0]
    deep_page = min(DEEP_PAGE, max(1, math.ceil(deep_region_live / STORIES_PER_PAGE)))
    headlines = live.order_by("?").values_list("headline", flat=True)[: sample - 1]
    words = sorted({word.lower() for text in headlines for word in re.findall(r"[A-Za-z]{5,}", text)} - {SEARCH_TERM})
    search_terms = [SEARCH_TERM, *words][:SEARCH_TERMS]
    sections = [tag.get_absolute_url() for tag, _ in regions + topics]
    paths = {
        "home": ["/"],
        "article": [article.get_absolute_url() for article in articles],
        "region": [tag.get_absolute_url() for tag, _ in regions],
        "topic": [tag.get_absolute_url() for tag, _ in topics],
        "deep": [f"{deep_region.get_absolute_url()}?page={deep_page}"],
        "author": [author.get_absolute_url() for author, _ in authors],
        "search": [f"/search/?q={term}" for term in search_terms],
        "feed": FEEDS + [f"{path}feed/" for path in sections],
        "sitemap": SITEMAPS,
        "index": SECTION_INDEXES,
    }
    return {
        "paths": paths,
        "live": live_count,
        "total": Article.objects.count(),
        "deep_page": deep_page,
        "deep_tag": deep_region.name,
    }
