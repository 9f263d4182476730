"""Pure-core CPU cost of the party: per state change, idle, and while a member scrolls.

Runs N ``PartyCore`` objects in one process with instant in-memory delivery (no
I/O, no latency), so the numbers are the protocol's own CPU cost: Ed25519
signing and verifying, JSON coding, relaying, status bookkeeping. Topologies:
full mesh and chain (introductions disabled so the chain stays a chain, every
change then crosses up to N-1 hops). Prints markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from collections import deque
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import (
    MemberIdentity,
    PartyCore,
    Reachability,
    Selection,
)

TICK = 0.1


@dataclass
class Party:
    cores: list[PartyCore]
    links: dict[str, tuple[int, int]]
    now: float = 0.0
    messages: int = 0

    @classmethod
    def build(cls, n: int, topology: str) -> Party:
        cores = [
            PartyCore(
                MemberIdentity(f"bench-{i:02d}", 100 + i, f"Bench {i}", "B"),
                Ed25519PrivateKey.generate(),
                now=0.0,
            )
            for i in range(n)
        ]
        party = cls(cores, {})
        pairs = (
            [(a, b) for a in range(n) for b in range(a + 1, n)]
            if topology == "mesh"
            else [(i, i + 1) for i in range(n - 1)]
        )
        for a, b in pairs:
            link_id = f"{a}-{b}"
            party.links[link_id] = (a, b)
            cores[a].link_up(link_id, 0.0)
            cores[b].link_up(link_id, 0.0)
        party.pump()
        party.idle(8.0 + 2.5 * n)  # heartbeats cross one hop per ping
        for core in cores:
            statuses = {v.status for v in core.members(party.now) if not v.is_local}
            if statuses - {Reachability.DIRECT, Reachability.RELAYED} or len(
                core.members(party.now)
            ) != n:
                raise RuntimeError(f"{topology} of {n} did not form: {statuses}")
        return party

    def pump(self) -> None:
        """Deliver everything until no core has anything more to say."""
        queue: deque[tuple[int, str, str]] = deque()
        pending = list(range(len(self.cores)))
        while pending or queue:
            for index in pending:
                core = self.cores[index]
                for link_id, text in core.data_to_send():
                    a, b = self.links[link_id]
                    queue.append((b if a == index else a, link_id, text))
                core.events_received()  # introductions stay unanswered: a chain stays a chain
            pending = []
            if queue:
                dst, link_id, text = queue.popleft()
                self.messages += 1
                self.cores[dst].receive(link_id, text, self.now)
                pending = [dst]

    def idle(self, seconds: float) -> None:
        end = self.now + seconds
        while self.now < end - 1e-9:
            self.now += TICK
            for core in self.cores:
                core.tick(self.now)
            self.pump()


def bench_changes(n: int, topology: str, changes: int) -> tuple[float, float]:
    """CPU seconds of the whole party per state change, and messages per change."""
    party = Party.build(n, topology)
    cpu = 0.0
    messages = 0
    settle = party.cores[0].config.settle
    for i in range(changes):
        if i % 8 == 0:
            party.idle(1.0)  # keep heartbeats answered; not timed
        party.now += settle
        core = party.cores[i % n]
        champion = 1 + i % 900
        before_msgs = party.messages
        start = time.process_time()
        core.set_selection(Selection(champion, champion * 1000 + i % 50), party.now)
        party.pump()
        cpu += time.process_time() - start
        messages += party.messages - before_msgs
    return cpu / changes, messages / changes


def bench_load(n: int, topology: str, seconds: float, scroll: bool) -> float:
    """Average CPU share of one core (fraction of a CPU) while idle or while one scrolls."""
    party = Party.build(n, topology)
    start = time.process_time()
    end = party.now + seconds
    step = 0
    while party.now < end - 1e-9:
        party.now += 0.05
        step += 1
        if scroll:
            party.cores[0].set_selection(Selection(1, 1000 + step % 40), party.now)
        if step % 2 == 0:
            for core in party.cores:
                core.tick(party.now)
        party.pump()
    return (time.process_time() - start) / seconds / n


def memory_per_core(n: int) -> float:
    tracemalloc.start()
    party = Party.build(n, "mesh")
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del party
    return size / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repetitions")
    quick = parser.parse_args().quick
    changes = 40 if quick else 300
    seconds = 10.0 if quick else 60.0
    print(
        f"{time.strftime('%Y-%m-%d', time.gmtime())}; CPython {platform.python_version()}; "
        f"{'quick' if quick else 'full'} run"
    )
    print()
    print(
        "| members | topology | CPU per change (whole party) | per member | changes/s "
        "| messages/change |"
    )
    print("|---|---|---|---|---|---|")
    for n in (5, 10):
        for topology in ("mesh", "chain"):
            per_change, msgs = bench_changes(n, topology, changes)
            print(
                f"| {n} | {topology} | {per_change * 1e3:.2f} ms | {per_change / n * 1e6:.0f} us "
                f"| {1 / per_change:,.0f} | {msgs:.1f} |"
            )
    print()
    print("| members | topology | idle CPU per node | scrolling 20/s, CPU per node |")
    print("|---|---|---|---|")
    for n in (5, 10):
        for topology in ("mesh", "chain"):
            idle = bench_load(n, topology, seconds, scroll=False)
            busy = bench_load(n, topology, seconds, scroll=True)
            print(f"| {n} | {topology} | {idle * 100:.3f} % | {busy * 100:.3f} % |")
    print()
    for n in (5, 10):
        print(f"- memory per core, {n}-member mesh: {memory_per_core(n) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
