"""Answer pasted -> friend shown ``direct`` with their skin: real ``PartyNode``s, loopback.

Two processes, as two machines would be (each its own event loop), driven over
stdin/stdout pipes; real aiortc links on 127.0.0.1 (``stun=()``, loopback interfaces).
Each trial makes a fresh node in each process; the joiner picked its skin before the
handshake (past the core's 0.25 s settle time). The clock (``time.monotonic``, one clock
for all processes on Linux) starts when the host's process gets the pasted answer and calls
``PartyNode.accept``, and stops when the host's ``members()`` shows the joiner ``direct``
with that skin (second column: when the joiner's shows the host ``direct``).

"before" is the behaviour before issue 12, rebuilt inside this bench: a link counts as
direct only once a party ping was answered (a bench-only ``Gossip`` subclass whose
``_confirm`` only pins the key), and texts that arrive before the node saw the link open
are dropped (the node's early buffer off). "after" is this code: direct as soon as the
member's hello and signed state came over the link. Variants alternate trial by trial,
so both see the same machine load.

    python3 bench/bench_party_direct.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from typing import Any

from _common import environment_line, link_config, print_table, summarize

from webrtc_party.node import PartyNode
from webrtc_party.party import MemberIdentity, Reachability, Selection
from webrtc_party.party.gossip import Gossip
from webrtc_party.party.links import LinkRecord

SKIN = Selection(103, 103004)
GOAL_MS = 200.0
SCRIPT = __file__


class _PongOnlyGossip(Gossip):
    """The behaviour before: the key is pinned, but direct waits for a pong."""

    def _confirm(self, link: LinkRecord, now: float) -> None:
        super()._confirm(link, now)
        link.confirmed_at = None


def _make_node(index: int, before: bool, trial: int) -> PartyNode:
    ident = MemberIdentity(f"bench-{index}-{trial}", 100 + index, f"Bench{index}", "EUW")
    node = PartyNode(ident, link_config())
    if before:
        node.core.gossip.__class__ = _PongOnlyGossip  # the fresh core's gossip part, rebuilt
        node._buffer_early = False
    return node


def _shows(node: PartyNode, member: str, sel: Selection | None) -> bool:
    return any(
        m.member_id == member and m.status is Reachability.DIRECT and m.selection == sel
        for m in node.members()
    )


async def _wait_direct(node: PartyNode, member: str, sel: Selection | None) -> float:
    deadline = time.monotonic() + 30
    while not _shows(node, member, sel):
        if time.monotonic() > deadline:
            raise TimeoutError("the friend never showed direct")
        await asyncio.sleep(0.001)
    return time.monotonic()


# -- the worker (one process per member) -----------------------------------


async def worker_main(index: int) -> None:
    logging.getLogger("webrtc_party").setLevel(logging.ERROR)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    node: PartyNode | None = None

    def reply(obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    while line := await reader.readline():
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "quit":
            break
        if cmd == "new":
            if node is not None:
                await node.__aexit__(None, None, None)
            node = _make_node(index, req["before"], req["trial"])
            await node.__aenter__()
            if index == 1:
                node.set_selection(SKIN)
            await asyncio.sleep(0.3)  # the pick is older than the coalescer's settle time
            reply({"puuid": node.identity.puuid})
            continue
        assert node is not None
        if cmd == "invite":
            reply({"text": (await node.create_invite()).text})
        elif cmd == "accept":
            made = await node.accept(req["text"])
            reply({"text": None if made is None else made.text})
        elif cmd == "accept_wait":  # the host: the answer was pasted
            start = time.monotonic()
            await node.accept(req["text"])
            seen = await _wait_direct(node, req["member"], SKIN)
            reply({"start": start, "seen": seen})
        elif cmd == "wait":  # the joiner: until the host shows direct
            reply({"seen": await _wait_direct(node, req["member"], None)})
    if node is not None:
        await node.__aexit__(None, None, None)
    reply({})


# -- the driver ------------------------------------------------------------


class Proc:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def ask(self, cmd: str, **params: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **params}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("a bench worker exited (see stderr)")
        out: dict[str, Any] = json.loads(line)
        return out


async def _trial(host: Proc, joiner: Proc, before: bool, trial: int) -> tuple[float, float]:
    host_id, joiner_id = await asyncio.gather(
        host.ask("new", before=before, trial=trial), joiner.ask("new", before=before, trial=trial)
    )
    invite = await host.ask("invite")
    answer = await joiner.ask("accept", text=invite["text"])
    at_host, at_joiner = await asyncio.gather(
        host.ask("accept_wait", text=answer["text"], member=joiner_id["puuid"]),
        joiner.ask("wait", member=host_id["puuid"]),
    )
    start = at_host["start"]
    return (at_host["seen"] - start) * 1000, (at_joiner["seen"] - start) * 1000


async def run(trials: int) -> dict[str, list[tuple[float, float]]]:
    procs: list[Proc] = []
    for i in range(2):
        child = await asyncio.create_subprocess_exec(
            sys.executable, SCRIPT, "--worker", str(i),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        procs.append(Proc(child))
    host, joiner = procs
    out: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    try:
        for trial in range(trials):
            for variant in ("before", "after"):
                out[variant].append(await _trial(host, joiner, variant == "before", trial))
    finally:
        for p in procs:
            if p.proc.stdin is not None and p.proc.returncode is None:
                p.proc.stdin.write(b'{"cmd": "quit"}\n')
                p.proc.stdin.close()
        for p in procs:
            try:
                await asyncio.wait_for(p.proc.wait(), 15)
            except TimeoutError:
                p.proc.kill()  # our own child, by its handle
                await p.proc.wait()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 trials per variant")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.worker is not None:
        asyncio.run(worker_main(ns.worker))
        return
    logging.getLogger("webrtc_party").setLevel(logging.ERROR)
    trials = 5 if ns.quick else ns.trials
    results = asyncio.run(run(trials))
    print(environment_line(ns.quick))
    rows = []
    for variant, samples in results.items():
        host = summarize([h for h, _ in samples])
        join = summarize([j for _, j in samples])
        rows.append([
            variant, host.n, f"{host.median:.0f}", f"{host.p90:.0f}", f"{host.p99:.0f}",
            f"{join.median:.0f}", f"{join.p99:.0f}",
        ])
    print_table(
        "answer pasted -> friend direct with skin (ms, two processes, loopback)",
        ["variant", "n", "host sees joiner p50", "p90", "p99", "joiner sees host p50", "p99"],
        rows,
    )
    after = summarize([h for h, _ in results["after"]])
    before = summarize([h for h, _ in results["before"]])
    print(f"host p50 after/before: {after.median / before.median:.2f}; "
          f"p99 after/before: {after.p99 / before.p99:.2f}; "
          f"goal p99 <= {GOAL_MS:.0f} ms: {'met' if after.p99 <= GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
