"""Ask STUN servers what this network looks like (the asyncio shell of ``doctor``).

Every configured server gets a binding request from one shared UDP socket, all in parallel, so
the mapped addresses can be compared. The first server that reports an OTHER-ADDRESS on a
different IP gets the RFC 5780 mapping tests (same socket) and filtering tests (a fresh socket
that has only talked to the server's primary address). IPv4 only.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Sequence
from typing import cast

import aioice.stun as stun

from webrtc_party.config import IceServer, parse_ice_url
from webrtc_party.errors import ConfigError
from webrtc_party.nat.classify import Endpoint, ProbeResults, Rfc5780Probe, ServerProbe

__all__ = ["CHANGE_IP", "CHANGE_PORT", "StunClient", "probe"]

logger = logging.getLogger(__name__)

CHANGE_IP = 0x04  # RFC 5780 CHANGE-REQUEST flags
CHANGE_PORT = 0x02


class StunClient(asyncio.DatagramProtocol):
    """Binding requests over one UDP socket; answers matched by transaction id."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self._pending: dict[bytes, asyncio.Future[tuple[stun.Message, Endpoint]]] = {}

    @classmethod
    async def open(cls) -> StunClient:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_datagram_endpoint(
            cls, local_addr=("0.0.0.0", 0), family=socket.AF_INET
        )
        return proto

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        try:
            msg = stun.parse_message(data)
        except ValueError:
            return  # not STUN: ignore
        fut = self._pending.get(msg.transaction_id)
        if fut is not None and not fut.done() and msg.message_class == stun.Class.RESPONSE:
            fut.set_result((msg, (str(addr[0]), int(str(addr[1])))))

    def error_received(self, exc: Exception) -> None:
        logger.debug("socket error: %s", exc)  # ICMP unreachable: the request just times out

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        for fut in self._pending.values():
            fut.cancel()
        self._pending.clear()

    def expect(self, transaction_id: bytes) -> asyncio.Future[tuple[stun.Message, Endpoint]]:
        """A future for the answer to a request the caller sends itself (``send``)."""
        fut: asyncio.Future[tuple[stun.Message, Endpoint]] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[transaction_id] = fut
        return fut

    def send(self, msg: stun.Message, addr: Endpoint) -> None:
        assert self.transport is not None
        self.transport.sendto(bytes(msg), addr)

    async def request(
        self, addr: Endpoint, wait_s: float, change: int = 0
    ) -> tuple[stun.Message, Endpoint, float] | None:
        """One binding request, retransmitted; (response, its source, rtt ms) or None."""
        assert self.transport is not None
        msg = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        if change:
            msg.attributes["CHANGE-REQUEST"] = change
        fut: asyncio.Future[tuple[stun.Message, Endpoint]] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[msg.transaction_id] = fut
        data = bytes(msg)
        start = time.monotonic()
        interval = 0.1
        try:
            async with asyncio.timeout(wait_s):
                while True:
                    self.transport.sendto(data, addr)
                    done, _ = await asyncio.wait({fut}, timeout=interval)
                    if done:
                        resp, source = fut.result()
                        return resp, source, (time.monotonic() - start) * 1000
                    interval = min(interval * 2, 0.4)
        except TimeoutError:
            return None
        finally:
            self._pending.pop(msg.transaction_id, None)


def _mapped(msg: stun.Message) -> Endpoint | None:
    for name in ("XOR-MAPPED-ADDRESS", "MAPPED-ADDRESS"):
        value = msg.attributes.get(name)
        if value is not None:
            return (str(value[0]), int(value[1]))
    return None


async def _resolve(server: IceServer, wait_s: float) -> Endpoint:
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(wait_s):
        infos = await loop.getaddrinfo(
            server.host, server.port, family=socket.AF_INET, type=socket.SOCK_DGRAM
        )
    sockaddr = infos[0][4]
    return (str(sockaddr[0]), int(sockaddr[1]))


async def _ask(client: StunClient, server: IceServer, wait_s: float) -> ServerProbe:
    url = server.url
    try:
        addr = await _resolve(server, wait_s)
    except (OSError, TimeoutError) as exc:
        return ServerProbe(url, error=f"name not resolved ({str(exc) or type(exc).__name__})")
    answer = await client.request(addr, wait_s)
    if answer is None:
        return ServerProbe(url, addr, error=f"no answer within {wait_s:g} s")
    msg, _, rtt = answer
    other = msg.attributes.get("OTHER-ADDRESS")
    return ServerProbe(
        url, addr, round(rtt, 1), _mapped(msg), (str(other[0]), int(other[1])) if other else None
    )


def _local_address(dest: Endpoint) -> str | None:
    """The source address the kernel would use toward ``dest`` (connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(dest)
            return str(s.getsockname()[0])
        except OSError:
            return None


async def _mapping_tests(
    client: StunClient, primary: Endpoint, other: Endpoint, mapped: Endpoint, wait_s: float
) -> tuple[Endpoint | None, ...]:
    ans2 = await client.request((other[0], primary[1]), wait_s)
    mapped2 = _mapped(ans2[0]) if ans2 else None
    if mapped2 is None or mapped2 == mapped:
        return mapped2, None
    ans3 = await client.request(other, wait_s)
    return mapped2, _mapped(ans3[0]) if ans3 else None


async def _filtering_tests(primary: Endpoint, wait_s: float) -> tuple[bool | None, bool | None]:
    client = await StunClient.open()
    try:
        if await client.request(primary, wait_s) is None:
            return None, None
        both, port = await asyncio.gather(
            client.request(primary, wait_s, CHANGE_IP | CHANGE_PORT),
            client.request(primary, wait_s, CHANGE_PORT),
        )
        # a server that ignores CHANGE-REQUEST answers from the unchanged address: no result
        both_ok = None if both is not None and both[1][0] == primary[0] else both is not None
        port_ok = None if port is not None and port[1][1] == primary[1] else port is not None
        return both_ok, port_ok
    finally:
        client.close()


async def probe(
    urls: Sequence[str], wait_s: float = 1.5, change_wait_s: float = 1.0
) -> ProbeResults:
    """Probe every server in parallel, then run RFC 5780 tests on the first that can."""
    servers_cfg = [parse_ice_url(url) for url in urls]  # ConfigError before any traffic
    if any(s.scheme != "stun" for s in servers_cfg):
        raise ConfigError("doctor probes STUN servers only: give stun:host[:port] URLs")
    client = await StunClient.open()
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(_ask(client, srv, wait_s)) for srv in servers_cfg]
        servers = tuple(t.result() for t in tasks)
        locals_ = {a for s in servers if s.address for a in [_local_address(s.address)] if a}
        capable = [
            s
            for s in servers
            if s.answered and s.other_address and s.address and s.other_address[0] != s.address[0]
        ]
        rfc: Rfc5780Probe | None = None
        if capable:
            s = capable[0]
            assert s.address and s.other_address and s.mapped
            async with asyncio.TaskGroup() as tg:
                m = tg.create_task(
                    _mapping_tests(client, s.address, s.other_address, s.mapped, wait_s)
                )
                f = tg.create_task(_filtering_tests(s.address, change_wait_s))
            (m2, m3), (fb, fp) = m.result(), f.result()
            rfc = Rfc5780Probe(s.url, s.mapped, m2, m3, fb, fp)
        return ProbeResults(tuple(sorted(locals_)), servers, rfc)
    finally:
        client.close()
