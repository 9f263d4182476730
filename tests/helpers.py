"""The shared test kit: one way to wait on a condition, loopback links, a link's ICE, a black hole.

- ``until`` (on the event loop) and ``wait`` (from a plain thread) poll one condition with
  one policy and fail naming the condition; a test never sleeps for something it can wait on.
- ``next_event`` reads a link's events up to one of a kind, and fails if the link closes first.
- ``ice_of`` is a link's aioice connection, through the link's public ``peer_connection`` tap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import aioice

from webrtc_party import _aioice_patch as patch
from webrtc_party.config import LinkConfig
from webrtc_party.interfaces import InterfacePolicy
from webrtc_party.link import Link
from webrtc_party.link_events import LinkEvent

__all__ = [
    "LOOPBACK",
    "POLL_EVERY",
    "BlackHole",
    "ice_of",
    "loopback_config",
    "next_event",
    "until",
    "wait",
]

LOOPBACK = LinkConfig(stun=(), interfaces=InterfacePolicy.loopback_only())
POLL_EVERY = 0.05  # seconds between two looks at a condition

E = TypeVar("E", bound=LinkEvent)


def loopback_config(**changes: Any) -> LinkConfig:
    return replace(LOOPBACK, **changes)


def _polls(check: Callable[[], bool], within: float, what: str | None) -> Iterator[None]:
    """Yield while ``check`` does not hold; raise once ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            code = getattr(check, "__code__", None)
            where = f" ({code.co_filename}:{code.co_firstlineno})" if code else ""
            raise AssertionError(f"condition not reached in {within:g} s: {what or 'check'}{where}")
        yield


async def until(
    check: Callable[[], bool], within: float = 30.0, *, what: str | None = None
) -> None:
    """Poll ``check`` until it holds; fail the test after ``within`` seconds."""
    for _ in _polls(check, within, what):
        await asyncio.sleep(POLL_EVERY)


def wait(check: Callable[[], bool], within: float = 30.0, *, what: str | None = None) -> None:
    """``until`` from a plain thread (tests driving a threaded facade, as Rose does)."""
    for _ in _polls(check, within, what):
        time.sleep(POLL_EVERY)


async def next_event(link: Link, kind: type[E], within: float = 10.0) -> E:
    """The link's next event of ``kind``; fails if none comes in time or the link closes first
    (a ``Closed`` is returned only when asked for)."""
    async with asyncio.timeout(within):
        async for event in link.events():
            if isinstance(event, kind):
                return event
    raise AssertionError(f"link {link.id} closed ({link.closed}) before any {kind.__name__}")


def ice_of(link: Link) -> aioice.Connection:
    """The aioice connection under ``link`` (the link must have made or taken a token)."""
    pc = link.peer_connection
    assert pc is not None, "the link has no peer connection yet: make or accept a token first"
    return patch.ice_connection(pc)


class BlackHole:
    """Drops a link's UDP traffic (inbound, outbound or both) while ``on``.

    Wraps the link's own sockets, so it acts like a firewall or a NAT that has
    no mapping yet: what is dropped never reaches aioice.
    """

    def __init__(self, link: Link, *, inbound: bool = True, outbound: bool = False) -> None:
        self.on = True
        self.dropped = 0
        for protocol in ice_of(link)._protocols:  # aioice keeps its sockets' protocols here
            if inbound:
                self._gate_inbound(protocol)
            if outbound:
                self._gate_outbound(protocol)

    def _gate_inbound(self, protocol: Any) -> None:
        original = protocol.datagram_received

        def gated(data: bytes, addr: tuple[str, int]) -> None:
            if self.on:
                self.dropped += 1
            else:
                original(data, addr)

        protocol.datagram_received = gated

    def _gate_outbound(self, protocol: Any) -> None:
        transport = protocol.transport
        original = transport.sendto

        def gated(data: bytes, addr: Any = None) -> None:
            if self.on:
                self.dropped += 1
            else:
                original(data, addr)

        transport.sendto = gated
