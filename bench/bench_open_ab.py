"""Open time of this tree vs an older tree, interleaved in one run (before/after a change).

Two worker processes, one per tree, each import that tree's ``bench/bench_open.py``
and open link pairs on command (answer applied at once, no filtering: the
``gap 0`` row of bench_open). The driver alternates the trees open by open, so
load on the shared machine hits both alike, and also has each worker open a stock
aiortc pair (which neither tree changes) as a control. Make the older tree with
``git archive <commit> | tar -x -C DIR``:

    python bench/bench_open_ab.py --before DIR [--reps 60]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

WORKER = """
import asyncio, json, logging, sys
sys.path.insert(0, "bench")
import bench_open
from webrtc_party import _aioice_patch as patch
logging.getLogger("webrtc_party").setLevel(logging.ERROR)
patch.install()
for line in sys.stdin:
    what = line.strip()
    if what == "ours":
        ms = asyncio.run(bench_open.open_ours(0.0, False, True))[0]
    else:
        ms = asyncio.run(bench_open.open_stock(0.0, False, True))[0]
    print(json.dumps(ms), flush=True)
"""


def worker(tree: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def ask(proc: subprocess.Popen[str], what: str) -> float:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(what + "\n")
    proc.stdin.flush()
    return float(json.loads(proc.stdout.readline()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="the older tree")
    parser.add_argument("--reps", type=int, default=60)
    opts = parser.parse_args()
    trees = {"before": opts.before.resolve(), "after": HERE}
    procs = {name: worker(tree) for name, tree in trees.items()}
    samples: dict[tuple[str, str], list[float]] = {
        (name, what): [] for name in trees for what in ("ours", "stock")
    }
    try:
        for rep in range(opts.reps):
            order = list(samples) if rep % 2 == 0 else list(reversed(samples))
            for name, what in order:
                samples[name, what].append(ask(procs[name], what))
    finally:
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
    med = {key: statistics.median(values) for key, values in samples.items()}
    print(f"{opts.reps} opens per row, interleaved; offerer open time after the answer, ms")
    print()
    print("| tree | variant | median (ms) | p90 (ms) | ratio vs before (median) |")
    print("|---|---|---|---|---|")
    for (name, what), values in samples.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        ratio = med[name, what] / med["before", what]
        label = "ours (Link, tokens)" if what == "ours" else "stock aiortc, loopback (control)"
        print(f"| {name} | {label} | {med[name, what]:.1f} | {p90:.1f} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
