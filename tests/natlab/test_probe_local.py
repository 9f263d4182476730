"""The doctor's probe against real in-process STUN servers on loopback (no lab, no root)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aioice.stun as stun
import pytest

from webrtc_party.errors import ConfigError
from webrtc_party.nat.classify import NatType, Verdict, diagnose
from webrtc_party.nat.probe import probe


class _Server(asyncio.DatagramProtocol):
    """Answers binding requests with XOR-MAPPED-ADDRESS (plain STUN, no RFC 5780)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.DatagramTransport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        req = stun.parse_message(data)
        resp = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE, req.transaction_id)
        resp.attributes["XOR-MAPPED-ADDRESS"] = addr
        self.transport.sendto(bytes(resp), addr)


@pytest.fixture
async def servers() -> AsyncIterator[list[str]]:
    loop = asyncio.get_running_loop()
    transports = []
    urls = []
    for ip in ("127.0.0.1", "127.0.0.2"):
        t, _ = await loop.create_datagram_endpoint(_Server, local_addr=(ip, 0))
        transports.append(t)
        urls.append(f"stun:{ip}:{t.get_extra_info('sockname')[1]}")
    yield urls
    for t in transports:
        t.close()


def _dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_two_plain_servers_and_a_dead_one(servers: list[str]) -> None:
    dead = f"stun:127.0.0.1:{_dead_port()}"
    # 1.5 s, not 0.5 s: the servers answer from this same (possibly stalled) process
    results = await probe([*servers, dead], wait_s=1.5)
    first, second, gone = results.servers
    assert first.answered and second.answered and not gone.answered
    # a round trip was measured (inside the wait); how fast it is belongs in bench/, not here
    assert first.rtt_ms is not None and 0 < first.rtt_ms < 1500
    assert first.mapped is not None and first.mapped[0] == "127.0.0.1"
    assert gone.error and "no answer" in gone.error
    assert results.rfc5780 is None
    d = diagnose(results)
    # the mapped address is this machine's own: no NAT
    assert (d.method, d.nat_type, d.verdict) == ("two-servers", NatType.OPEN, Verdict.DIRECT)


async def test_nothing_answers() -> None:
    results = await probe([f"stun:127.0.0.1:{_dead_port()}"], wait_s=0.3)
    assert diagnose(results).verdict is Verdict.NO_UDP


async def test_bad_urls_fail_before_any_traffic() -> None:
    with pytest.raises(ConfigError):
        await probe(["http://example.org"])
    with pytest.raises(ConfigError):
        await probe(["turn:127.0.0.1:3478"])
