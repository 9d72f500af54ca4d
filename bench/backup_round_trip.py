"""The backup round trip at archive scale: the `backup` scenario of `make load` (bench/load.py).

Its own database (newsroom_backup_bench, created when missing, filled with `generate_archive` up to
--backup-articles, 100,000 by default) and a folder of media files are backed up with `backup_site
--with-media`, then restored with `restore_site` into a second database created afresh and migrated
(the first one's name + `_restored`) and a new MEDIA_ROOT. Each command runs in a fresh child process
that reports its wall time and the peak resident size of the largest process under it (the command, or
pg_dump / pg_restore). Then it compares the row counts of every backed-up table (the derived ones, which
the restore rebuilds, too), 1,000 random articles with their bylines and tag links as `row_to_json`
text, and the SHA-256 of every media file.

    python bench/backup_round_trip.py --measure manage.py backup_site …   # one measured command (internal)
"""

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tooling import PROJECT_DIR, PYTHON, child_json, manage

SAMPLE = 1_000
MEDIA_FILES, MEDIA_FILE_BYTES = 200, 64 * 1024
# Tables whose rows a backup leaves out, so the restored site differs there by design.
NOT_BACKED_UP = ("django_session", "django_migrations", "axes_", "newsletter_")
# (table, the column naming the article): the sampled articles' own rows and their links.
SAMPLED = [
    ("articles_article", "id"),
    ("articles_byline", "article_id"),
    ("articles_taggedregion", "content_object_id"),
    ("articles_taggedtopic", "content_object_id"),
    ("articles_articletransition", "article_id"),
]


def log(message):
    print(f"[backup {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure(command):
    """Run command (manage.py and its arguments) here; print its wall time and peak memory as JSON."""
    started = time.perf_counter()
    result = subprocess.run([PYTHON, *command], cwd=PROJECT_DIR, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux: the largest process waited for
    tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
    print(
        json.dumps(
            {"seconds": round(seconds, 1), "peak_mb": round(peak / 1024), "exit": result.returncode, "tail": tail}
        )
    )


def measured(env, *args):
    outcome = child_json(Path(__file__).resolve(), "--measure", env, "manage.py", *args)
    if outcome["exit"] != 0:
        raise SystemExit(f"{args[0]} failed: {' / '.join(outcome['tail'])}")
    return outcome


# --- databases ------------------------------------------------------------------------------------------------------


def connect(url):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def server_url(url):
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def create_database(url, *, fresh):
    name = urlsplit(url).path.lstrip("/")
    with connect(server_url(url)) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if fresh or not exists:
            server.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    with connect(server_url(url)) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


def table_counts(url):
    with connect(url) as db:
        tables = [
            name
            for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            if not name.startswith(NOT_BACKED_UP)
        ]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def sampled_rows(url, ids):
    """{table: [row as JSON text]} of the sampled articles and their links, in key order."""
    with connect(url) as db:
        return {
            table: [
                text
                for (text,) in db.execute(
                    f"SELECT row_to_json(t)::text FROM {table} t WHERE {column} = ANY(%s) ORDER BY id", [ids]
                )
            ]
            for table, column in SAMPLED
        }


def media_checksums(root):
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_media(root):
    """MEDIA_FILES files of random bytes (like uploaded pictures, which do not compress)."""
    for number in range(MEDIA_FILES):
        path = Path(root) / "bench" / f"{number // 50:02d}" / f"{number:04d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(MEDIA_FILE_BYTES))


# --- the round trip -------------------------------------------------------------------------------------------------


def round_trip(env, workdir, database, articles):
    """Back up `database`, restore it into a new one, compare; the figures as a dict."""
    restored_url = urlunsplit(urlsplit(database)._replace(path=urlsplit(database).path + "_restored"))
    source_env = {**env, "DATABASE_URL": database, "MEDIA_ROOT": str(workdir / "media")}
    target_env = {**env, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(workdir / "media-restored")}
    create_database(database, fresh=False)
    manage(source_env, "migrate", "--noinput", "-v0")
    total = table_counts(database)["articles_article"]
    if total < articles:
        log(f"{total:,} articles; adding {articles - total:,} with generate_archive")
        manage(source_env, "generate_archive", "--articles", str(articles - total), "--seed", "16")
    write_media(source_env["MEDIA_ROOT"])
    archive = workdir / "site.zip"
    load_before = os.getloadavg()
    log(f"backup_site of {max(total, articles):,} articles; load average {load_before[0]:.2f}")
    backup = measured(source_env, "backup_site", str(archive), "--with-media")
    log(f"backup: {backup['seconds']} s, peak {backup['peak_mb']} MB, {archive.stat().st_size / 1e6:.0f} MB archive")

    create_database(restored_url, fresh=True)
    manage(target_env, "migrate", "--noinput", "-v0")
    log(f"restore_site into a new database; load average {os.getloadavg()[0]:.2f}")
    restore = measured(target_env, "restore_site", str(archive))
    log(f"restore: {restore['seconds']} s, peak {restore['peak_mb']} MB")

    source_counts, restored_counts = table_counts(database), table_counts(restored_url)
    with connect(database) as db:
        db.execute("SELECT setseed(0.42)")
        ids = [pk for (pk,) in db.execute("SELECT id FROM articles_article ORDER BY random() LIMIT %s", [SAMPLE])]
    source_rows, restored_rows = sampled_rows(database, ids), sampled_rows(restored_url, ids)
    media_before, media_after = media_checksums(source_env["MEDIA_ROOT"]), media_checksums(target_env["MEDIA_ROOT"])
    drop_database(restored_url)
    archive_mb = round(archive.stat().st_size / 1e6, 1)
    archive.unlink()
    for folder in ("media", "media-restored"):
        shutil.rmtree(workdir / folder, ignore_errors=True)
    return {
        "articles": source_counts["articles_article"],
        "rows": sum(source_counts.values()),
        "archive_mb": archive_mb,
        "backup_seconds": backup["seconds"],
        "backup_peak_mb": backup["peak_mb"],
        "restore_seconds": restore["seconds"],
        "restore_peak_mb": restore["peak_mb"],
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
        "tables_compared": len(source_counts),
        "counts_differ": {
            t: [n, restored_counts.get(t)] for t, n in source_counts.items() if restored_counts.get(t) != n
        },
        "sampled_articles": len(ids),
        "sampled_rows": sum(len(rows) for rows in source_rows.values()),
        "sampled_rows_differ": sum(
            1 for table in source_rows for a, b in zip(source_rows[table], restored_rows[table], strict=False) if a != b
        )
        + sum(abs(len(source_rows[t]) - len(restored_rows[t])) for t in source_rows),
        "media_files": len(media_before),
        "media_identical": media_before == media_after,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
