"""What party mode costs Rose at startup, and how long the first enable() takes (cold).

    python bench/bench_startup.py [--reps 5] [--tree NAME=PATH ...]

Every number comes from a fresh interpreter (``python -X importtime``-free, plain): the wall
time of the import statement and the resident memory (``VmRSS``) right after it, next to a
bare interpreter running the same measuring code. "enable" imports what Rose imports at its
startup (``from webrtc_party.rose import PartyManager, PartyInjectionHook``), builds a manager
over a ``PartyService`` on an emulated League client (a separate ``webrtc-party lcu emulate``
process on 127.0.0.1) and times ``enable()`` until the first invite token is back: cold, so
it includes whatever the package had not imported yet.

``--tree NAME=PATH`` measures another checkout side by side (e.g. the commit before the lazy
imports: ``git archive 4cbf5a1 | tar -x -C /tmp/old``); its package is put first on
PYTHONPATH, the measuring code (this file) is the same. Linux only (``/proc/self/status``).
This file imports only the standard library, so the bare baseline is honest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODES = ("bare", "import", "rose", "enable")


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _heavy() -> list[str]:
    return [m for m in ("aiortc", "av", "aiohttp.web") if m in sys.modules]


def child(mode: str, lockfile: str, cafile: str) -> dict[str, Any]:
    """Runs in the fresh interpreter: one measurement."""
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if mode == "import":
        import webrtc_party.rose  # noqa: F401
    elif mode in ("rose", "enable"):
        from webrtc_party.rose import PartyInjectionHook, PartyManager  # noqa: F401
    out["import_ms"] = (time.perf_counter() - start) * 1000
    out["rss_mib"] = _rss_mib()
    out["heavy"] = _heavy()
    if mode == "enable":
        out.update(_enable(lockfile, cafile))
    return out


def _enable(lockfile: str, cafile: str) -> dict[str, Any]:
    from webrtc_party.rose import PartyManager

    def factory() -> Any:  # on the party's thread, as Rose's manager would
        from webrtc_party.config import LinkConfig
        from webrtc_party.interfaces import InterfacePolicy
        from webrtc_party.lcu.client import watch_league
        from webrtc_party.rose import PartyService

        config = LinkConfig(stun=(), interfaces=InterfacePolicy.loopback_only())
        return PartyService(config, lambda: watch_league(Path(lockfile), cafile=Path(cafile)))

    if hasattr(PartyManager, "for_service"):  # Rose's API: enable() is awaited by Rose
        manager: Any = PartyManager.for_service(factory)
        enable = manager.enable_blocking
    else:  # the API before Rose's adoption: a blocking enable()
        manager = PartyManager(factory)
        enable = manager.enable
    start = time.perf_counter()
    token = enable()
    took = (time.perf_counter() - start) * 1000
    rss = _rss_mib()
    manager.close()
    if not token:
        raise SystemExit(f"enable() gave no invite: {manager.last_error}")
    return {"enable_ms": took, "rss_after_enable_mib": rss}


def _run_child(tree: Path, mode: str, lockfile: Path, cafile: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    cmd += ["--lockfile", str(lockfile), "--cafile", str(cafile)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tree} {mode}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _emulator(folder: Path) -> tuple[subprocess.Popen[str], Path, Path]:
    cmd = [sys.executable, "-m", "webrtc_party", "lcu", "emulate", "--dir", str(folder)]
    cmd += ["--interval", "3600"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    lockfile = cafile = None
    assert proc.stdout is not None
    while lockfile is None or cafile is None:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the LCU emulator did not start")
        if line.startswith("lockfile: "):
            lockfile = Path(line.split(": ", 1)[1].strip())
        elif line.startswith("root certificate: "):
            cafile = Path(line.split(": ", 1)[1].strip())
    return proc, lockfile, cafile


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--tree", action="append", default=[], metavar="NAME=PATH")
    p.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    p.add_argument("--lockfile", default="", help=argparse.SUPPRESS)
    p.add_argument("--cafile", default="", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        sys.stdout.write(json.dumps(child(args.child, args.lockfile, args.cafile)) + "\n")
        return
    trees = [("this tree", ROOT)] + [
        (name, Path(path).resolve()) for name, path in (t.split("=", 1) for t in args.tree)
    ]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        proc, lockfile, cafile = _emulator(Path(tmp))
        try:
            rows = _measure(trees, args.reps, lockfile, cafile)
        finally:
            proc.terminate()
            proc.wait(10)
    _print(rows, args.reps)


def _measure(
    trees: list[tuple[str, Path]], reps: int, lockfile: Path, cafile: Path
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _ in range(reps):  # interleaved, so drifting machine load hits every row alike
        for name, tree in trees:
            for mode in MODES:
                rows.setdefault((name, mode), []).append(_run_child(tree, mode, lockfile, cafile))
    return rows


def _median(samples: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(s[key] for s in samples))


def _print(rows: dict[tuple[str, str], list[dict[str, Any]]], reps: int) -> None:
    label = {
        "bare": "bare interpreter",
        "import": "`import webrtc_party.rose`",
        "rose": "Rose's imports (PartyManager, PartyInjectionHook)",
        "enable": "first `enable()` -> invite (cold)",
    }
    print(f"medians of {reps} fresh interpreters; python {sys.version.split()[0]}")
    print()
    print("| tree | what | import ms | RSS MiB | +RSS vs bare | heavy modules loaded | enable ms |")
    print("|---|---|---:|---:|---:|---|---:|")
    for (name, mode), samples in rows.items():
        bare = _median(rows[(name, "bare")], "rss_mib")
        rss = _median(samples, "rss_mib")
        heavy = ", ".join(samples[0]["heavy"]) or "none"
        enable = "-"
        if mode == "enable":
            enable = f"{_median(samples, 'enable_ms'):.0f}"
            after = _median(samples, "rss_after_enable_mib")
            heavy += f" (RSS after enable {after:.0f} MiB)"
        imp = _median(samples, "import_ms")
        print(
            f"| {name} | {label[mode]} | {imp:.0f} | {rss:.0f} | {rss - bare:+.0f} | {heavy} "
            f"| {enable} |"
        )
    names = sorted({n for n, _ in rows})
    if len(names) > 1:
        print()
        base = "this tree"
        for other in (n for n in names if n != base):
            for mode, key in (("rose", "import_ms"), ("rose", "rss_mib"), ("enable", "enable_ms")):
                ours = _median(rows[(base, mode)], key)
                theirs = _median(rows[(other, mode)], key)
                print(f"- {mode} {key}: this tree / {other} = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
