"""Test helpers: loopback link configs and a switchable black hole under a link."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from webrtc_party import _aioice_patch as patch
from webrtc_party.config import LinkConfig
from webrtc_party.interfaces import InterfacePolicy
from webrtc_party.link import Link

LOOPBACK = LinkConfig(stun=(), interfaces=InterfacePolicy.loopback_only())


def loopback_config(**changes: Any) -> LinkConfig:
    return replace(LOOPBACK, **changes)


async def until(check: Callable[[], bool], within: float = 30.0) -> None:
    """Poll ``check`` until it holds; fail the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


class BlackHole:
    """Drops a link's UDP traffic (inbound, outbound or both) while ``on``.

    Wraps the link's own sockets, so it acts like a firewall or a NAT that has
    no mapping yet: what is dropped never reaches aioice.
    """

    def __init__(self, link: Link, *, inbound: bool = True, outbound: bool = False) -> None:
        self.on = True
        self.dropped = 0
        assert link._pc is not None
        conn = patch.ice_connection(link._pc)
        for protocol in conn._protocols:
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
