"""The W3C Nu HTML checker (vnu.jar, from the `vnu-jar` npm package), run over rendered pages.

`.ci/run` installs the jar into `.tools/` (ignored by git); `VNU_JAR` names another copy.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_JAR = PROJECT_DIR / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing_reason():
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install default-jre-headless)"
    if not jar_path().exists():
        return f"vnu.jar not found at {jar_path()} (npm install --prefix .tools vnu-jar, or set VNU_JAR)"
    return None


def jar_path():
    return Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)


def check_documents(documents, folder):
    """{name: [error message, ...]} for {name: HTML text}, checked in one run of the checker."""
    paths = {}
    for name, html in documents.items():
        path = Path(folder) / f"{len(paths):03d}.html"
        path.write_text(html, encoding="utf-8")
        paths[path.name] = name
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(jar_path()),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *(str(Path(folder) / file) for file in paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = {name: [] for name in documents}
    for message in report["messages"]:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "")
        name = paths.get(url.rsplit("/", 1)[-1], url or "(the checker)")
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(f"{where}: {message['message']} [{message.get('extract', '').strip()}]")
    return errors
