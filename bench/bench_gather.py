"""Gather time with dead STUN servers: our Link.create_invite vs stock aiortc.

Dead servers are black-hole UDP sockets on 127.0.0.1 that swallow every request;
the live one is an in-process STUN responder on 127.0.0.1. Both sides gather on
127.0.0.1 only (stock aioice is restricted for the run, see _common) and the clock
runs from constructing the peer connection to the local description being ready:

- ours: ``Link(config).create_invite()`` with ``stun=`` the servers;
- stock: ``RTCPeerConnection(iceServers=[the same servers])``, ``createDataChannel``,
  ``setLocalDescription(createOffer())``. aiortc uses only the first ``stun:`` URL.

    python3 bench/bench_gather.py [--quick]
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from _common import (
    StunServer,
    args,
    environment_line,
    link_config,
    print_table,
    ratio,
    start_stun_servers,
    stock_host_addresses,
    summarize,
)
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

from signaling.token import CandidateType
from webrtc_party.link import Link


@dataclass(frozen=True)
class Scenario:
    label: str
    dead: int
    live: str  # "none" | "last" | "first"


async def ours(servers: list[StunServer]) -> tuple[float, bool]:
    link = Link(link_config(stun=tuple(s.server for s in servers)))
    try:
        start = time.perf_counter()
        token = await link.create_invite()
        took = time.perf_counter() - start
    finally:
        await link.close()
    return took, CandidateType.SRFLX in {c.type for c in token.candidates}


async def stock(servers: list[StunServer]) -> tuple[float, bool]:
    ice = [RTCIceServer(urls=s.url) for s in servers]
    with stock_host_addresses(["127.0.0.1"]):
        start = time.perf_counter()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=ice))
        try:
            pc.createDataChannel("party", negotiated=True, id=0)
            await pc.setLocalDescription(await pc.createOffer())
            took = time.perf_counter() - start
            sdp: str = pc.localDescription.sdp
        finally:
            await pc.close()
    return took, " typ srflx" in sdp


def order(scenario: Scenario, dead: list[StunServer], live: list[StunServer]) -> list[StunServer]:
    if scenario.live == "first":
        return live + dead
    if scenario.live == "last":
        return dead + live
    return dead


def seconds(values: list[float]) -> str:
    s = summarize(values)
    return f"{s.median:.3f} / {s.p90:.3f}"


async def run(quick: bool) -> None:
    if quick:
        scenarios = [
            Scenario("2 dead", 2, "none"),
            Scenario("2 dead + 1 live (live listed last)", 2, "last"),
            Scenario("1 live + 2 dead (live listed first)", 2, "first"),
        ]
        reps = 1
    else:
        scenarios = [
            Scenario("1 dead", 1, "none"),
            Scenario("2 dead", 2, "none"),
            Scenario("4 dead", 4, "none"),
            Scenario("1 dead + 1 live (live listed last)", 1, "last"),
            Scenario("4 dead + 1 live (live listed last)", 4, "last"),
            Scenario("1 live + 4 dead (live listed first)", 4, "first"),
        ]
        reps = 5
    dead = await start_stun_servers(dead=max(s.dead for s in scenarios), live=0)
    live = await start_stun_servers(dead=0, live=1)
    rows = []
    try:
        for scenario in scenarios:
            servers = order(scenario, dead[: scenario.dead], live)
            ours_t: list[float] = []
            stock_t: list[float] = []
            ours_srflx = stock_srflx = True
            for _ in range(reps):  # interleaved, so load changes hit both sides
                took, srflx = await ours(servers)
                ours_t.append(took)
                ours_srflx &= srflx
                took, srflx = await stock(servers)
                stock_t.append(took)
                stock_srflx &= srflx
            rows.append(
                [
                    scenario.label,
                    reps,
                    seconds(ours_t),
                    seconds(stock_t),
                    ratio(summarize(ours_t).median, summarize(stock_t).median),
                    "yes" if ours_srflx else "no",
                    "yes" if stock_srflx else "no",
                ]
            )
    finally:
        for s in dead + live:
            s.transport.close()
    print(f"Environment: {environment_line(quick)}")
    print()
    print_table(
        "Gather time, seconds, median / p90 (ours: Link.create_invite; stock: aiortc offer)",
        [
            "STUN servers",
            "runs",
            "ours (s)",
            "stock aiortc (s)",
            "ratio ours/stock (median)",
            "srflx ours",
            "srflx stock",
        ],
        rows,
    )


def main() -> None:
    opts = args(__doc__ or "")
    asyncio.run(run(opts.quick))


if __name__ == "__main__":
    main()
