"""Every page of the sample site is valid HTML to the Nu Html Checker (the W3C's validator, run with Java).

`tools/setup-system.sh` installs the checker, pinned, from the npm registry (`vnu-jar`) into `.tools/vnu/`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import require_tool, skip_unless_ci

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(pages: list[Path], root: Path) -> list[str]:
    """Every error the checker reports on `pages`, as `path:line: message` (paths relative to `root`)."""
    java = require_tool("java", install="install Java (`invoke setup-system` installs default-jre-headless)")
    if not VNU_JAR.is_file():
        skip_unless_ci(f"the Nu Html Checker is not installed at {VNU_JAR.relative_to(ROOT)}: run `invoke setup-system`")
    result = subprocess.run([java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                             *map(str, pages)], capture_output=True, text=True, timeout=900)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert result.returncode in (0, 1) and (result.returncode == 0) == (not messages), result.stderr[-2000:]
    found = []
    for message in messages:
        where = Path(message.get("url", "").removeprefix("file:"))
        where = where.relative_to(root) if where.is_relative_to(root) else where
        found.append(f"{where}:{message.get('lastLine', 0)}: {message['type']}: {message['message']}")
    return found


def test_every_page_of_the_sample_site_is_valid_html(sample_build):
    root = sample_build.outdir.resolve()
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 100
    errors = vnu_errors(pages, root)
    assert errors == [], f"{len(errors)} error(s) in {len(pages)} pages:\n" + "\n".join(errors)
