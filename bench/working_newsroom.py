"""The working newsroom: readers while the desk writes, with the page cache on.

Called by bench/run.py for each archive size. One gunicorn serves three phases of wrk, one after the
other, over the same list of reader URLs: readers only; readers while an editor saves a draft every
DRAFT_EVERY seconds; readers while the editor also publishes a story every PUBLISH_EVERY seconds. The phases
run --newsroom-rounds times, every other round in reverse order, each after every page is asked for once more.
The editor is a separate process (`--write`) that goes through `articles.services` inside a
revision, as the desk does, against the same database and the same shared page cache state.
Around each publish it asks once for ~30 pages that do not show the published stories and counts
those still served from the copy cached before the publish.

    python bench/run.py --only newsroom --sizes 1000 --phase-seconds 10 --output /tmp/newsroom.md
"""

import http.client
import json
import select
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path

from runners import Server, pick_reader_paths, run_wrk
from tooling import PROJECT_DIR, PYTHON, child_json, database_version, setup_django

DRAFT_EVERY = 2.0
PUBLISH_EVERY = 20.0
PHASES = {
    "readers": "readers only",
    "drafts": f"+ a draft saved every {DRAFT_EVERY:g} s",
    "publishes": f"+ drafts, and a story published every {PUBLISH_EVERY:g} s",
    "caches_off": "readers only, both caches off",
}
# The phases that run in turn each round; with both caches off the readers run once, on another gunicorn.
ROUND_PHASES = ("readers", "drafts", "publishes")
# Seconds into the publishing phase of the first publish: most of the phase then runs after it.
FIRST_PUBLISH_AT = 2.0
READER_SAMPLE = 200
# Of the sections ranked by live stories, the one the published stories go to: the second busiest, so
# that its pages are in the readers' list and plenty of the busiest section's pages are unrelated.
PUBLISHED_SECTION_RANK = 1
UNRELATED = {"article": 18, "region": 5, "deeper": 2, "topic": 4, "author": 1}
SECTIONS_WITH_DEEPER_PAGES = 5
STORIES_PER_PAGE = 20
AUTHORS = 30
FEEDS = 10
WRITER_START_SECONDS = 120
# What the writer reports as lists (the rest are counts).
LISTED_WRITES = ("published", "draft_ms", "publish_ms", "errors", "checks")

TARGETS = {"drafts_rps": 0.95, "drafts_p99": 2.0, "publishes_rps": 0.80, "publishes_p99_ms": 100.0, "unrelated": 0.99}


# --- in the prepare child (Django set up) ----------------------------------------------------------------------------


def prepare(publishes):
    """Pick the readers' URLs and the unrelated ones, and make the editor, the draft to edit and the stories to
    publish; print them as JSON. Runs in a child with Django set up, before gunicorn starts."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count

    from articles import services
    from articles.models import Article, Author, Byline, RegionTag, TaggedRegion, TaggedTopic, TopicTag
    from articles.models.footers import HEADLINE_MAX_LENGTH
    from articles.regions import ancestor_ids
    from articles.roles import EDITOR

    picked = pick_reader_paths(sample=READER_SAMPLE)
    paths = picked["paths"]
    live = Article.objects.live()

    def slug(url):
        return url.rstrip("/").rsplit("/", 1)[-1]

    def live_counts(links):
        rows = links.objects.filter(content_object__in=live).values("tag").annotate(n=Count("pk"))
        return {row["tag"]: row["n"] for row in rows}

    # The picker lists sections busiest first.
    regions = [RegionTag.objects.get(slug=slug(url)) for url in paths["region"]]
    topics = [TopicTag.objects.get(slug=slug(url)) for url in paths["topic"]]
    counts = {"region": live_counts(TaggedRegion), "topic": live_counts(TaggedTopic)}
    deeper = {}
    for kind, tags in (("region", regions), ("topic", topics)):
        for tag in tags[:SECTIONS_WITH_DEEPER_PAGES]:
            last = -(-counts[kind][tag.pk] // STORIES_PER_PAGE)
            pages = sorted({page for page in (2, min(10, last)) if 2 <= page <= last})
            deeper[tag.get_absolute_url()] = [f"{tag.get_absolute_url()}?page={page}" for page in pages]
    readers = [
        "/",
        *paths["article"],
        *paths["region"],
        *paths["topic"],
        *(url for urls in deeper.values() for url in urls),
        *paths["deep"],
        *paths["author"][:AUTHORS],
        *paths["search"],
        *paths["feed"][:FEEDS],
        *paths["sitemap"],
        *paths["index"],
    ]
    readers = list(dict.fromkeys(readers))

    # Where the published stories go, and who writes them: that section's busiest author.
    region = regions[min(PUBLISHED_SECTION_RANK, len(regions) - 1)]
    topic = topics[min(PUBLISHED_SECTION_RANK, len(topics) - 1)]
    author_row = (
        Byline.objects.filter(article__in=live.filter(regions=region))
        .values("author")
        .annotate(n=Count("pk"))
        .order_by("-n", "author")
        .first()
    )
    author = Author.objects.get(pk=author_row["author"])

    # Unrelated: pages that cannot show a story of that region (or a region it lies in), topic and author.
    # Article pages only when none of their regions, topics or bylines is one of those, so that no related list,
    # card or byline on them could name a published story.
    article_ids = dict(
        Article.objects.filter(slug__in=[slug(url) for url in paths["article"]]).values_list("slug", "pk")
    )
    # A story in a region is on the pages of every region that region lies in (London holds Westminster).
    shown_regions = RegionTag.objects.filter(pk__in=ancestor_ids([region.pk]))
    touching = (
        set(TaggedRegion.objects.filter(tag__in=shown_regions).values_list("content_object_id", flat=True))
        | set(TaggedTopic.objects.filter(tag=topic).values_list("content_object_id", flat=True))
        | set(Byline.objects.filter(author=author).values_list("article_id", flat=True))
    )
    own_pages = {topic.get_absolute_url(), *(shown.get_absolute_url() for shown in shown_regions)}
    candidates = {
        "article": [url for url in paths["article"] if article_ids.get(slug(url)) not in touching],
        "region": [url for url in paths["region"] if url not in own_pages],
        "deeper": [url for section, urls in deeper.items() if section not in own_pages for url in urls],
        "topic": [url for url in paths["topic"] if url not in own_pages],
        "author": [url for url in paths["author"][:AUTHORS] if url != author.get_absolute_url()],
    }
    unrelated = [url for kind, count in UNRELATED.items() for url in candidates[kind][:count]]

    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name=EDITOR))
    source = live.order_by("pk")[picked["live"] // 2]
    draft = Article.objects.filter(status=Article.Status.DRAFT).order_by("pk").first()
    if draft is None:
        draft = services.article_create(headline=f"Desk draft: {source.headline}"[:HEADLINE_MAX_LENGTH], user=editor)
    stories = []
    for number in range(publishes):
        story = services.article_create(
            headline=f"Newsroom story {number + 1}: {source.headline}"[:HEADLINE_MAX_LENGTH],
            user=editor,
            standfirst=source.standfirst,
            body=source.body,
            authors=[author],
            regions=[region],
            topics=[topic],
        )
        if missing := story.missing_for_publication():
            raise SystemExit(f"prepared story {story.pk} cannot be published: missing {', '.join(missing)}")
        stories.append(story.pk)
    print(
        json.dumps(
            {
                "readers": readers,
                "unrelated": unrelated,
                "editor": editor.pk,
                "draft": draft.pk,
                "stories": stories,
                "region": region.name,
                "topic": topic.name,
                "author": author.name,
                "live": picked["live"],
                "articles": picked["total"],
                "database": database_version(connection),
            }
        )
    )


# --- in the writer process (Django set up) ---------------------------------------------------------------------------


def get(port, path):
    """(status, X-Page-Cache, Last-Modified as Unix seconds or None) of a plain GET: no cookies, no proxy."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        modified = response.getheader("Last-Modified")
        stored = parsedate_to_datetime(modified).timestamp() if modified else None
        return response.status, response.getheader("X-Page-Cache", ""), stored
    finally:
        connection.close()


def check(port, paths, published_at=None):
    """Ask once for each path; count answers from the cache, and those whose copy was stored before published_at.

    The readers' traffic re-renders an invalidated page within moments, so a hit alone would not tell whether
    the copy survived the publish; its Last-Modified (whole seconds, set when it was stored) does.
    """
    counts = {"pages": 0, "hits": 0, "kept": 0, "errors": 0, "missed": []}
    for path in paths:
        try:
            status, cache, stored = get(port, path)
        except OSError as error:
            status, cache, stored = 0, type(error).__name__, None
        counts["pages"] += 1
        counts["errors"] += status != 200
        counts["hits"] += cache == "hit"
        kept = cache == "hit" and stored is not None and (published_at is None or stored + 1 <= published_at)
        counts["kept"] += kept
        if not kept:
            counts["missed"].append(f"{path} ({status} {cache or 'no X-Page-Cache'})")
    return counts


def write(config):
    """Save the draft every DRAFT_EVERY seconds (and publish a story every PUBLISH_EVERY seconds) for the phase's
    seconds, as the editor, through the services the desk calls; print a JSON summary of what was written."""
    setup_django()
    import reversion
    from django.contrib.auth import get_user_model

    from articles import services
    from articles.models import Article

    editor = get_user_model().objects.get(pk=config["editor"])
    editor.get_all_permissions()  # loaded once, as a signed-in desk session would have them
    draft = Article.objects.get(pk=config["draft"])
    body, version_before = draft.body, draft.version
    stories = list(Article.objects.filter(pk__in=config["stories"]).order_by("pk"))
    seconds, port = config["seconds"], config["port"]
    events = [(DRAFT_EVERY / 2 + DRAFT_EVERY * n, "draft") for n in range(int(seconds / DRAFT_EVERY))]
    if config["publish"]:
        events += [(at, "publish") for at in publish_offsets(seconds)]
    summary = {"drafts": 0, "published": [], "draft_ms": [], "publish_ms": [], "errors": [], "checks": []}
    checkers = []

    def after_publish(story, published_at, before):
        after = check(port, config["unrelated"], published_at)
        try:
            status, _, _ = get(port, story.get_absolute_url())
        except OSError:
            status = 0
        summary["checks"].append({"story": story.pk, "before": before, "after": after, "story_status": status})

    print("READY", flush=True)
    started = time.monotonic()
    for at, kind in sorted(events):
        time.sleep(max(0.0, started + at - time.monotonic()))
        try:
            if kind == "draft":
                # The desk sends the whole form; here the body gains one changing paragraph.
                draft.body = (
                    f"{body}<p>Desk note {summary['drafts'] + 1}: checked with the council at {time.time():.0f}.</p>"
                )
                begun = time.monotonic()
                with reversion.create_revision():
                    reversion.set_user(editor)
                    reversion.set_comment("Changed body.")
                    services.article_save(article=draft, user=editor, expected_version=draft.version)
                summary["draft_ms"].append((time.monotonic() - begun) * 1000)
                summary["drafts"] += 1
            elif stories:
                story = stories.pop(0)
                before = check(port, config["unrelated"])
                # Start on a fresh second: a copy stored before the publish then has an earlier Last-Modified.
                time.sleep(1.02 - time.time() % 1)
                published_at = time.time()
                begun = time.monotonic()
                with reversion.create_revision():
                    reversion.set_user(editor)
                    services.article_publish(article=story, user=editor)
                summary["publish_ms"].append((time.monotonic() - begun) * 1000)
                summary["published"].append(story.pk)
                # In a thread, so that the drafts keep their pace while the pages are asked for.
                checker = threading.Thread(target=after_publish, args=(story, published_at, before))
                checker.start()
                checkers.append(checker)
        except Exception as error:  # reported, and the phase goes on as the desk would
            summary["errors"].append(f"{kind}: {type(error).__name__}: {error}")
    for checker in checkers:
        checker.join()
    draft.refresh_from_db()
    summary["draft_versions"] = [version_before, draft.version]
    summary["live_published"] = Article.objects.live().filter(pk__in=summary["published"]).count()
    print(json.dumps(summary), flush=True)


def publish_offsets(seconds):
    """Seconds into the phase at which the stories are published."""
    count = max(1, int((seconds - FIRST_PUBLISH_AT - 1) // PUBLISH_EVERY) + 1)
    return [FIRST_PUBLISH_AT + PUBLISH_EVERY * n for n in range(count)]


# --- in bench/run.py -------------------------------------------------------------------------------------------------


def measure(env, args, workdir, size, log, *, gunicorn_args, ready_path, workers):
    """The three phases for one archive size (database ready in env), --newsroom-rounds times; returns the figures."""
    # One shared store for gunicorn and the writer, so the writer's invalidations reach the workers' pages.
    env = {**env, "PAGE_CACHE": "1", "PAGE_CACHE_GENERATION_DIR": str(workdir / f"generation-newsroom-{size}")}
    offsets = publish_offsets(args.phase_seconds)
    plan = child_json(Path(__file__).resolve(), "--prepare", env, str(len(offsets) * args.newsroom_rounds))
    paths_file = workdir / f"newsroom-{size}.txt"
    paths_file.write_text("\n".join(plan["readers"]) + "\n")
    log(
        f"{size:,} newsroom: {len(plan['readers'])} reader URLs, {len(plan['unrelated'])} unrelated; stories go to "
        f"{plan['region']} / {plan['topic']} by {plan['author']}"
    )
    rounds = {phase: [] for phase in ROUND_PHASES}
    stories = list(plan["stories"])
    with Server(env, gunicorn_args, workdir / f"gunicorn-{size}-newsroom.log", ready_path=ready_path) as server:
        warm_seconds = warm(server, plan["readers"], args, paths_file, workers)
        log(f"{size:,} newsroom: warmed in {warm_seconds:.0f} s")
        for number in range(args.newsroom_rounds):
            # Every other round in reverse order, so that a machine growing faster or slower over the rounds
            # favours no phase; and each phase from warm caches, not the pages the last publish emptied.
            for phase in ROUND_PHASES if number % 2 == 0 else ROUND_PHASES[::-1]:
                ask_for_every_page(server, plan["readers"], workers)
                log(f"{size:,} newsroom, round {number + 1}: {PHASES[phase]}, {args.phase_seconds} s")
                if phase == "readers":
                    measured = {"run": wrk_paths(server, paths_file, args)}
                else:
                    config = {
                        "editor": plan["editor"],
                        "draft": plan["draft"],
                        "stories": [stories.pop(0) for _ in offsets] if phase == "publishes" else [],
                        "publish": phase == "publishes",
                        "seconds": args.phase_seconds,
                        "port": server.port,
                        "unrelated": plan["unrelated"],
                    }
                    logname = workdir / f"writer-{size}-{phase}-{number}"
                    measured = with_writer(server, env, config, paths_file, args, logname)
                rounds[phase].append(measured)
                run = measured["run"]
                log(
                    f"{size:,} newsroom: {run['rps']:,.1f} req/s, p99 {run['p99_ms']:.1f} ms, "
                    f"{percent(hit_share(run))} hits"
                    + (f"; {describe_writes(measured['writes'])}" if "writes" in measured else "")
                )
        rss = server.worker_rss_mb()
    phases = {phase: combined(measured) for phase, measured in rounds.items()}
    # What the same readers cost when nothing is cached: every page as for the first reader after a change.
    log(f"{size:,} newsroom: {PHASES['caches_off']}, {args.phase_seconds} s")
    off = {**env, "PAGE_CACHE": "0", "GENERATION_MEMO": "0"}
    with Server(off, gunicorn_args, workdir / f"gunicorn-{size}-newsroom-off.log", ready_path=ready_path) as server:
        phases["caches_off"] = combined([{"run": wrk_paths(server, paths_file, args)}])
    run = phases["caches_off"]["run"]
    log(f"{size:,} newsroom: {run['rps']:,.1f} req/s, p99 {run['p99_ms']:.1f} ms")
    return {"plan": plan, "phases": phases, "warm_seconds": warm_seconds, "rss": rss}


def combined(rounds):
    """One phase's rounds as one: req/s over all of them, the median round's p50 and p99, every write."""
    runs = [measured["run"] for measured in rounds]
    seconds = sum(run["seconds"] for run in runs)
    caches = {}
    for run in runs:
        for answer, count in run.get("caches", {}).items():
            caches[answer] = caches.get(answer, 0) + count
    run = {
        "rps": sum(run["requests"] for run in runs) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "socket_errors": sum(run["socket_errors"] for run in runs),
        "caches": caches,
        "rounds": [{key: run[key] for key in ("rps", "p50_ms", "p99_ms")} for run in runs],
    }
    if "writes" not in rounds[0]:
        return {"run": run}
    writes = [measured["writes"] for measured in rounds]
    total = {key: [item for one in writes for item in one[key]] for key in LISTED_WRITES}
    total["drafts"] = sum(one["drafts"] for one in writes)
    total["live_published"] = sum(one["live_published"] for one in writes)
    total["draft_versions"] = [writes[0]["draft_versions"][0], writes[-1]["draft_versions"][-1]]
    return {"run": run, "writes": total}


def wrk_paths(server, paths_file, args, seconds=None):
    return run_wrk(
        server.port,
        paths_file=paths_file,
        threads=args.threads,
        connections=args.connections,
        seconds=seconds or args.phase_seconds,
        request_timeout=10,
    )


def warm(server, paths, args, paths_file, workers):
    """Ask for every page twice per worker, then a short wrk run: the phases then measure warm caches in every
    worker, as on a site that has been up for a while."""
    started = time.monotonic()
    ask_for_every_page(server, paths, workers)
    wrk_paths(server, paths_file, args, seconds=5)
    return time.monotonic() - started


def ask_for_every_page(server, paths, workers):
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(lambda path: server.get(path, timeout=60), [path for path in paths for _ in range(2 * workers)]))


def with_writer(server, env, config, paths_file, args, logname):
    """One phase: the writer started (Django set up) first, then wrk for the same seconds."""
    logfile = Path(f"{logname}.log")
    with logfile.open("w") as errors:
        writer = subprocess.Popen(
            [PYTHON, str(Path(__file__).resolve()), "--write", json.dumps(config)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            ready, _, _ = select.select([writer.stdout], [], [], WRITER_START_SECONDS)
            if not ready or writer.stdout.readline().strip() != "READY":
                raise RuntimeError("the writer did not start")
            run = wrk_paths(server, paths_file, args)
            stdout, _ = writer.communicate(timeout=args.phase_seconds + 120)
            if writer.returncode != 0:
                raise RuntimeError(f"the writer exited with status {writer.returncode}")
            return {"run": run, "writes": json.loads(stdout.strip().splitlines()[-1])}
        except Exception as error:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
            errors.flush()
            raise RuntimeError(f"{error}:\n{logfile.read_text()[-2000:]}") from error


# --- report ----------------------------------------------------------------------------------------------------------


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def describe_writes(writes):
    if not writes:
        return "—"
    parts = [f"{writes['drafts']} drafts saved"]
    if writes["draft_ms"]:
        parts[-1] += f" (median {median(writes['draft_ms']):.0f} ms)"
    if writes["published"] or writes["publish_ms"]:
        parts.append(f"{len(writes['published'])} published ({median(writes['publish_ms']):.0f} ms)")
    if writes["errors"]:
        parts.append(f"{len(writes['errors'])} failed")
    return ", ".join(parts)


def hit_share(run):
    """The share of wrk's responses served from the page cache (X-Page-Cache: hit)."""
    answered = sum(run.get("caches", {}).values())
    return run["caches"].get("hit", 0) / answered if answered else None


def unrelated_share(newsroom):
    """(kept, asked) over every publish of the size, or None when nothing was published."""
    checks = newsroom["phases"].get("publishes", {}).get("writes", {}).get("checks", [])
    if not checks:
        return None
    return sum(c["after"]["kept"] for c in checks), sum(c["after"]["pages"] for c in checks)


def figures(newsroom):
    """{phase: (run, req/s ratio to readers only, p99 ratio)}."""
    readers = newsroom["phases"]["readers"]["run"]
    out = {}
    for phase, measured in newsroom["phases"].items():
        run = measured["run"]
        rps = run["rps"] / readers["rps"] if readers["rps"] else None
        p99 = run["p99_ms"] / readers["p99_ms"] if readers["p99_ms"] else None
        out[phase] = (run, rps, p99)
    return out


def report_section(results, args):
    """The working-newsroom part of docs/performance.md."""
    measured = [result for result in results if result.get("newsroom")]
    if not measured:
        return []
    text = (
        f"Page cache on. wrk ({args.threads} threads, {args.connections} connections, {args.phase_seconds} s a phase) "
        "cycles through a list of reader URLs (each once: the home page, 200 articles, every region and topic with "
        "some of their deeper pages, authors, searches, feeds, sitemaps) in three phases, one after the other on one "
        "gunicorn, its caches warmed first. The writer is a separate process going through `articles.services` "
        f"inside a revision, as the desk does: it saves an existing draft every {DRAFT_EVERY:g} s and, in the last "
        f"phase, publishes a prepared story every {PUBLISH_EVERY:g} s (the first {FIRST_PUBLISH_AT:g} s in), all in "
        "one region and topic by one author. *Hits* is the share of wrk's responses served from the page cache. "
        "*Unrelated still cached*: just after each publish, ~30 pages that cannot show the published story "
        "(articles sharing none of its regions, the regions those lie in, topics or authors; other regions' and "
        "topics' pages; another author's page) are asked for once each; a page counts when it is a hit whose copy was stored before the "
        "publish (its Last-Modified), since the readers' traffic re-renders an invalidated page within moments. "
        "The last row is the same readers on a gunicorn with both caches off (no page cache, no remembered reads): "
        "every page as the first reader after a change sees it."
    )
    if args.phase_seconds < PUBLISH_EVERY:
        text += (
            f" Phases of {args.phase_seconds} s still hold one publish each, so publishes weigh more here than at "
            f"one every {PUBLISH_EVERY:g} s."
        )
    if args.newsroom_rounds > 1:
        text += (
            f" The three phases ran in turn {args.newsroom_rounds} times, every other round in reverse order, so that "
            "a change in the machine's load falls on each of them alike, and each from warm caches (every page asked "
            "for once more just before it): req/s over all rounds, and the median of the rounds' p50 and p99."
        )
    lines = ["## Working newsroom", "", textwrap.fill(text, width=110, break_on_hyphens=False), ""]
    lines += [
        "| articles | phase | req/s | p50 ms | p99 ms | req/s vs readers only | p99 vs readers only | hits | writes "
        "| unrelated still cached |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for result in measured:
        newsroom = result["newsroom"]
        for phase, (run, rps, p99) in figures(newsroom).items():
            errors = f" ({run['non_2xx']:,} non-2xx)" if run["non_2xx"] else ""
            cells = [
                f"{result['size']:,}",
                PHASES[phase],
                f"{run['rps']:,.1f}{errors}",
                f"{run['p50_ms']:.2f}",
                f"{run['p99_ms']:.2f}",
                f"{rps:.0%}",
                f"{p99:.2f}×",
                percent(hit_share(run)),
                describe_writes(newsroom["phases"][phase].get("writes")),
                describe_unrelated(newsroom) if phase == "publishes" else "",
            ]
            lines.append(f"| {' | '.join(cells)} |")
    lines.append("")
    for result in measured:
        lines += details(result, args)
    lines.append("")
    return lines


def percent(share):
    return "—" if share is None else f"{share:.1%}"


def describe_unrelated(newsroom):
    share = unrelated_share(newsroom)
    return f"{share[0]} of {share[1]} ({share[0] / share[1]:.0%})" if share and share[1] else "not measured"


def details(result, args):
    """What was measured at one size, and anything that went wrong, as list items."""
    newsroom = result["newsroom"]
    plan = newsroom["plan"]
    checks = newsroom["phases"].get("publishes", {}).get("writes", {}).get("checks", [])
    line = (
        f"- {result['size']:,} articles ({plan['live']:,} live): {len(plan['readers'])} reader URLs; stories published "
        f"in {plan['region']} / {plan['topic']} by {plan['author']}; caches warmed in {newsroom['warm_seconds']:.0f} s; "
        f"worker RSS {newsroom['rss']:.0f} MB after the phases."
    )
    drafts, publishes = newsroom["phases"]["drafts"].get("writes"), newsroom["phases"]["publishes"].get("writes")
    if drafts and publishes:
        # The phases alternate their order between rounds: the draft's first and last versions, whichever wrote them.
        first = min(drafts["draft_versions"][0], publishes["draft_versions"][0])
        last = max(drafts["draft_versions"][-1], publishes["draft_versions"][-1])
        published = len(publishes["published"])
        line += (
            f" Writer: {drafts['drafts'] + publishes['drafts']} draft saves (the draft's version went from {first} "
            f"to {last}), {published} {'story' if published == 1 else 'stories'} published, "
            f"{publishes['live_published']} live afterwards."
        )
    if checks:
        hits, pages = sum(c["before"]["hits"] for c in checks), sum(c["before"]["pages"] for c in checks)
        line += f" Just before the publishes, {hits} of {pages} unrelated pages were hits."
    if args.newsroom_rounds > 1:
        by_round = []
        for phase, measured in newsroom["phases"].items():
            p99s = " / ".join(f"{run['p99_ms']:.1f}" for run in measured["run"]["rounds"])
            by_round.append(f"{PHASES[phase]} {p99s} ms")
        line += f" p99 by round: {'; '.join(by_round)}."
    lines = [line]
    missed = sorted({page for c in checks for page in c["after"]["missed"]})
    if missed:
        lines.append(f"  Not kept through a publish: {', '.join(f'`{page}`' for page in missed[:10])}.")
    if any(c["story_status"] != 200 for c in checks):
        lines.append("  A published story did not answer 200 just after its publish.")
    for phase, measured in newsroom["phases"].items():
        for error in measured.get("writes", {}).get("errors", [])[:5]:
            lines.append(f"  Writer error ({PHASES[phase]}): {error}")
    return lines


def target_rows(results):
    """Rows of the targets table: (label, shown result, met)."""
    rows = []
    for result in results:
        newsroom = result.get("newsroom")
        if not newsroom:
            continue
        size = f"{result['size']:,}"
        got = figures(newsroom)
        readers = got["readers"][0]
        drafts, drafts_rps, drafts_p99 = got["drafts"]
        publishes, publishes_rps, _ = got["publishes"]
        drafted = newsroom["phases"]["drafts"]["writes"]["drafts"] > 0
        published = bool(newsroom["phases"]["publishes"]["writes"]["published"])

        def met(ok, wrote):
            return "yes" if ok and wrote else ("no (nothing written)" if not wrote else "no")

        rows += [
            (
                f"newsroom, readers + drafts ≥ {TARGETS['drafts_rps']:.0%} of readers-only req/s ({size})",
                f"{drafts_rps:.1%}",
                met(drafts_rps >= TARGETS["drafts_rps"], drafted),
            ),
            (
                f"newsroom, readers + drafts p99 ≤ {TARGETS['drafts_p99']:g}× readers-only ({size})",
                f"{drafts_p99:.2f}× ({drafts['p99_ms']:.1f} ms against {readers['p99_ms']:.1f} ms)",
                met(drafts_p99 <= TARGETS["drafts_p99"], drafted),
            ),
            (
                f"newsroom, readers + drafts + publishes ≥ {TARGETS['publishes_rps']:.0%} of readers-only req/s ({size})",
                f"{publishes_rps:.1%}",
                met(publishes_rps >= TARGETS["publishes_rps"], published),
            ),
            (
                f"newsroom, readers + drafts + publishes p99 ≤ {TARGETS['publishes_p99_ms']:.0f} ms ({size})",
                f"{publishes['p99_ms']:.1f} ms",
                met(publishes["p99_ms"] <= TARGETS["publishes_p99_ms"], published),
            ),
        ]
        share = unrelated_share(newsroom)
        if share and share[1]:
            rows.append(
                (
                    f"newsroom, unrelated pages ≥ {TARGETS['unrelated']:.0%} still cached after a publish ({size})",
                    f"{share[0] / share[1]:.1%} ({share[0]} of {share[1]})",
                    "yes" if share[0] / share[1] >= TARGETS["unrelated"] else "no",
                )
            )
        else:
            rows.append((f"newsroom, unrelated pages still cached after a publish ({size})", "not measured", "n/a"))
    return rows


def print_table(results, args):
    measured = [result for result in results if result.get("newsroom")]
    if not measured:
        return
    print(
        f"{'size':>8} {'newsroom phase':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'rps':>5} {'p99':>6} "
        f"{'hits':>6}  writes"
    )
    for result in measured:
        newsroom = result["newsroom"]
        for phase, (run, rps, p99) in figures(newsroom).items():
            writes = describe_writes(newsroom["phases"][phase].get("writes"))
            print(
                f"{result['size']:>8,} {PHASES[phase]:<44} {run['rps']:>9,.1f} {run['p50_ms']:>8.2f} "
                f"{run['p99_ms']:>8.2f} {rps:>5.0%} {p99:>5.2f}× {percent(hit_share(run)):>6}  {writes}"
            )
        print(f"{'':>8} unrelated pages still cached after a publish: {describe_unrelated(newsroom)}")
        for line in details(result, args)[1:]:
            print(f"{'':>8} {line.strip()}")
    print()


def main():
    if sys.argv[1:2] == ["--prepare"]:
        prepare(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--write"]:
        write(json.loads(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
