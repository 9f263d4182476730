"""Long fuzz run of the token decoding and chat recovery targets (tests/fuzz_targets.py).

Runs every target for ``--cases`` Hypothesis examples (no example database, no
deadline) and prints one markdown row per target: cases run, crashes (a check
that failed or an exception other than ``TokenError``: Hypothesis stops at the
first and shrinks it, which is printed), seconds, and the process's peak RSS.
Run from the repository root with the repository on ``PYTHONPATH``:

    python bench/fuzz_tokens.py --cases 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_targets import TARGETS, Target


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_target(target: Target, cases: int) -> tuple[int, int, float, str]:
    count = 0

    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    @given(target.strategy)
    def run(case: object) -> None:
        nonlocal count
        count += 1
        target.check(case)

    started = time.perf_counter()
    crash = ""
    try:
        run()
    except Exception:
        crash = traceback.format_exc(limit=3)
    return count, 1 if crash else 0, time.perf_counter() - started, crash


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000, help="examples per target")
    opts = parser.parse_args()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"CPython {platform.python_version()}; {opts.cases} cases per target"
    )
    print()
    print("| target | cases run | crashes | seconds | peak RSS after (MiB) |")
    print("|---|---|---|---|---|")
    crashes = 0
    for target in TARGETS:
        count, crashed, seconds, crash = run_target(target, opts.cases)
        crashes += crashed
        print(f"| {target.name} | {count} | {crashed} | {seconds:.0f} | {peak_rss_mib():.1f} |")
        if crash:
            print(f"<!-- crash in {target.name}:\n{crash}\n-->")
        sys.stdout.flush()
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
