"""Two app servers, as in production: two gunicorn instances on their own ports sharing one PostgreSQL
primary with a streaming replica, one Redis and one S3-compatible bucket (moto in server mode).

A story an editor publishes through one server is on every page of the other at once; an image put in
the shared bucket by one is served to readers of the other; a sign-in lockout recorded through one holds
on the other; the page cache's shared state lives in Redis (no file in a temp dir).
"""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
import redis

from tests.helpers.pg_replica import primary_and_replica, wait_for_replay
from tests.helpers.s3 import CREDENTIALS, public_read_policy, s3_server
from tests.integration.test_varnish import IGNORED_ENV, free_port

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PASSWORD = "correct horse battery staple"

SEED = """
import json
from articles import services
from tests.helpers.factories import make_article, make_user
from tests.helpers.images import image_bytes, upload
editor = make_user("Editor", username="editor")
editor.set_password({password!r}); editor.save()
old = make_article("Quiet Monday in Pimlico", regions=["London"], topics=["Culture"])
services.article_publish(article=old, user=editor)
new = make_article("Council backs the library plan", regions=["Pimlico"], topics=["Politics"],
                   hero_image=upload("library.jpg", image_bytes("JPEG", size=(1200, 800))), hero_alt="The library", hero_credit="Photo: Jo Bloggs")
print(json.dumps({{"old": old.pk, "new": new.pk, "new_url": new.get_absolute_url()}}))
"""


class Browser:
    """A client with its own cookies, talking to one server."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        try:
            with self.opener.open(f"{self.base}{path}", timeout=20) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path, data, form_path=None):
        _status, page = self.get(form_path or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body, headers={"Referer": f"{self.base}{path}"})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def answers(port):
    try:
        return Browser(port).get("/healthz")[0] == 200
    except OSError:
        return False


def start_gunicorn(env, folder, name):
    port = free_port()
    log = open(folder / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    process.log = log
    deadline = time.monotonic() + 40
    while not answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((folder / f"{name}.log").read_text()[-2000:])
        time.sleep(0.3)
    return port, process


@pytest.fixture(scope="module")
def servers():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    with primary_and_replica() as (primary, replica), s3_server() as endpoint:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-two-servers-"))
        bucket = f"media-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
        with primary.connect() as connection:
            connection.execute("CREATE DATABASE newsroom")
        env = {key: value for key, value in os.environ.items() if key not in IGNORED_ENV}
        generation_dir = folder / "must-stay-empty"
        env.update(
            CREDENTIALS,
            DATABASE_URL=primary.url("newsroom"),
            DATABASE_REPLICA_URLS=replica.url("newsroom"),
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=f"newsroom-two-{uuid.uuid4().hex[:8]}",
            MEDIA_STORAGE_URL=f"s3://{bucket}/site?endpoint_url={endpoint}&region=eu-west-2",
            PAGE_CACHE="1",
            PAGE_CACHE_GENERATION_DIR=str(generation_dir),
            RELEASE="two-servers-test",
            DEBUG="0",
            CONN_MAX_AGE="0",
            # The balanced restart test signs up many readers from this machine's one address.
            NEWSLETTER_SIGNUP_RATE="10000/h",
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        ids = json.loads(manage(env, "shell", "-c", SEED.format(password=PASSWORD)).strip().splitlines()[-1])
        started = [start_gunicorn(env, folder, "a"), start_gunicorn(env, folder, "b")]
        try:
            yield {
                "a": started[0][0],
                "b": started[1][0],
                "ids": ids,
                "primary": primary,
                "replica": replica,
                "generation_dir": generation_dir,
                "env": env,
                "folder": folder,
            }
        finally:
            for _port, process in started:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
                process.log.close()


def test_a_story_published_through_one_server_is_on_every_page_of_the_other(servers):
    wait_for_replay(servers["primary"], servers["replica"])
    reader = Browser(servers["b"])
    headline = "Council backs the library plan"
    pages = ["/", "/region/pimlico/", "/topic/politics/", "/feed/"]
    for path in pages:  # read (and cached) on B before the publish; the sections have no live story yet
        status, body = reader.get(path)
        assert status in {200, 404} and headline not in body, path

    editor = Browser(servers["a"])
    status, _page = editor.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}, form_path="/admin/login/"
    )
    assert status == 200
    change = f"/admin/articles/article/{servers['ids']['new']}/change/"
    status, _page = editor.post(
        f"/admin/articles/article/{servers['ids']['new']}/transition/publish/", {"comment": ""}, form_path=change
    )
    assert status == 200
    assert "is now live" in _page, re.findall(r"messagelist.{0,600}", _page, re.S)

    for path in [*pages, servers["ids"]["new_url"]]:
        status, body = reader.get(path)
        assert status == 200 and headline in body, path

    # The hero image was stored in the bucket; B's page links it there and readers get its bytes.
    _status, page = reader.get(servers["ids"]["new_url"])
    image = re.search(r'<img src="(http://[^"]+\.jpg)"', page) or re.search(r'srcset="(http://[^" ]+)', page)
    assert image, "the story page links its image in the bucket"
    with urllib.request.urlopen(image.group(1), timeout=10) as response:
        assert response.status == 200 and response.read()[:2] in {b"\xff\xd8", b"RI"}
    assert not servers["generation_dir"].exists(), "shared state lives in Redis, not in a file"


def test_a_lockout_through_one_server_holds_on_the_other(servers):
    attacker = Browser(servers["a"])
    for _ in range(5):
        attacker.post("/admin/login/", {"username": "editor", "password": "wrong"})
    status, body = Browser(servers["b"]).post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert status == 429 and "Too many sign-in attempts" in body


BALANCED_SEED = """
import json
from tests.helpers.factories import make_article, make_user
editor = make_user("Editor", username="balanced-editor")
editor.set_password({password!r}); editor.save()
draft = make_article("Draft kept by autosave")
stories = [make_article(f"Balanced story {{n}}", regions=["London"], topics=["Culture"]).pk for n in range(12)]
print(json.dumps({{"username": editor.username, "password": {password!r}, "user": editor.pk, "draft": draft.pk,
                  "version": draft.version, "stories": stories}}))
"""


def bench_cluster():
    """The load runs' balancer, client and writers (bench/cluster.py), shared with this test."""
    sys.path.insert(0, str(PROJECT_DIR / "bench"))
    import cluster

    return cluster


def test_behind_one_address_a_database_restart_loses_no_acknowledged_write(servers):
    """HAProxy in front of both servers; readers sign up, an editor autosaves and publishes, through it, while the
    primary is stopped and started: every acknowledged write is in the database, errors only inside the outage
    (503 pages), and every kind of write succeeds again within 5 s of the database answering."""
    if not Path("/usr/sbin/haproxy").exists():
        pytest.skip("HAProxy is not installed at /usr/sbin/haproxy (apt-get install haproxy)")
    bench = bench_cluster()
    prepared = json.loads(
        manage(servers["env"], "shell", "-c", BALANCED_SEED.format(password=PASSWORD)).strip().splitlines()[-1]
    )
    balancer = bench.Balancer(servers["folder"], [servers["a"], servers["b"]])
    try:
        editor = bench.Client(balancer.port)
        editor.sign_in(prepared["username"], prepared["password"])
        writers = [
            bench.SignUps(balancer.port, uuid.uuid4().hex[:6]),
            bench.Autosaves(editor, prepared),
            bench.Publishes(editor, prepared),
        ]
        for writer in writers:
            writer.start()
        time.sleep(3)
        outage_start = time.time()
        servers["primary"].stop()
        time.sleep(2)
        servers["primary"].start()
        back = time.time()
        time.sleep(7)
        for writer in writers:
            writer.stopping.set()
        for writer in writers:
            writer.join(timeout=30)
        served = {name: int(row["stot"]) for name, row in balancer.stats().items()}
    finally:
        balancer.stop()
    sign_ups, autosaves, publishes = writers
    for writer in writers:
        outcome = bench.timeline(writer.attempts, outage_start, back, lambda one: one["acknowledged"])
        assert outcome["errors_outside_outage"] == 0, (type(writer).__name__, writer.attempts)
        assert set(outcome["statuses"]) <= {0, 503}, (type(writer).__name__, outcome)
        assert outcome["recovery_seconds"] is not None and outcome["recovery_seconds"] <= 5, (
            type(writer).__name__,
            outcome,
        )
    assert any(not one["acknowledged"] for one in sign_ups.attempts), "the outage refused some sign-ups"
    writes = bench.lost_writes(servers["primary"].url("newsroom"), prepared, sign_ups, autosaves, publishes)
    assert writes["sign_ups_acknowledged"] > 20 and writes["sign_ups_missing"] == []
    assert writes["autosaves_acknowledged"] > 20 and not writes["autosave_lost"]
    assert writes["publishes_acknowledged"] >= 3 and writes["publishes_not_live"] == []
    assert writes["stories_published_twice"] == []
    assert min(served.values()) > 10, f"both app servers answered through the balancer: {served}"
