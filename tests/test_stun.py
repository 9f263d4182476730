"""STUN selection: dead servers cost at most the budget; a live one wins at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aioice.stun as stun
import pytest

from signaling.token import CandidateType
from tests.helpers import loopback_config, until
from webrtc_party.config import IceServer, parse_ice_url
from webrtc_party.link import Link
from webrtc_party.stun_probe import pick_stun_server, probe_stun_servers


class Responder(asyncio.DatagramProtocol):
    """A minimal STUN server on loopback: answers binding requests (or swallows them)."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.requests = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.DatagramTransport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.requests += 1
        if not self.answer:
            return
        request = stun.parse_message(data)
        response = stun.Message(
            message_method=stun.Method.BINDING,
            message_class=stun.Class.RESPONSE,
            transaction_id=request.transaction_id,
        )
        response.attributes["XOR-MAPPED-ADDRESS"] = addr
        self.transport.sendto(bytes(response), addr)


async def serve(answer: bool) -> tuple[IceServer, Responder, asyncio.DatagramTransport]:
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_datagram_endpoint(
        lambda: Responder(answer), local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    return parse_ice_url(f"stun:127.0.0.1:{port}"), proto, transport


RESPONDERS: dict[IceServer, Responder] = {}
Servers = tuple[list[IceServer], list[IceServer]]


@pytest.fixture
async def servers() -> AsyncIterator[tuple[list[IceServer], list[IceServer]]]:
    made = [await serve(False) for _ in range(3)] + [await serve(True)]
    RESPONDERS.clear()
    RESPONDERS.update({server: proto for server, proto, _ in made})
    yield [m[0] for m in made[:3]], [made[3][0]]
    for _, _, transport in made:
        transport.close()


async def test_live_server_wins_over_dead_ones(
    servers: tuple[list[IceServer], list[IceServer]],
) -> None:
    dead, live = servers
    started = time.monotonic()
    answer = await pick_stun_server(tuple(dead + live), budget=1.5)
    assert answer is not None and answer.server == live[0]
    assert answer.mapped[0] == "127.0.0.1"
    assert time.monotonic() - started < 1.0
    result = await probe_stun_servers(tuple(dead + live), budget=0.6)
    assert [a.server for a in result.answers] == live
    assert {s for s, _ in result.failed} == set(dead)


async def test_all_dead_gathers_within_budget_with_host_candidates(
    servers: tuple[list[IceServer], list[IceServer]],
) -> None:
    dead, _ = servers
    link = Link(loopback_config(stun=tuple(dead)))
    started = time.monotonic()
    token = await link.create_invite()
    took = time.monotonic() - started
    await link.close()
    assert took < 3.0, f"gathering took {took:.2f} s with dead STUN servers (stock: 5 s)"
    assert [c.type for c in token.candidates] == [CandidateType.HOST]


async def test_live_server_gives_a_server_reflexive_candidate(
    servers: tuple[list[IceServer], list[IceServer]],
) -> None:
    dead, live = servers
    link = Link(loopback_config(stun=tuple(dead + live)))
    token = await link.create_invite()
    await link.close()
    assert CandidateType.SRFLX in {c.type for c in token.candidates}


async def test_waiting_invite_keeps_its_nat_mapping_fresh(servers: Servers) -> None:
    _, live = servers
    link = Link(loopback_config(stun=tuple(live), mapping_keepalive=0.3))
    await link.create_invite()
    responder = RESPONDERS[live[0]]
    after_gather = responder.requests
    try:
        await until(
            lambda: responder.requests - after_gather >= 2,
            10,
            what="two keepalives reaching the STUN server while the invite waits",
        )
    finally:
        await link.close()
