"""The dependency audit (`.ci/audit_dependencies.py`): it says "no known vulnerabilities" only after a real check.

pip-audit itself prints "No known vulnerabilities found" when its service could look up none of the packages;
the finding was that the audit was unverified while looking fine.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.outage import closed_port

SCRIPT = Path(__file__).resolve().parent.parent.parent / ".ci" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_pip_audit_all_packages_skipped_is_not_checked_though_pip_audit_says_no_known_vulnerabilities():
    skipped = report(
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"},
        {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited: pillow (13.0.0)"},
    )
    outcome, lines = audit.summarise(0, skipped, "No known vulnerabilities found\n", "pypi")
    assert outcome == "unchecked"
    assert "none of the 2 installed packages" in lines[0]


def test_pip_audit_unreachable_service_is_not_checked():
    stderr = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries"
    assert audit.summarise(1, "", stderr, "osv") == (
        "unchecked",
        ["the osv vulnerability service could not be reached"],
    )


def test_pip_audit_vulnerabilities_found_fail_the_step_with_each_advisory():
    found = report(
        {"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"]}]},
        {"name": "pillow", "version": "13.0.0", "vulns": []},
    )
    outcome, lines = audit.summarise(1, found, "Found 1 known vulnerability in 1 package\n", "pypi")
    assert outcome == "vulnerable"
    assert "django 5.2.19: PYSEC-0000-1 (fixed in 5.2.20)" in lines


def test_pip_audit_a_real_check_names_what_it_could_not_look_up():
    partial = report(
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "newsroom-private", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    )
    outcome, lines = audit.summarise(0, partial, "", "pypi")
    assert outcome == "clean"
    assert lines == [
        "Checked 1 packages against pypi: no known vulnerabilities.",
        "Not checked (1, not found by pypi): newsroom-private",
    ]


def test_pip_audit_run_with_no_service_reachable_says_not_checked():
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {**os.environ, "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--strict", "--python", sys.executable],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "DEPENDENCY AUDIT NOT CHECKED" in done.stdout
    assert "no known vulnerabilities" not in done.stdout.lower()
