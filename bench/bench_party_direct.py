"""Answer pasted -> friend shown ``direct`` with their skin: real ``PartyNode``s, loopback.

Two real nodes in one process (real aiortc links on 127.0.0.1, ``stun=()``). The joiner
has picked a skin before the handshake (past the core's 0.25 s settle time). The clock
starts when the host accepts the pasted answer (``PartyNode.accept``) and stops when the
host's ``members()`` shows the joiner ``direct`` with that skin (and, second column, when
the joiner shows the host ``direct``).

"before" is the release before issue 12: a link counts as direct only once a party ping
was answered (the core's ``_confirm`` is reduced to pinning the key, in a bench-only
subclass), and texts that arrive before the node saw the link open are dropped (the
node's early buffer off). "after" is this code: direct as soon as the member's hello and
signed state came over the link. Variants alternate, so both see the same machine load.

    python3 bench/bench_party_direct.py [--quick]
"""

from __future__ import annotations

import asyncio
import time

from _common import args, environment_line, link_config, print_table, summarize

from webrtc_party.node import PartyNode
from webrtc_party.party import MemberIdentity, MemberStatus, PartyCore, Selection
from webrtc_party.party.links import Link

SKIN = Selection(103, 103004)
GOAL_MS = 200.0


class _PongOnlyCore(PartyCore):
    """The behaviour before: the key is pinned, but direct waits for a pong."""

    def _confirm(self, link: Link, now: float) -> None:
        super()._confirm(link, now)
        link.confirmed_at = None


def _node(i: int, before: bool) -> PartyNode:
    ident = MemberIdentity(f"bench-{i}", 100 + i, f"Bench{i}", "EUW")
    node = PartyNode(ident, link_config())
    if before:
        old = node.core
        node.core = _PongOnlyCore(
            ident, old._key, now=time.monotonic(), incarnation=old._incarnation,
            config=old.config,
        )
        node._buffer_early = False
    return node


def _shows(node: PartyNode, member: str, sel: Selection | None) -> bool:
    return any(
        m.member_id == member and m.status is MemberStatus.DIRECT and m.selection == sel
        for m in node.members()
    )


async def _trial(before: bool) -> tuple[float, float]:
    host, joiner = _node(0, before), _node(1, before)
    async with host, joiner:
        joiner.set_selection(SKIN)
        await asyncio.sleep(0.3)  # picked a while ago: past the coalescer's settle time
        invite = await host.create_invite()
        answer = await joiner.accept(invite.text)
        assert answer is not None
        start = time.monotonic()
        await host.accept(answer.text)
        host_ms = joiner_ms = None
        while host_ms is None or joiner_ms is None:
            now = time.monotonic()
            if host_ms is None and _shows(host, joiner.identity.puuid, SKIN):
                host_ms = (now - start) * 1000
            if joiner_ms is None and _shows(joiner, host.identity.puuid, None):
                joiner_ms = (now - start) * 1000
            if now - start > 30:
                raise TimeoutError("the friend never showed direct")
            await asyncio.sleep(0.002)
    return host_ms, joiner_ms


async def run(trials: int) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    for _ in range(trials):
        for variant in ("before", "after"):
            out[variant].append(await _trial(variant == "before"))
    return out


def main() -> None:
    ns = args(__doc__ or "")
    trials = 5 if ns.quick else 40
    results = asyncio.run(run(trials))
    print(environment_line(ns.quick))
    rows = []
    for variant, samples in results.items():
        host = summarize([h for h, _ in samples])
        join = summarize([j for _, j in samples])
        rows.append([
            variant, host.n, f"{host.median:.0f}", f"{host.p99:.0f}",
            f"{join.median:.0f}", f"{join.p99:.0f}",
        ])
    after = summarize([h for h, _ in results["after"]])
    before = summarize([h for h, _ in results["before"]])
    print_table(
        "answer pasted -> friend direct with skin (ms)",
        ["variant", "n", "host sees joiner p50", "p99", "joiner sees host p50", "p99"],
        rows,
    )
    print(f"p50 after/before: {after.median / before.median:.3f}; "
          f"goal p99 <= {GOAL_MS:.0f} ms: {'met' if after.p99 <= GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
