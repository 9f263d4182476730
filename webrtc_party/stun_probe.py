"""Pick a STUN server: ask them all at once, keep the first that answers.

aiortc uses only the first STUN server it is given and waits 5 s when that one
is dead. Probing the list in parallel first, bounded by one budget, means a
dead server costs nothing when another answers, and at most the budget when
none does (the token then carries host candidates only).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import aioice.stun as stun

from webrtc_party.config import IceServer

__all__ = [
    "ProbeResult",
    "StunAnswer",
    "pick_stun_server",
    "pick_stun_servers",
    "probe_stun_servers",
]

logger = logging.getLogger(__name__)
STALL_S = 0.02  # seconds: a wait that returns this much late means the loop was not running


@dataclass(frozen=True)
class StunAnswer:
    server: IceServer
    address: tuple[str, int]  # resolved server address
    mapped: tuple[str, int]  # our public address as the server saw it
    rtt_ms: float


@dataclass(frozen=True)
class ProbeResult:
    answers: tuple[StunAnswer, ...]  # in arrival order
    failed: tuple[tuple[IceServer, str], ...]  # server, reason


class _Probe(asyncio.DatagramProtocol):
    def __init__(self, request: stun.Message) -> None:
        self.request = request
        self.response: asyncio.Future[stun.Message] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        with contextlib.suppress(ValueError):
            message = stun.parse_message(data)
            if (
                message.transaction_id == self.request.transaction_id
                and message.message_class == stun.Class.RESPONSE
                and not self.response.done()
            ):
                self.response.set_result(message)

    def error_received(self, exc: Exception) -> None:
        if not self.response.done():
            self.response.set_exception(exc)


async def _ask(server: IceServer) -> StunAnswer:
    loop = asyncio.get_running_loop()
    try:
        literal = ipaddress.ip_address(server.host)
    except ValueError:
        literal = None
    if literal is not None and literal.version == 4:
        address = (str(literal), server.port)  # no resolver thread for an IP literal
    else:
        infos = await loop.getaddrinfo(server.host, server.port, type=socket.SOCK_DGRAM)
        ipv4 = [info[4] for info in infos if info[0] == socket.AF_INET]
        if not ipv4:
            raise ValueError(f"{server.host} has no IPv4 address")
        address = (str(ipv4[0][0]), int(ipv4[0][1]))
    request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
    transport, probe = await loop.create_datagram_endpoint(
        lambda: _Probe(request), family=socket.AF_INET
    )
    try:
        start = time.perf_counter()
        delay = 0.25
        while True:
            transport.sendto(bytes(request), address)
            try:
                response = await asyncio.wait_for(asyncio.shield(probe.response), delay)
                break
            except TimeoutError:
                delay = min(delay * 2, 1.0)
        rtt = (time.perf_counter() - start) * 1000
        mapped = response.attributes.get("XOR-MAPPED-ADDRESS") or response.attributes.get(
            "MAPPED-ADDRESS"
        )
        if mapped is None:
            raise ValueError("response without a mapped address")
        return StunAnswer(server, address, (str(mapped[0]), int(mapped[1])), rtt)
    finally:
        transport.close()


async def probe_stun_servers(
    servers: tuple[IceServer, ...], budget: float, *, first_only: bool = False
) -> ProbeResult:
    """Query every server in parallel for at most ``budget`` seconds."""
    answers: list[StunAnswer] = []
    failed: list[tuple[IceServer, str]] = []
    if not servers:
        return ProbeResult((), ())
    tasks = {asyncio.ensure_future(_ask(s)): s for s in servers}
    try:
        async with asyncio.timeout(budget):
            for next_done in asyncio.as_completed(tasks):
                try:
                    answers.append(await next_done)
                    if first_only:
                        break
                except (OSError, ValueError) as exc:
                    logger.debug("STUN probe failed: %s", exc)
    except TimeoutError:
        pass
    finally:
        for task, server in tasks.items():
            if not task.done():
                task.cancel()
                failed.append((server, "no answer"))
            elif task.cancelled():
                failed.append((server, "no answer"))
            elif task.exception() is not None:
                failed.append((server, str(task.exception()) or type(task.exception()).__name__))
        await asyncio.gather(*tasks, return_exceptions=True)
    return ProbeResult(tuple(answers), tuple(failed))


async def pick_stun_server(servers: tuple[IceServer, ...], budget: float) -> StunAnswer | None:
    """The first server to answer within ``budget`` seconds, or None."""
    result = await probe_stun_servers(servers, budget, first_only=True)
    return result.answers[0] if result.answers else None


async def pick_stun_servers(
    servers: tuple[IceServer, ...], budget: float, grace: Callable[[StunAnswer], float]
) -> tuple[StunAnswer, ...]:
    """The first server to answer within ``budget`` seconds and, when another server on
    another IP answers within ``grace(first)`` seconds after it, that one too (the mapping
    test compares the two; docs/nat.md). A dead second server costs at most the grace."""
    if not servers:
        return ()
    loop = asyncio.get_running_loop()
    tasks = {asyncio.ensure_future(_ask(s)) for s in servers}
    answers: list[StunAnswer] = []
    limit = end = loop.time() + budget
    pending = set(tasks)
    try:
        while pending and len(answers) < 2:
            left = end - loop.time()
            if left <= 0:
                break
            before = loop.time()
            done, pending = await asyncio.wait(
                pending, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            lag = loop.time() - before - left
            if not done and lag > STALL_S:
                # this process did not run for at least ``lag`` (a loaded machine): the grace
                # did not pass for us, and an answer that came in time may still be on its
                # way to its task; that much more, from now
                end = min(limit, loop.time() + lag)
            for task in done:
                if task.cancelled() or task.exception() is not None:
                    logger.debug("STUN probe failed: %s", task.exception())
                    continue
                answer = task.result()
                if not answers:
                    answers.append(answer)
                    end = min(end, loop.time() + grace(answer))
                elif len(answers) < 2 and answer.address[0] != answers[0].address[0]:
                    answers.append(answer)
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return tuple(answers)
