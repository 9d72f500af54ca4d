"""Helpers shared by the benchmark (run.py) and the load and fault runs (load.py)."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def ensure_wrk(log):
    """Install Debian's wrk when it is missing."""
    if shutil.which("wrk"):
        return
    log("wrk is missing; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def manage(env, *args, capture=False):
    """Run a manage.py command of this project with env; return its output when captured."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def free_port():
    """A free TCP port on the loopback address."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_json(script, flag, env, *args):
    """Run script with flag (and args) in a child process (Django set up there); return the JSON of its last line."""
    output = subprocess.run(
        [PYTHON, str(script), flag, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def setup_django():
    """Set up Django with the project's settings, in a child started by child_json."""
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def database_version(connection):
    """The database's name and version, for the report, e.g. "SQLite 3.40.1"."""
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return connection.vendor
