"""The reference HAProxy configuration in deploy/ is one HAProxy accepts (`haproxy -c`)."""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
HAPROXY = Path("/usr/sbin/haproxy")


def test_the_reference_haproxy_configuration_is_valid(tmp_path):
    if not HAPROXY.exists():
        pytest.skip("HAProxy is not installed at /usr/sbin/haproxy (apt-get install haproxy)")
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate for the check")
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=news.example.org",
         "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    (certs / "site.pem").write_bytes((tmp_path / "cert.pem").read_bytes() + (tmp_path / "key.pem").read_bytes())
    config = (PROJECT_DIR / "deploy" / "haproxy.cfg").read_text()
    assert "/etc/haproxy/certs/" in config and "log /dev/log local0" in config
    config = config.replace("/etc/haproxy/certs/", f"{certs}/").replace("log /dev/log local0", "log stdout local0")
    (tmp_path / "haproxy.cfg").write_text(config)
    result = subprocess.run([HAPROXY, "-c", "-f", tmp_path / "haproxy.cfg"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "uri /healthz" in config, "the health check asks for the process, not the database"
