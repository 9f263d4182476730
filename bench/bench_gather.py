"""Gather time with dead STUN servers: our Link.create_invite vs stock aiortc.

Dead servers are black-hole UDP sockets on 127.0.0.1 that swallow every request;
the live one is an in-process STUN responder on 127.0.0.1. Both sides gather on
127.0.0.1 only (stock aioice is restricted for the run, see _common) and the clock
runs from constructing the peer connection to the local description being ready:

- ours: ``Link(config).create_invite()`` with ``stun=`` the servers;
- stock: ``RTCPeerConnection(iceServers=[the same servers])``, ``createDataChannel``,
  ``setLocalDescription(createOffer())``. aiortc uses only the first ``stun:`` URL.

A second table times the NAT mapping test inside our gathering (docs/nat.md, "Which side is
hard"): live responders on other loopback IPs (127.0.0.2-.4), with or without RFC 5780's
OTHER-ADDRESS, and second addresses that never answer. Every row is ours only; run the same
file against an older tree (PYTHONPATH=that tree) for a before/after.

    python3 bench/bench_gather.py [--quick]
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aioice.stun as stun
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
from webrtc_party.config import parse_ice_url
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


class _Responder(asyncio.DatagramProtocol):
    """A STUN responder on a loopback IP; ``other``: the OTHER-ADDRESS it names, if any."""

    def __init__(self, other: tuple[str, int] | None) -> None:
        self.other = other
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            req = stun.parse_message(data)
        except ValueError:
            return
        resp = stun.Message(req.message_method, stun.Class.RESPONSE, req.transaction_id)
        resp.attributes["XOR-MAPPED-ADDRESS"] = addr
        if self.other is not None:
            resp.attributes["OTHER-ADDRESS"] = self.other
        assert self.transport is not None
        self.transport.sendto(bytes(resp), addr)


SENSE_PORT = 34780
DEAD_IP = "127.0.0.4"  # a bound socket that never answers (no ICMP either)


async def _bind(ip: str, proto: asyncio.DatagramProtocol) -> asyncio.DatagramTransport:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: proto, local_addr=(ip, SENSE_PORT))
    return transport


SENSE_CASES = [  # label, servers configured, primary's OTHER-ADDRESS
    ("1 server, no OTHER-ADDRESS", ["127.0.0.2"], None),
    ("1 server, OTHER-ADDRESS answers", ["127.0.0.2"], "127.0.0.3"),
    ("1 server, OTHER-ADDRESS silent", ["127.0.0.2"], DEAD_IP),
    ("2 servers, no OTHER-ADDRESS", ["127.0.0.2", "127.0.0.3"], None),
    ("2 servers, the second silent", ["127.0.0.2", DEAD_IP], None),
]


async def sense(quick: bool) -> None:
    reps = 1 if quick else 7
    primary = _Responder(None)
    sockets = [
        await _bind("127.0.0.2", primary),
        await _bind("127.0.0.3", _Responder(None)),
        await _bind(DEAD_IP, asyncio.DatagramProtocol()),  # a black hole
    ]
    rows = []
    try:
        for label, ips, other in SENSE_CASES:
            primary.other = (other, SENSE_PORT) if other else None
            servers = tuple(parse_ice_url(f"stun:{ip}:{SENSE_PORT}") for ip in ips)
            times: list[float] = []
            hints: set[str] = set()
            for _ in range(reps):
                link = Link(link_config(stun=servers))
                try:
                    start = time.perf_counter()
                    await link.create_invite()
                    times.append(time.perf_counter() - start)
                    hints.add(f"{link.mapping.hint.name.lower()} ({link.mapping.detail})")
                finally:
                    await link.close()
            rows.append([label, reps, seconds(times), ", ".join(sorted(hints))])
    finally:
        for t in sockets:
            t.close()
    print()
    print_table(
        "Gather time with the mapping test, seconds, median / p90 (ours: Link.create_invite)",
        ["STUN servers", "runs", "ours (s)", "mapping (why)"],
        rows,
    )


def main() -> None:
    opts = args(__doc__ or "")
    asyncio.run(run(opts.quick))
    asyncio.run(sense(opts.quick))


if __name__ == "__main__":
    main()
