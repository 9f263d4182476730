"""The code that runs on Windows type-checks as Windows code (``mypy --strict --platform win32``).

Checked: the package, ``signaling`` and these Windows tests, i.e. everything a Rose user runs.
Not checked here: the NAT lab (tests/natlab: network namespaces) and bench/bench_party_node.py
(``resource``, ``os.getloadavg``), which are Linux-only tools and never run on Windows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS_CODE = ("webrtc_party", "signaling", "tests/windows")


@pytest.mark.timeout(600)
def test_mypy_strict_as_windows() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--platform", "win32", *WINDOWS_CODE],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert "Success" in done.stdout
