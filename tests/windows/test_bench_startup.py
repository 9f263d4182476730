"""bench/bench_startup.py still runs: one repetition, a full table, nothing heavy at import.

Not a timing test: the numbers are only checked to be measured; which modules load is a fact.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_one_repetition_measures_every_row() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_startup.py"), "--reps", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in done.stdout.splitlines()
        if line.startswith("| this tree |")
    ]
    by_what = {row[1]: row for row in rows}
    assert len(by_what) == 4, done.stdout
    imported = by_what["`import webrtc_party.rose`"]
    assert imported[5] == "none"  # no aiortc, av or aiohttp.web
    enable = by_what["first `enable()` -> invite (cold)"]
    assert float(enable[6]) > 0 and float(enable[3]) > 0
