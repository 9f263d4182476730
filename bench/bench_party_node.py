"""Real ``PartyNode``s over real aiortc links on 127.0.0.1: latency, CPU and memory.

One process per node (the same script with ``--worker``), driven by this script over
stdin/stdout pipes: JSON lines, one request at a time per node. Separate processes are
what a party is (each member runs its own node and event loop), so the CPU and RSS of one
node are read from its own process (``getrusage``, ``/proc/self/status``), and a
slow node cannot stall another's loop. Links: ``stun=()``, loopback interfaces only.

- Latency: a node calls ``set_selection``; every other node records the moment its
  ``events()`` stream shows that selection (``time.monotonic``, one clock for all
  processes on Linux). "All" = the last of the other members. Isolated changes rotate the
  origin over the members, so one member changes every ``n * spacing`` >= 1 s, beyond the
  coalescer's settle time (0.25 s): each is sent at once. Scroll bursts: one member sets
  20 selections/s for 1-3 s (random length, so the last change falls anywhere in the
  settle window); the figure is from its LAST ``set_selection`` to that value at all.
- Topologies: mesh (host handshakes with each joiner; introductions make the rest) and
  chain (handshakes 0-1, 1-2, ...; every node declines to make introduction invites, so
  the chain stays a chain and a change crosses up to n-1 hops).
- CPU: each node's CPU time over a window (``getrusage``: user + system, all threads),
  idle and while member 0 scrolls at 20/s; "wakeups" are the process's voluntary context
  switches (each ends one sleep in epoll), to tell the cost of work from that of waking.
- A variant with the links' ``heartbeat_interval`` at 2 s instead of 1 s (10-member mesh,
  idle) shows how much of the idle cost is the link heartbeat.

    python3 bench/bench_party_node.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from _common import environment_line, link_config, print_table, summarize

from webrtc_party.link_events import LinkState
from webrtc_party.node import PartyNode
from webrtc_party.party import (
    IntroNeeded,
    MemberChanged,
    MemberIdentity,
    PartyConfig,
    Reachability,
    Selection,
)

SCROLL_INTERVAL = 0.05  # 20 changes/s
FORM_TIMEOUT = 90.0
GOAL_P99_MS = 50.0
GOAL_IDLE_CPU = 1.0  # % of one core
SCRIPT = os.path.abspath(__file__)
HEARTBEAT_VARIANT = 2.0  # s; LinkConfig.heartbeat_interval is 1.0

# -- the worker: one node in its own process ----------------------------------


def member_id(index: int) -> str:
    return f"bench-{index:02d}"


def selection(k: int) -> Selection:
    """A distinct, valid selection for every k < 9,999,000."""
    champion = 1 + k // 1000
    return Selection(champion, champion * 1000 + k % 1000)


def value_of(sel: Selection) -> int:
    return (sel.champion_id - 1) * 1000 + sel.skin_id % 1000


class ChainNode(PartyNode):
    """A node that never makes an introduction invite: its links stay the manual ones."""

    declined = 0

    async def _offer_intro(self, event: IntroNeeded) -> None:
        ChainNode.declined += 1


def proc_status() -> dict[str, int]:
    """VmRSS (KiB) and voluntary_ctxt_switches (sleeps that ended: wakeups) of this process."""
    found = {"VmRSS": 0, "voluntary_ctxt_switches": 0}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in found:
                found[key] = int(value.split()[0])
    return found


class Worker:
    def __init__(self, node: PartyNode) -> None:
        self.node = node
        self.arrivals: dict[tuple[str, int], float] = {}  # (origin, value) -> first seen

    async def watch(self) -> None:
        async for event in self.node.events():
            if isinstance(event, MemberChanged) and event.member.selection is not None:
                key = (event.member.member_id, value_of(event.member.selection))
                self.arrivals.setdefault(key, time.monotonic())

    async def scroll(self, first: int, count: int) -> list[float]:
        times: list[float] = []
        start = time.monotonic()
        for j in range(count):
            await asyncio.sleep(max(0.0, start + j * SCROLL_INTERVAL - time.monotonic()))
            times.append(time.monotonic())
            self.node.set_selection(selection(first + j))
        return times

    async def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        cmd, node = req["cmd"], self.node
        if cmd == "invite":
            return {"text": (await node.create_invite()).text}
        if cmd == "accept":
            made = await node.accept(req["text"])
            return {"text": None if made is None else made.text}
        if cmd == "state":
            statuses = {m.member_id: m.status.value for m in node.members() if not m.is_local}
            open_links = sum(1 for p in node.peers() if p.state is LinkState.OPEN)
            return {"statuses": statuses, "open": open_links, "declined": ChainNode.declined}
        if cmd == "select":
            now = time.monotonic()
            node.set_selection(selection(req["value"]))
            return {"t": now}
        if cmd == "scroll":
            return {"times": await self.scroll(req["first"], req["count"])}
        if cmd == "arrivals":
            rows = [[origin, value, t] for (origin, value), t in self.arrivals.items()]
            self.arrivals.clear()
            return {"arrivals": rows}
        if cmd == "usage":
            status = proc_status()
            ru = resource.getrusage(resource.RUSAGE_SELF)  # microseconds, all threads
            return {
                "user": ru.ru_utime,
                "sys": ru.ru_stime,
                "wall": time.monotonic(),
                "rss": status["VmRSS"],
                "wakeups": status["voluntary_ctxt_switches"],
            }
        raise ValueError(f"unknown command {cmd!r}")


async def worker_main(index: int, topology: str, heartbeat: float | None) -> None:
    identity = MemberIdentity(member_id(index), 100 + index, f"Bench{index}", "BENCH")
    kind = ChainNode if topology == "chain" else PartyNode
    config = link_config() if heartbeat is None else link_config(heartbeat_interval=heartbeat)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with kind(identity, config, PartyConfig()) as node:
        worker = Worker(node)
        watcher = asyncio.create_task(worker.watch())
        while line := await reader.readline():
            req = json.loads(line)
            if req["cmd"] == "quit":
                break
            reply = await worker.handle(req)
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
        watcher.cancel()
    sys.stdout.write("{}\n")
    sys.stdout.flush()


# -- the driver ----------------------------------------------------------------


@dataclass
class Proc:
    index: int
    proc: asyncio.subprocess.Process

    async def ask(self, cmd: str, **params: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **params}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"node {self.index} exited (see stderr)")
        reply: dict[str, Any] = json.loads(line)
        return reply


@dataclass
class Party:
    size: int
    topology: str
    heartbeat: float | None = None  # the links' heartbeat_interval; None: LinkConfig's
    procs: list[Proc] = field(default_factory=list)
    formed_s: float = 0.0
    declined: int = 0  # introduction invites the chain's nodes declined to make
    next_value: int = 0

    @property
    def label(self) -> str:
        hb = "" if self.heartbeat is None else f", link heartbeat {self.heartbeat:g} s"
        return f"{self.topology}{hb} of {self.size}"

    async def start(self) -> None:
        for i in range(self.size):
            extra = [] if self.heartbeat is None else ["--link-heartbeat", str(self.heartbeat)]
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                SCRIPT,
                "--worker",
                str(i),
                "--topology",
                self.topology,
                *extra,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            self.procs.append(Proc(i, proc))
        await asyncio.gather(*(p.ask("usage") for p in self.procs))  # every node is up

    async def stop(self) -> None:
        for p in self.procs:
            if p.proc.returncode is None:
                with_stdin = p.proc.stdin
                assert with_stdin is not None
                with_stdin.write(b'{"cmd": "quit"}\n')
                with_stdin.close()
        for p in self.procs:
            try:
                await asyncio.wait_for(p.proc.wait(), 10)
            except TimeoutError:
                p.proc.kill()  # only our own child, by its handle
                await p.proc.wait()

    async def handshake(self, a: int, b: int) -> None:
        invite = await self.procs[a].ask("invite")
        answer = await self.procs[b].ask("accept", text=invite["text"])
        await self.procs[a].ask("accept", text=answer["text"])

    def _formed(self, states: list[dict[str, Any]]) -> bool:
        for i, state in enumerate(states):
            statuses = state["statuses"]
            if len(statuses) != self.size - 1:
                return False
            if self.topology == "mesh":
                wanted = {Reachability.DIRECT.value}
                neighbours = self.size - 1
            else:
                wanted = {Reachability.DIRECT.value, Reachability.RELAYED.value}
                neighbours = (i > 0) + (i < self.size - 1)
            direct = sum(1 for s in statuses.values() if s == Reachability.DIRECT.value)
            if set(statuses.values()) - wanted or direct != neighbours:
                return False
            if state["open"] != neighbours:
                return False
        return True

    async def form(self) -> None:
        start = time.monotonic()
        pairs = (
            [(0, j) for j in range(1, self.size)]
            if self.topology == "mesh"
            else [(i, i + 1) for i in range(self.size - 1)]
        )
        for a, b in pairs:
            await self.handshake(a, b)
        while True:
            states = await asyncio.gather(*(p.ask("state") for p in self.procs))
            if self._formed(states):
                self.declined = sum(state["declined"] for state in states)
                break
            if time.monotonic() - start > FORM_TIMEOUT:
                raise RuntimeError(f"{self.topology} of {self.size} did not form: {states}")
            await asyncio.sleep(0.25)
        self.formed_s = time.monotonic() - start

    def values(self, count: int) -> int:
        first = self.next_value
        self.next_value += count
        return first

    async def arrivals(self) -> list[dict[tuple[str, int], float]]:
        replies = await asyncio.gather(*(p.ask("arrivals") for p in self.procs))
        return [{(o, v): t for o, v, t in r["arrivals"]} for r in replies]

    def hops(self, origin: int, receiver: int) -> int:
        return 1 if self.topology == "mesh" else abs(origin - receiver)


@dataclass
class Latency:
    all_ms: list[float] = field(default_factory=list)  # per change: the last receiver
    by_hops: dict[int, list[float]] = field(default_factory=dict)  # per receiver
    tried: int = 0  # changes (isolated) or bursts
    missing: int = 0  # receivers that never saw a change (or a burst's last value)
    values_seen: list[float] = field(default_factory=list)  # per burst: mean per receiver
    values_set: int = 0


async def isolated_changes(party: Party, changes: int, spacing: float) -> Latency:
    sent: list[tuple[int, int, float]] = []  # origin, value, set time
    for i in range(changes):
        origin = i % party.size
        value = party.values(1)
        reply = await party.procs[origin].ask("select", value=value)
        sent.append((origin, value, reply["t"]))
        await asyncio.sleep(spacing + random.uniform(0, 0.05))
    await asyncio.sleep(0.5)
    seen = await party.arrivals()
    out = Latency(tried=len(sent))
    for origin, value, t in sent:
        delays = []
        for receiver in range(party.size):
            if receiver == origin:
                continue
            at = seen[receiver].get((member_id(origin), value))
            if at is None:
                out.missing += 1
                continue
            delay = (at - t) * 1e3
            delays.append(delay)
            out.by_hops.setdefault(party.hops(origin, receiver), []).append(delay)
        if len(delays) == party.size - 1:
            out.all_ms.append(max(delays))
    return out


async def scroll_bursts(party: Party, bursts: int, longest: int) -> Latency:
    out = Latency(tried=bursts)
    for b in range(bursts):
        origin = b % party.size
        count = random.randint(20, longest)
        first = party.values(count)
        reply = await party.procs[origin].ask("scroll", first=first, count=count)
        await asyncio.sleep(0.8)
        seen = await party.arrivals()
        last = first + count - 1
        delays = []
        got = []
        for receiver in range(party.size):
            if receiver == origin:
                continue
            at = seen[receiver].get((member_id(origin), last))
            values = {v for (o, v) in seen[receiver] if o == member_id(origin)}
            got.append(len(values & set(range(first, first + count))))
            if at is None:
                out.missing += 1
            else:
                delays.append((at - reply["times"][-1]) * 1e3)
        if len(delays) == party.size - 1:
            out.all_ms.append(max(delays))
        out.values_seen.append(sum(got) / len(got))
        out.values_set += count
    return out


@dataclass(frozen=True)
class Usage:
    cpu_pct: list[float]  # per node, % of one core (user + system)
    sys_pct: list[float]  # the system (kernel) part
    wakeups: list[float]  # per node, per second
    rss_mib: list[float]
    seconds: float
    load: float


async def usage(party: Party, seconds: float, scroll: bool) -> Usage:
    before = await asyncio.gather(*(p.ask("usage") for p in party.procs))
    if scroll:
        count = round(seconds / SCROLL_INTERVAL)
        await party.procs[0].ask("scroll", first=party.values(count), count=count)
    else:
        await asyncio.sleep(seconds)
    after = await asyncio.gather(*(p.ask("usage") for p in party.procs))
    await party.arrivals()  # drop what the scroll left behind
    pairs = list(zip(after, before, strict=True))
    cpu = [100 * (a["user"] + a["sys"] - b["user"] - b["sys"]) / span(a, b) for a, b in pairs]
    kernel = [100 * (a["sys"] - b["sys"]) / span(a, b) for a, b in pairs]
    wakeups = [(a["wakeups"] - b["wakeups"]) / span(a, b) for a, b in pairs]
    rss = [a["rss"] / 1024 for a in after]
    return Usage(cpu, kernel, wakeups, rss, seconds, os.getloadavg()[0])


def span(after: dict[str, Any], before: dict[str, Any]) -> float:
    wall: float = after["wall"] - before["wall"]
    return wall


def ms(samples: list[float]) -> tuple[str, str, str]:
    if not samples:
        return ("-", "-", "-")
    s = summarize(samples)
    return (f"{s.median:.1f}", f"{s.p99:.1f}", f"{s.maximum:.1f}")


@dataclass
class Results:
    isolated: list[tuple[Party, Latency]] = field(default_factory=list)
    bursts: list[tuple[Party, Latency]] = field(default_factory=list)
    usage: list[tuple[int, str, str, Usage]] = field(default_factory=list)
    formed: list[Party] = field(default_factory=list)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def report(res: Results) -> None:
    rows: list[list[object]] = []
    for party, lat in res.isolated:
        p50, p99, top = ms(lat.all_ms)
        goal = "-" if p99 == "-" else f"{float(p99) / GOAL_P99_MS:.2f}"
        seen = f"{len(lat.all_ms)}/{lat.tried}"
        rows.append([party.size, party.topology, seen, p50, p99, top, goal])
    print_table(
        "Isolated selection change -> visible at every other member (ms)",
        ["members", "topology", "changes seen by all", "p50", "p99", "max", "p99 / 50 ms goal"],
        rows,
    )
    rows = []
    for party, lat in res.isolated:
        for hops, samples in sorted(lat.by_hops.items()):
            p50, p99, top = ms(samples)
            rows.append([party.size, party.topology, hops, len(samples), p50, p99, top])
    print_table(
        "Isolated change -> one receiver, by hops (ms)",
        ["members", "topology", "hops", "receivers", "p50", "p99", "max"],
        rows,
    )
    rows = []
    for party, lat in res.bursts:
        p50, p99, top = ms(lat.all_ms)
        rows.append(
            [
                party.size,
                party.topology,
                f"{len(lat.all_ms)}/{lat.tried}",
                lat.values_set,
                f"{mean(lat.values_seen):.1f}",
                p50,
                p99,
                top,
            ]
        )
    print_table(
        "Scroll burst at 20 changes/s: last change -> visible at every other member (ms)",
        [
            "members",
            "topology",
            "bursts seen by all",
            "changes set",
            "values seen per receiver per burst",
            "p50",
            "p99",
            "max",
        ],
        rows,
    )
    rows = []
    for size, topology, load, u in res.usage:
        scrolling = load.startswith("scroll")
        others = u.cpu_pct[1:] if scrolling else u.cpu_pct
        goal = "-" if scrolling else f"{mean(others) / GOAL_IDLE_CPU:.2f}"
        woken = u.wakeups[1:] if scrolling else u.wakeups
        per_wakeup = 1e4 * mean(others) / max(mean(woken), 1e-9)  # % of a core -> us each
        rows.append(
            [
                size,
                topology,
                load,
                f"{u.seconds:.0f}",
                f"{mean(others):.2f}",
                f"{max(others):.2f}",
                f"{mean(u.sys_pct):.2f}",
                f"{mean(woken):.1f}",
                f"{per_wakeup:.0f}",
                f"{u.cpu_pct[0]:.2f}" if scrolling else "-",
                goal,
                f"{mean(u.rss_mib):.1f}",
                f"{max(u.rss_mib):.1f}",
                f"{u.load:.2f}",
            ]
        )
    print_table(
        "CPU (% of one core) and RSS (MiB) per node process",
        [
            "members",
            "topology",
            "load",
            "seconds",
            "CPU per node, mean",
            "max",
            "of which kernel, mean",
            "wakeups/s",
            "CPU per wakeup (us)",
            "scrolling node",
            "idle mean / 1 % goal",
            "RSS mean",
            "RSS max",
            "load average",
        ],
        rows,
    )
    for party in res.formed:
        declined = f", {party.declined} introductions declined" if party.declined else ""
        print(
            f"- {party.label}: formed {party.formed_s:.1f} s after the first handshake "
            f"started{declined}"
        )


@dataclass(frozen=True)
class Step:
    size: int
    topology: str
    latency: bool
    scroll: bool = True
    heartbeat: float | None = None


async def measure(step: Step, res: Results, quick: bool) -> None:
    changes, bursts, longest, seconds = (15, 2, 40, 2.0) if quick else (200, 20, 60, 30.0)
    party = Party(step.size, step.topology, step.heartbeat)
    await party.start()
    try:
        if step.size == 1:
            res.usage.append((1, "-", "idle, no links", await usage(party, seconds, False)))
            return
        await party.form()
        res.formed.append(party)
        if step.latency:
            spacing = max(0.2, 1.0 / step.size)
            res.isolated.append((party, await isolated_changes(party, changes, spacing)))
            res.bursts.append((party, await scroll_bursts(party, bursts, longest)))
        label = party.label.partition(" of ")[0]
        res.usage.append((step.size, label, "idle", await usage(party, seconds, False)))
        if step.scroll:
            scrolled = await usage(party, seconds, True)
            res.usage.append((step.size, label, "scroll 20/s", scrolled))
    finally:
        await party.stop()


async def run(quick: bool) -> Results:
    res = Results()
    plan = [Step(1, "mesh", False), Step(5, "mesh", True), Step(5, "chain", True)]
    if not quick:
        plan += [Step(10, "mesh", True), Step(10, "mesh", False, False, HEARTBEAT_VARIANT)]
    for step in plan:
        await measure(step, res, quick)
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repetitions (about 30 s)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--topology", default="mesh", help=argparse.SUPPRESS)
    parser.add_argument("--link-heartbeat", type=float, help=argparse.SUPPRESS)
    ns = parser.parse_args()
    # A link logs a warning when no STUN server answers: expected here, keep output clean.
    logging.getLogger("webrtc_party").setLevel(logging.ERROR)
    if ns.worker is not None:
        asyncio.run(worker_main(ns.worker, ns.topology, ns.link_heartbeat))
        return
    print(environment_line(ns.quick) + f"; load average {os.getloadavg()[0]:.2f} at start")
    print()
    report(asyncio.run(run(ns.quick)))


if __name__ == "__main__":
    main()
