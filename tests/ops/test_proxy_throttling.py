"""Sign-in throttling behind the TLS proxy: per client address (from X-Forwarded-For) and username.

The proxy's settings are read from a production-like settings module started with
BEHIND_TLS_PROXY=1, so the test follows what `newsroom/settings.py` really configures.
"""

import json

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tests.project.test_setup import run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # the address the proxy reaches the app server from
EDITOR_AT = "198.51.100.7"
ATTACKER_AT = "203.0.113.66"
PROXY_SETTINGS = [
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_STRICT",
]


def settings_behind_proxies(count):
    code = f"from django.conf import settings; print(json.dumps({{n: getattr(settings, n, None) for n in {PROXY_SETTINGS}}}))"
    result = run_manage(
        "shell", "-c", f"import json; {code}", env_overrides={"BEHIND_TLS_PROXY": "1", "PROXY_COUNT": str(count)}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def one_proxy():
    return settings_behind_proxies(1)


@pytest.fixture
def behind_proxy(settings, one_proxy):
    for name, value in one_proxy.items():
        setattr(settings, name, value)


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def sign_in(client, password, forwarded_for):
    """A sign-in as the proxy passes it on: it appends the address it was reached from to X-Forwarded-For."""
    return client.post(
        "/admin/login/",
        {"username": "editor", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_an_attacker_behind_the_proxy_cannot_lock_an_editor_out_from_everywhere(client, editor, behind_proxy):
    for _ in range(6):
        sign_in(client, "wrong", ATTACKER_AT)
    assert sign_in(client, PASSWORD, ATTACKER_AT).status_code == 429  # the attacker's address is locked
    assert AccessAttempt.objects.get().ip_address == ATTACKER_AT
    editor_client = client.__class__()
    assert sign_in(editor_client, PASSWORD, EDITOR_AT).status_code == 302


def test_a_forged_forwarded_for_does_not_pose_as_the_editor(client, editor, behind_proxy):
    # The attacker sends the editor's address; the proxy appends the attacker's own.
    for _ in range(6):
        sign_in(client, "wrong", f"{EDITOR_AT}, {ATTACKER_AT}")
    assert not AccessAttempt.objects.filter(ip_address=EDITOR_AT).exists()
    assert sign_in(client.__class__(), PASSWORD, EDITOR_AT).status_code == 302


def test_several_proxies_read_exactly_that_many_entries(settings):
    for name, value in settings_behind_proxies(2).items():
        setattr(settings, name, value)
    factory = RequestFactory()

    def client_ip(forwarded_for):
        return get_client_ip_address(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for))

    # CDN then the TLS proxy: the header holds the client and the CDN's address.
    assert client_ip(f"{EDITOR_AT}, 192.0.2.10") == EDITOR_AT
    # A forged extra entry is not trusted.
    assert client_ip(f"{EDITOR_AT}, {ATTACKER_AT}, 192.0.2.10") != EDITOR_AT


def test_without_a_proxy_the_header_is_ignored(client, editor):
    # Rotating forged X-Forwarded-For values does not escape the lockout of the real address.
    for number in range(6):
        client.post(
            "/admin/login/",
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR=ATTACKER_AT,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    locked = client.post("/admin/login/", {"username": "editor", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_AT)
    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_AT}
