"""Two app servers behind one address, PostgreSQL restarted mid-run: the `cluster` scenario of `make load`.

HAProxy (Debian's) balances requests round robin over two gunicorn instances that share PostgreSQL, Redis
and the media folder, checking each on /healthz (the process, not the database, so that cached pages are
still served while the database is down). Through that one address, for 40 s:

    readers    wrk at 32 connections over the mix of reader pages (see load.py);
    sign-ups   a reader signing up to the newsletter every 0.2 s (a new address each time);
    autosaves  an editor, signed in through the desk, autosaving a draft every 0.2 s (new text each time);
    publishes  the same editor publishing a prepared story every 2 s with the desk's Publish button;
    probe      a page the page cache cannot have, every 50 ms.

PostgreSQL is stopped 10 s in and started again 3 s later. A sign-up or publish that is not acknowledged is
sent again until it is, as a reader or an editor would. Afterwards every acknowledged write is looked for
in the database: an acknowledged sign-up that is missing, an autosave older than the last acknowledged
one, or an acknowledged publish whose story is not live is a lost write (target: none).
"""

import base64
import http.client
import json
import secrets
import subprocess
import threading
import time
import urllib.parse
import zlib
from pathlib import Path

from runners import Server, WrkRun, get
from tooling import PYTHON, free_port, setup_django

SECONDS, DOWN_AFTER, DOWN_FOR = 40, 10, 3
WRITE_EVERY, PUBLISH_EVERY = 0.2, 2.0
STORIES = 30
# Each app server: two processes of four threads (the machine has two cores for both, and wrk).
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "30"]
GUNICORN += ["--graceful-timeout", "10", "--backlog", "2048", "--keep-alive", "5"]
SUCCESS_LEVEL = 25

HAPROXY_CONFIG = """\
global
    maxconn 4096
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    retry-on conn-failure empty-response
    option redispatch

frontend site
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz hdr Host 127.0.0.1
    http-check expect status 200
{servers}
"""


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- in the prepare child (Django set up) ----------------------------------------------------------------------------


def prepare():
    """Make the editor (with a fresh password), the draft they autosave and the stories they publish; print JSON."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import services
    from articles.models import Article
    from articles.roles import EDITOR

    password = secrets.token_urlsafe(24)
    editor, _ = get_user_model().objects.get_or_create(username="load-editor", defaults={"is_staff": True})
    editor.set_password(password)
    editor.save()
    editor.groups.add(Group.objects.get(name=EDITOR))
    source = Article.objects.live().order_by("pk").first()
    authors, regions, topics = list(source.authors), list(source.regions.all()), list(source.topics.all())
    draft = services.article_create(headline="Desk draft kept by autosave", user=editor)
    stories = []
    for number in range(STORIES):
        story = services.article_create(
            headline=f"Cluster story {number + 1}: {source.headline}"[:120],
            user=editor,
            standfirst=source.standfirst,
            body=source.body,
            authors=authors,
            regions=regions,
            topics=topics,
        )
        if missing := story.missing_for_publication():
            raise SystemExit(f"prepared story {story.pk} cannot be published: missing {', '.join(missing)}")
        stories.append(story.pk)
    draft.refresh_from_db()
    print(
        json.dumps(
            {
                "username": editor.username,
                "password": password,
                "user": editor.pk,
                "draft": draft.pk,
                "version": draft.version,
                "stories": stories,
            }
        )
    )


# --- the load balancer -----------------------------------------------------------------------------------------------


def ensure_haproxy():
    if Path("/usr/sbin/haproxy").exists():
        return
    log("HAProxy is missing; installing it with apt-get")
    env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True, env=env)


class Balancer:
    """HAProxy on a free loopback port in front of the given app server ports; stop() ends it."""

    def __init__(self, workdir, ports):
        self.port = free_port()
        self.socket = workdir / "haproxy.sock"
        servers = "\n".join(
            f"    server app{n} 127.0.0.1:{port} check inter 1s fall 2 rise 1" for n, port in enumerate(ports, 1)
        )
        config = workdir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(socket=self.socket, port=self.port, servers=servers))
        self.logfile = open(workdir / "haproxy.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            ["/usr/sbin/haproxy", "-f", str(config), "-db"], stdout=self.logfile, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited: {(workdir / 'haproxy.log').read_text()[-2000:]}")
            if self.socket.exists() and all(state == "UP" for state in self.server_states().values()):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("haproxy did not see both app servers up within 30 s")

    def stats(self):
        """HAProxy's `show stat` rows of the app servers, by server name."""
        import socket

        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.socket))
            connection.sendall(b"show stat\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        lines = b"".join(chunks).decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {row["svname"]: row for row in rows if row["pxname"] == "app" and row["svname"].startswith("app")}

    def get(self, path, *, timeout=10):
        return get(self.port, path, timeout=timeout)

    def server_states(self):
        return {name: row["status"] for name, row in self.stats().items()}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.logfile.close()


# --- a browser-like client -------------------------------------------------------------------------------------------


def django_messages(value):
    """(level, text) of the messages in Django's `messages` cookie (its payload, not its signature, is read)."""
    payload = value.strip('"').split(":", 1)[0]
    data = payload.removeprefix(".")
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    if payload.startswith("."):
        raw = zlib.decompress(raw)
    return [(item[2], item[3]) for item in json.loads(raw) if item and item[0] == "__json_message"]


class Client:
    """Requests to the balancer with a cookie jar of its own. The site's cookies are Secure (production) and this
    talks plain HTTP to the loopback proxy, so the jar sends them back itself. The `messages` cookie is read
    from each response and never sent back, so it holds only that response's messages."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, timeout=10):
        """(status, headers, body, messages) of one request; raises OSError for a connection that failed."""
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        messages = []
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if name == "messages":
                messages = django_messages(value) if value else []
            elif value and "max-age=0" not in rest.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, response.msg, data, messages

    def sign_in(self, username, password):
        self.request("GET", "/admin/login/")
        status, _, _, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the editor could not sign in through the balancer (status {status})")


# --- the writers -------------------------------------------------------------------------------------------------------


class Writer(threading.Thread):
    """Sends one kind of write every `every` seconds until stopped; records each attempt with its outcome."""

    def __init__(self, every):
        super().__init__(daemon=True)
        self.every = every
        self.attempts = []
        self.stopping = threading.Event()

    def attempt(self, what, send):
        """Send once; record (at, what, status, acknowledged); return whether it was acknowledged."""
        at = time.time()
        try:
            status, acknowledged = send()
        except (OSError, ValueError, http.client.HTTPException):
            status, acknowledged = 0, False
        self.attempts.append({"at": at, "what": what, "status": status, "acknowledged": acknowledged})
        return acknowledged

    def until_acknowledged(self, what, send):
        """Send until acknowledged (every `every` seconds), as a reader or editor would; False if stopped first."""
        while not self.stopping.is_set():
            if self.attempt(what, send):
                return True
            self.stopping.wait(self.every)
        return False

    def acknowledged(self):
        return [one["what"] for one in self.attempts if one["acknowledged"]]


class SignUps(Writer):
    def __init__(self, port, run):
        super().__init__(WRITE_EVERY)
        self.client = Client(port)
        self.run_id = run

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            email = f"load-{self.run_id}-{n}@example.org"

            def send(email=email):
                status, headers, _, _ = self.client.request("POST", "/newsletter/", {"email": email})
                return status, status == 302 and "check-your-inbox" in (headers.get("Location") or "")

            self.until_acknowledged(email, send)
            self.stopping.wait(self.every)


class Autosaves(Writer):
    def __init__(self, client, prepared):
        super().__init__(WRITE_EVERY)
        self.client = client
        self.path = f"/admin/articles/article/{prepared['draft']}/autosave/"
        self.version = prepared["version"]

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            form = {"loaded_version": self.version, "store": "on", "body": f"<p>Autosave number {n}.</p>"}

            def send(form=form):
                status, _, body, _ = self.client.request("POST", self.path, form)
                return status, status == 200 and json.loads(body).get("saved_at") is not None

            self.attempt(n, send)
            self.stopping.wait(self.every)


class Publishes(Writer):
    """Publishes each prepared story with the desk's Publish button, again until the desk says it is done."""

    def __init__(self, client, prepared):
        super().__init__(PUBLISH_EVERY)
        self.client = client
        self.stories = list(prepared["stories"])
        self.refused = []

    def publish(self, story):
        form = {"comment": "", "publish_at": "", "embargo_ends_at": "", "when_past": ""}
        status, _, _, messages = self.client.request(
            "POST", f"/admin/articles/article/{story}/transition/publish/", form
        )
        if status == 302 and messages and all(level > SUCCESS_LEVEL for level, _ in messages):
            # Refused in plain words: an earlier attempt whose answer was lost had published it.
            self.refused.append({"story": story, "messages": [text for _, text in messages]})
        return status, status == 302 and any(level == SUCCESS_LEVEL for level, _ in messages)

    def run(self):
        while self.stories and not self.stopping.is_set():
            story = self.stories.pop(0)
            refusals = len(self.refused)
            while not self.stopping.is_set() and not self.attempt(story, lambda story=story: self.publish(story)):
                if len(self.refused) > refusals:
                    break
                self.stopping.wait(WRITE_EVERY)
            self.stopping.wait(self.every)


# --- the run -----------------------------------------------------------------------------------------------------------


def lost_writes(database, prepared, sign_ups, autosaves, publishes):
    """Every acknowledged write looked for in the database: what is missing, by kind."""
    import psycopg

    with psycopg.connect(database, autocommit=True) as connection:
        emails = sign_ups.acknowledged()
        stored = dict(
            connection.execute(
                "SELECT email, count(*) FROM newsletter_subscriber WHERE email = ANY(%s) GROUP BY email", [emails]
            ).fetchall()
        )
        row = connection.execute(
            "SELECT content->>'body' FROM articles_autosave WHERE article_id = %s AND user_id = %s",
            [prepared["draft"], prepared["user"]],
        ).fetchone()
        kept = int(row[0].split("number ")[1].split(".")[0]) if row else 0
        published = publishes.acknowledged() + [refusal["story"] for refusal in publishes.refused]
        live = {
            pk
            for (pk,) in connection.execute(
                "SELECT id FROM articles_article WHERE id = ANY(%s) AND status = 'published' AND publish_at <= now()",
                [published],
            )
        }
        transitions = dict(
            connection.execute(
                "SELECT article_id, count(*) FROM articles_articletransition "
                "WHERE article_id = ANY(%s) AND to_status = 'published' GROUP BY article_id",
                [prepared["stories"]],
            ).fetchall()
        )
    last_acknowledged = max(autosaves.acknowledged(), default=0)
    return {
        "sign_ups_acknowledged": len(emails),
        "sign_ups_missing": [email for email in emails if stored.get(email) != 1],
        "autosaves_acknowledged": len(autosaves.acknowledged()),
        "autosave_last_acknowledged": last_acknowledged,
        "autosave_kept": kept,
        "autosave_lost": kept < last_acknowledged,
        "publishes_acknowledged": len(published),
        "publishes_not_live": [pk for pk in published if pk not in live],  # acknowledged, or refused as done
        "stories_published_twice": [pk for pk, n in transitions.items() if n > 1],
        "publishes_refused": publishes.refused,
    }


def timeline(attempts, outage_start, back, ok):
    """Errors of a stream of attempts against the outage: how many, how many outside it, recovery after it."""
    errors = [one for one in attempts if not ok(one)]
    recovered = next((one["at"] - back for one in attempts if one["at"] >= back and ok(one)), None)
    return {
        "attempts": len(attempts),
        "errors": len(errors),
        "errors_outside_outage": sum(1 for one in errors if not outage_start - 1 <= one["at"] <= back + 5),
        "statuses": sorted({one["status"] for one in errors}),
        "recovery_seconds": recovered,
    }


def cluster(env, workdir, paths_file, args, database, *, probe_class, restart_database):
    """The scenario; `probe_class` and `restart_database` are load.py's."""
    ensure_haproxy()
    smtp_port = free_port()
    env = {
        **env,
        # Every sign-up comes from the one address of this machine: the per-address limit would refuse them.
        "NEWSLETTER_SIGNUP_RATE": "100000/h",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
    }
    child = subprocess.run([PYTHON, __file__, "--prepare"], env=env, capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError(f"preparing the editor and stories failed:\n{child.stderr[-3000:]}")
    prepared = json.loads(child.stdout.splitlines()[-1])
    smtp = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with (
            Server(env, GUNICORN, workdir / "app1.log", ready_path="/robots.txt") as first,
            Server(env, GUNICORN, workdir / "app2.log", ready_path="/robots.txt") as second,
        ):
            balancer = Balancer(workdir, [first.port, second.port])
            try:
                result = run_cluster(balancer, paths_file, args, database, prepared, probe_class, restart_database)
                result["served_by"] = {name: int(row["stot"]) for name, row in balancer.stats().items()}
            finally:
                balancer.stop()
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)
    logs = (workdir / "app1.log").read_text() + (workdir / "app2.log").read_text()
    result["server_errors_logged"] = logs.count("Internal Server Error")
    return result


def run_cluster(balancer, paths_file, args, database, prepared, probe_class, restart_database):
    editor = Client(balancer.port)
    editor.sign_in(prepared["username"], prepared["password"])
    probe = probe_class(balancer, args.probe_path)
    writers = [SignUps(balancer.port, secrets.token_hex(3)), Autosaves(editor, prepared), Publishes(editor, prepared)]
    log(f"cluster: 2 app servers behind HAProxy, {SECONDS} s; PostgreSQL stopped at {DOWN_AFTER} s for {DOWN_FOR} s")
    wrk = WrkRun(balancer.port, paths_file=paths_file, connections=32, seconds=SECONDS)
    for thread in [probe, *writers]:
        thread.start()
    time.sleep(DOWN_AFTER)
    outage_start, _stopped, back = restart_database(DOWN_FOR)
    log(f"PostgreSQL answering again {back - outage_start:.1f} s after the stop began")
    readers = wrk.result()
    for thread in [probe, *writers]:
        thread.stopping.set()
        thread.join(timeout=30)
    sign_ups, autosaves, publishes = writers
    return {
        "outage_seconds": back - outage_start,
        "readers": readers,
        "readers_errors_from": (readers["first_error"] - outage_start) if readers["first_error"] else None,
        "readers_errors_until": (readers["last_error"] - back) if readers["last_error"] else None,
        "probe": timeline(
            [{"at": s["at"], "status": s["status"]} for s in probe.samples],
            outage_start,
            back,
            lambda s: s["status"] == 200,
        ),
        "sign_ups": timeline(sign_ups.attempts, outage_start, back, lambda one: one["acknowledged"]),
        "autosaves": timeline(autosaves.attempts, outage_start, back, lambda one: one["acknowledged"]),
        "publishes": timeline(publishes.attempts, outage_start, back, lambda one: one["acknowledged"]),
        "writes": lost_writes(database, prepared, sign_ups, autosaves, publishes),
    }


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--prepare"]:
        prepare()
