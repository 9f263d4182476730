"""The NAT lab matrix as a table: webrtc-party vs stock aiortc, measured in the same run.

    sudo python3 bench/bench_natlab.py [--reps 5] [--out results.md]
    sudo python3 bench/bench_natlab.py --series 20   # the symmetric-NAT series (docs/nat.md)

Needs what the lab needs (root, ip netns, nftables, conntrack, coturn). For every case both
implementations run through the same ``node --json`` line protocol (stock aiortc via
tests/natlab/stock_peer.py, full SDPs). "open" is the time from the offerer applying the answer
to its data channel being open, p50/p90 over the successful runs. Cases expected to fail run
once per implementation and cost their whole connect deadline (15 s).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.natlab.lab import NatLab, NatMode, missing_prerequisites
from tests.natlab.nodes import STUN_ARGS, TURN_ARGS, PairResult, connect_pair

STOCK = [
    sys.executable,
    str(Path(__file__).resolve().parents[1] / "tests/natlab/stock_peer.py"),
    "--deadline",
    "15",
]


@dataclass(frozen=True)
class Case:
    label: str
    ma: NatMode
    mb: NatMode
    turn: bool = False
    relay_only: bool = False
    same_lan: bool = False
    isolated: bool = False
    expect_fail: bool = False

    @property
    def args(self) -> list[str]:
        return (
            STUN_ARGS
            + (TURN_ARGS if self.turn else [])
            + (["--relay-only"] if self.relay_only else [])
        )


def cases() -> list[Case]:
    hard = {("prc", "sym"), ("sym", "prc"), ("sym", "sym")}
    out = []
    modes = list(NatMode)
    for i, ma in enumerate(modes):
        for mb in modes[i:]:
            fail = (str(ma), str(mb)) in hard
            out.append(Case(f"{ma} x {mb}, STUN", ma, mb, expect_fail=fail))
    for sa, sb in sorted(hard):
        out.append(Case(f"{sa} x {sb}, STUN+TURN", NatMode(sa), NatMode(sb), turn=True))
    prc = NatMode.PRC
    out += [
        Case("prc x prc, relay only", prc, prc, turn=True, relay_only=True),
        Case("same LAN, STUN", prc, prc, same_lan=True),
        Case(
            "same router, no hairpin, STUN",
            prc,
            prc,
            same_lan=True,
            isolated=True,
            expect_fail=True,
        ),
        Case(
            "same router, no hairpin, STUN+TURN", prc, prc, turn=True, same_lan=True, isolated=True
        ),
    ]
    return out


def _pct(values: list[float], q: float) -> str:
    if not values:
        return "-"
    values = sorted(values)
    return f"{values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000:.0f}"


def summarize(runs: list[PairResult]) -> str:
    ok = [r for r in runs if r.opened and r.message_ok]
    times = [r.elapsed_s for r in ok]
    paths = collections.Counter(r.path_a or "?" for r in ok).most_common(1)
    fails = collections.Counter(
        str((r.failure or {}).get("code")) for r in runs if not (r.opened and r.message_ok)
    )
    fail_txt = (
        ", fails after " + f"{statistics.median(r.elapsed_s for r in runs):.1f} s"
        if not ok and runs
        else ""
    )
    return (
        f"{len(ok)}/{len(runs)} | {_pct(times, 0.5)} | {_pct(times, 0.9)} | "
        f"{paths[0][0] if paths else '-'}{fail_txt}"
        + (f" ({', '.join(fails)})" if fails and not ok else "")
    )


async def run(reps: int) -> list[str]:
    lines = [
        "| case | party: ok | p50 ms | p90 ms | path | stock aiortc: ok | p50 ms | p90 ms | path |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    with NatLab() as lab:
        lab.verify_modes()
        for case in cases():
            lab.set_nat("ra", case.ma)
            lab.set_nat("rb", case.mb)
            lab.set_isolation(case.isolated)
            host_b = "a2" if case.same_lan else "b"
            n = 1 if case.expect_fail else reps
            cells = []
            for argv in (None, STOCK):
                runs = [await connect_pair(lab, "a", host_b, case.args, 25, argv) for _ in range(n)]
                cells.append(summarize(runs))
            lines.append(f"| {case.label} | {cells[0]} | {cells[1]} |")
            print(lines[-1], file=sys.stderr, flush=True)
    return lines


SERIES = [  # (label, ra, rb, args): interleaved, one run of each per round
    ("prc x prc, STUN", NatMode.PRC, NatMode.PRC, STUN_ARGS),
    ("prc x sym, STUN (birthday)", NatMode.PRC, NatMode.SYM, STUN_ARGS),
    ("sym x prc, STUN (birthday)", NatMode.SYM, NatMode.PRC, STUN_ARGS),
    ("seq x prc, STUN (prediction)", NatMode.SEQ, NatMode.PRC, STUN_ARGS),
    ("prc x sym, STUN+TURN", NatMode.PRC, NatMode.SYM, STUN_ARGS + TURN_ARGS),
    ("arc x sym, STUN", NatMode.ARC, NatMode.SYM, STUN_ARGS),
]


async def series(reps: int, only: str = "") -> list[str]:
    """Our node only, every case once per round so load hits all cases alike.

    ``only``: comma-separated label prefixes (e.g. "arc x sym"); empty: every case."""
    wanted = [s.strip() for s in only.split(",") if s.strip()]
    chosen = [c for c in SERIES if not wanted or any(c[0].startswith(w) for w in wanted)]
    runs: dict[str, list[PairResult]] = {label: [] for label, *_ in chosen}
    with NatLab() as lab:
        for i in range(reps):
            for label, ma, mb, args in chosen:
                lab.set_nat("ra", ma)
                lab.set_nat("rb", mb)
                r = await connect_pair(lab, "a", "b", args, 25)
                runs[label].append(r)
                print(f"round {i + 1} {label}: {r.opened} {r.elapsed_s:.2f}", file=sys.stderr)
    lines = ["| case | ok | p50 ms | p90 ms | path |", "|---|---|---|---|---|"]
    lines += [f"| {label} | {summarize(rs)} |" for label, rs in runs.items()]
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", type=Path)
    p.add_argument("--series", type=int, default=0, help="run the symmetric-NAT series instead")
    p.add_argument("--only", default="", help="series: comma-separated case label prefixes")
    args = p.parse_args()
    why = missing_prerequisites()
    if why:
        print("cannot build the NAT lab: " + "; ".join(why), file=sys.stderr)
        return 2
    job = series(args.series, args.only) if args.series else run(args.reps)
    table = "\n".join(asyncio.run(job)) + "\n"
    if args.out:
        args.out.write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
