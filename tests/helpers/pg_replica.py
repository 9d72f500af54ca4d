"""A PostgreSQL primary and a streaming replica of it, each its own cluster in a temporary folder.

Made with Debian's PostgreSQL tools (initdb, pg_basebackup -R, pg_ctl) on free ports, so the
machine's own cluster and its configuration are never touched. As root, the tools run as the
`postgres` user, which PostgreSQL requires.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg

from tests.helpers.smtp import free_port


def postgres_bin_dir():
    found = shutil.which("pg_config")
    if found:
        result = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        candidate = Path(result.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _run(command, *, user):
    prefix = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, timeout=120)


class Cluster:
    def __init__(self, bin_dir, folder, port, user):
        self.bin_dir, self.folder, self.port, self.user = bin_dir, folder, port, user

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database="postgres"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True)

    def start(self):
        _run(
            [self.bin_dir / "pg_ctl", "-D", self.folder, "-l", self.folder / "server.log", "-w", "-t", "60", "start"],
            user=self.user,
        )

    def stop(self):
        _run([self.bin_dir / "pg_ctl", "-D", self.folder, "-m", "fast", "-w", "stop"], user=self.user)

    def restart(self):
        _run([self.bin_dir / "pg_ctl", "-D", self.folder, "-m", "fast", "-w", "-t", "60", "restart"], user=self.user)


@contextmanager
def primary_and_replica():
    """Yield (primary, replica) Clusters, replication running; stop and remove both afterwards."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server tools (initdb, pg_ctl, pg_basebackup) are not installed")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    root = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    primary = Cluster(bin_dir, root / "primary", free_port(), user)
    replica = Cluster(bin_dir, root / "replica", free_port(), user)
    started = []
    try:
        _run([bin_dir / "initdb", "-D", primary.folder, "-U", "postgres", "--auth=trust", "-E", "UTF8"], user=user)
        settings = [
            f"port = {primary.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{root}'",
            "wal_level = replica",
            "max_wal_senders = 5",
            "fsync = off",
            "full_page_writes = off",
            "synchronous_commit = off",
        ]
        with open(primary.folder / "postgresql.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")
        primary.start()
        started.append(primary)
        _run(
            [
                bin_dir / "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                primary.port,
                "-U",
                "postgres",
                "-D",
                replica.folder,
                "-R",
                "-X",
                "stream",
            ],
            user=user,
        )
        with open(replica.folder / "postgresql.conf", "a") as conf:
            conf.write(f"port = {replica.port}\nhot_standby = on\n")
        replica.start()
        started.append(replica)
        deadline = time.monotonic() + 30
        with primary.connect() as connection:
            while not connection.execute(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
            ).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise RuntimeError("the replica did not start streaming")
                time.sleep(0.2)
        yield primary, replica
    finally:
        for cluster in reversed(started):
            with suppress(subprocess.SubprocessError):
                cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_for_replay(primary, replica, timeout=30):
    """Block until the replica has replayed everything the primary has written so far."""
    with primary.connect() as connection:
        target = connection.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    deadline = time.monotonic() + timeout
    with replica.connect() as connection:
        while not connection.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not catch up")
            time.sleep(0.1)
