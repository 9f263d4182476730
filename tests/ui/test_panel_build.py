"""The shipped plugin (webrtc_party/rose/plugin/ROSE-PartyMode/index.js) is the build of
panel/src/: `node panel/build.mjs --check` rebuilds it in memory with the pinned esbuild and
compares. Needs node and `npm ci` in panel/ (.ci/run does both); skips without them, fails
under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PANEL = Path(__file__).resolve().parents[2] / "panel"
PLUGIN_DIR = PANEL.parent / "webrtc_party" / "rose" / "plugin" / "ROSE-PartyMode"


def node_or_skip() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "node is not installed (apt-get install nodejs npm)"
    elif not (PANEL / "node_modules" / "esbuild").is_dir():
        reason = "panel/node_modules is missing (run `npm ci` in panel/)"
    if reason is None and node is not None:
        return node
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the panel build check cannot run under CI: {reason}", pytrace=False)
    pytest.skip(str(reason))


def test_the_committed_plugin_is_the_build_of_panel_src() -> None:
    node = node_or_skip()
    done = subprocess.run(
        [node, "build.mjs", "--check"], cwd=PANEL, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr or done.stdout


def test_the_shipped_folder_holds_the_plugin_only() -> None:
    # The sources, tests and node_modules stay in panel/, out of the wheel.
    assert sorted(p.name for p in PLUGIN_DIR.iterdir()) == ["bridge-key.json", "index.js"]
    header = (PLUGIN_DIR / "index.js").read_text(encoding="utf-8")[:400]
    assert "@name ROSE-PartyMode" in header and "Built from panel/src/" in header
