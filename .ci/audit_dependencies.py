#!/usr/bin/env python3
"""Check the installed (pinned) dependencies against a public vulnerability database with pip-audit.

Three outcomes, each said plainly, never confused:
  checked, nothing known      exit 0, "no known vulnerabilities" in N packages, naming any it could not look up
  checked, vulnerabilities    exit 1, one line per package, version, advisory and fixed versions
  not checked                 exit 0 (exit 2 with --strict): "NOT CHECKED", with the reason (no service reachable,
                              pip-audit missing or failing); it never says "no known vulnerabilities" then.

The services are tried in turn (PyPI's advisories, then OSV); the first that answers decides.
Usage: .venv/bin/python .ci/audit_dependencies.py [--strict] [--python .venv/bin/python]
"""

import argparse
import json
import subprocess
import sys

SERVICES = ("pypi", "osv")
TIMEOUT_SECONDS = 300
UNREACHABLE_HINTS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Connection refused",
    "timed out",
    "ProxyError",
    "SSLError",
)


def run_pip_audit(python, service):
    command = [
        python, "-m", "pip_audit", "--local", "--format", "json", "--progress-spinner", "off",
        "--vulnerability-service", service, "--timeout", "20",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return None, "", f"pip-audit did not finish within {TIMEOUT_SECONDS} s"
    return done.returncode, done.stdout, done.stderr


def summarise(returncode, stdout, stderr, service):
    """(outcome, lines): outcome is "clean", "vulnerable" or "unchecked"."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if isinstance(report, dict) and isinstance(report.get("dependencies"), list):
        dependencies = report["dependencies"]
        found = [
            f"{dependency['name']} {dependency.get('version', '?')}: {vulnerability.get('id', '?')}"
            f" (fixed in {', '.join(vulnerability.get('fix_versions') or []) or 'no release yet'})"
            for dependency in dependencies
            for vulnerability in dependency.get("vulns") or []
        ]
        if found:
            return "vulnerable", [f"Known vulnerabilities ({service}):", *found]
        skipped = [dependency["name"] for dependency in dependencies if "skip_reason" in dependency]
        audited = len(dependencies) - len(skipped)
        if returncode == 0 and audited == 0:
            # pip-audit prints "No known vulnerabilities found" here, having looked nothing up.
            return "unchecked", [f"{service} could look up none of the {len(skipped)} installed packages"]
        if returncode == 0:
            lines = [f"Checked {audited} packages against {service}: no known vulnerabilities."]
            if skipped:
                lines.append(f"Not checked ({len(skipped)}, not found by {service}): {', '.join(skipped)}")
            return "clean", lines
    if returncode is None:
        reason = stderr
    elif "No module named pip_audit" in stderr:
        reason = "pip-audit is not installed (it is pinned in requirements.txt)"
    elif any(hint in stderr for hint in UNREACHABLE_HINTS):
        reason = f"the {service} vulnerability service could not be reached"
    else:
        last = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or [f"exit status {returncode}"]
        reason = f"pip-audit failed with {service}: {last[0]}"
    return "unchecked", [reason]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 2 when nothing could be checked")
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the environment to audit")
    options = parser.parse_args(argv)
    reasons = []
    for service in SERVICES:
        outcome, lines = summarise(*run_pip_audit(options.python, service), service)
        if outcome == "unchecked":
            reasons.extend(lines)
            continue
        print("\n".join(lines))
        return 1 if outcome == "vulnerable" else 0
    print("DEPENDENCY AUDIT NOT CHECKED: nothing was compared with a vulnerability database.")
    for reason in reasons:
        print(f"  - {reason}")
    print("Run it again where a service is reachable before relying on it (see docs/security.md).")
    return 2 if options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
