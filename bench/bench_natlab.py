"""The NAT lab matrix as a table: webrtc-party vs stock aiortc, measured in the same run.

    sudo python3 bench/bench_natlab.py [--reps 5] [--out results.md]
    sudo python3 bench/bench_natlab.py --series 20   # the symmetric-NAT series (docs/nat.md)
    sudo python3 bench/bench_natlab.py --series 20 --only "arc x sym"
    sudo python3 bench/bench_natlab.py --series 10 --punch "256,1024,100;128,1024,100"
    sudo python3 bench/bench_natlab.py --late 120 --reps 4  # answers applied 2 minutes late
    sudo python3 bench/bench_natlab.py --ab OLD_TREE --reps 12  # prc x prc, this tree vs old

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
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.natlab.lab import NatLab, NatMode, missing_prerequisites
from tests.natlab.nodes import NODE_ARGV, STUN_ARGS, TURN_ARGS, Node, PairResult, connect_pair

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


async def punch_sweep(reps: int, settings: list[str]) -> list[str]:
    """prc x sym and sym x prc under each punching setting (``$WEBRTC_PARTY_PUNCH``, which
    the node processes inherit), interleaved: one run of each per round."""
    pairs = [("prc x sym", NatMode.PRC, NatMode.SYM), ("sym x prc", NatMode.SYM, NatMode.PRC)]
    runs: dict[tuple[str, str], list[PairResult]] = {
        (st, label): [] for st in settings for label, *_ in pairs
    }
    with NatLab() as lab:
        for i in range(reps):
            for st in settings:
                os.environ["WEBRTC_PARTY_PUNCH"] = st
                for label, ma, mb in pairs:
                    lab.set_nat("ra", ma)
                    lab.set_nat("rb", mb)
                    r = await connect_pair(lab, "a", "b", STUN_ARGS, 25)
                    runs[(st, label)].append(r)
                    print(
                        f"round {i + 1} {st} {label}: {r.opened} {r.elapsed_s:.2f}", file=sys.stderr
                    )
    os.environ.pop("WEBRTC_PARTY_PUNCH", None)
    lines = [
        "| sockets, probes, rate | case | ok | p50 ms | p90 ms | path |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {st} | {label} | {summarize(rs)} |" for (st, label), rs in runs.items()]
    return lines


async def _late_once(lab: NatLab, delay_s: float, ma: NatMode, mb: NatMode) -> PairResult:
    """One pair whose answer is applied ``delay_s`` after it was made."""
    lab.set_nat("ra", ma)
    lab.set_nat("rb", mb)
    a = await Node.start(lab, "a", STUN_ARGS)
    b = await Node.start(lab, "b", STUN_ARGS)
    result = PairResult(False)
    try:
        await a.cmd("invite")
        invite = await a.next_event("token", wait_s=10)
        assert invite, a.events
        await b.cmd(f"accept {invite['token']}")
        answer = await b.next_event("token", wait_s=10)
        assert answer, b.events
        await asyncio.sleep(delay_s)
        t0 = time.monotonic()
        await a.cmd(f"accept {answer['token']}")
        end = await a.next_event("connected", "closed", "error", wait_s=25)
        result.elapsed_s = time.monotonic() - t0
        result.opened = result.message_ok = end is not None and end["event"] == "connected"
        result.path_a = (end or {}).get("path")
        result.failure = None if result.opened else end
        return result
    finally:
        await a.close()
        await b.close()


async def late(reps: int, delay_s: float) -> list[str]:
    """Each rep in its own lab, all at once (the wait is idle time): sym x prc, prc x sym."""
    pairs = [("sym x prc", NatMode.SYM, NatMode.PRC), ("prc x sym", NatMode.PRC, NatMode.SYM)]
    labs = [NatLab() for _ in range(reps * len(pairs))]
    try:
        for lab in labs:
            lab.up()
        jobs = [
            _late_once(labs[i * len(pairs) + j], delay_s, ma, mb)
            for i in range(reps)
            for j, (_, ma, mb) in enumerate(pairs)
        ]
        results = await asyncio.gather(*jobs)
    finally:
        for lab in labs:
            lab.down()
    lines = ["| case | ok | p50 ms | p90 ms | path |", "|---|---|---|---|---|"]
    for j, (label, *_) in enumerate(pairs):
        rs = [results[i * len(pairs) + j] for i in range(reps)]
        lines.append(f"| {label}, answer {delay_s:g} s late | {summarize(rs)} |")
    return lines


async def ab(reps: int, before: Path) -> list[str]:
    """prc x prc open time (the node's own ``open_ms``), this tree vs an older one (made with
    ``git archive``), interleaved run by run in one lab."""
    old = ["env", f"PYTHONPATH={before}", *NODE_ARGV]
    got: dict[str, list[float]] = {"before": [], "after": []}
    with NatLab() as lab:
        lab.set_nat("ra", NatMode.PRC)
        lab.set_nat("rb", NatMode.PRC)
        for _ in range(reps):
            for name, argv in (("before", old), ("after", None)):
                r = await connect_pair(lab, "a", "b", STUN_ARGS, 25, argv)
                if r.opened and r.open_ms is not None:
                    got[name].append(float(r.open_ms))
    med = {k: statistics.median(v) if v else float("nan") for k, v in got.items()}
    return [
        "| prc x prc, STUN | runs ok | open_ms p50 |",
        "|---|---|---|",
        f"| before ({before}) | {len(got['before'])}/{reps} | {med['before']:.2f} |",
        f"| after (this tree) | {len(got['after'])}/{reps} | {med['after']:.2f} |",
        f"| ratio after/before | | {med['after'] / med['before']:.3f} |",
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", type=Path)
    p.add_argument("--series", type=int, default=0, help="run the symmetric-NAT series instead")
    p.add_argument("--only", default="", help="series: comma-separated case label prefixes")
    p.add_argument("--punch", default="", help='series: settings "K,M,rate;K,M,rate" to compare')
    p.add_argument("--late", type=float, default=0.0, help="answers applied this many s late")
    p.add_argument("--ab", type=Path, help="prc x prc: this tree vs the tree in this folder")
    args = p.parse_args()
    why = missing_prerequisites()
    if why:
        print("cannot build the NAT lab: " + "; ".join(why), file=sys.stderr)
        return 2
    if args.ab:
        job = ab(args.reps, args.ab.resolve())
    elif args.late:
        job = late(args.reps, args.late)
    elif args.series and args.punch:
        job = punch_sweep(args.series, [x.strip() for x in args.punch.split(";") if x.strip()])
    elif args.series:
        job = series(args.series, args.only)
    else:
        job = run(args.reps)
    table = "\n".join(asyncio.run(job)) + "\n"
    if args.out:
        args.out.write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
