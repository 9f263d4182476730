"""Does my NAT give a new public port per destination, and do those ports step predictably?

At gather time the link asks this before its ICE sockets exist (docs/nat.md, "Which side is
hard"): one socket asks the STUN server and then a second address (the server's RFC 5780
OTHER-ADDRESS, else the next configured server); two more sockets ask the server once each.
The same mapped port from both addresses means a stable (endpoint-independent) mapping; else
the four ports, in the order the NAT allocated them, either step by one small constant
(sequential) or not (random). ``allocation_pattern`` is pure; ``sense_mapping`` does the I/O.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from signaling.token import MappingHint
from webrtc_party.nat.classify import Endpoint
from webrtc_party.nat.probe import StunClient

__all__ = [
    "MAX_STEP",
    "MappingSense",
    "allocation_pattern",
    "sense_mapping",
    "sense_mapping_within",
]

MAX_STEP = 16  # a larger constant step is rarer than chance; treat it as random


@dataclass(frozen=True)
class MappingSense:
    hint: MappingHint
    step: int | None = None  # sequential: the port step between two new mappings
    ports: tuple[int, ...] = ()  # the mapped ports seen, in allocation order
    detail: str = ""

    @property
    def technique(self) -> str:
        """What a friend behind a cone NAT will need to reach this side."""
        if self.hint is MappingHint.SEQUENTIAL:
            return "port prediction (the friend probes the next ports first)"
        if self.hint is MappingHint.RANDOM:
            return "birthday punching (256 sockets here, up to 1024 probes from the friend)"
        return "nothing special (plain STUN hole punching)"


def allocation_pattern(same_socket: tuple[int, int], others: Sequence[int]) -> MappingSense:
    """Classify from (port toward address 1, port toward address 2) of one socket, then the
    ports of further sockets toward address 1, all in the order they were asked."""
    first, second = same_socket
    ports = (first, second, *others)
    if first == second:
        return MappingSense(MappingHint.STABLE, None, ports, "same port toward both addresses")
    steps = {b - a for a, b in itertools.pairwise(ports)}
    if len(steps) == 1:
        step = steps.pop()
        if step != 0 and abs(step) <= MAX_STEP:
            return MappingSense(MappingHint.SEQUENTIAL, step, ports, f"ports step by {step}")
    return MappingSense(MappingHint.RANDOM, None, ports, "no predictable step between ports")


def _port(answer: object) -> int | None:
    if answer is None:
        return None
    msg = answer[0]  # type: ignore[index]
    for name in ("XOR-MAPPED-ADDRESS", "MAPPED-ADDRESS"):
        value = msg.attributes.get(name)
        if value is not None:
            return int(value[1])
    return None


async def sense_mapping(
    primary: Endpoint, second: Endpoint | None, wait_s: float, samples: int = 2
) -> MappingSense:
    """Probe as described above; STABLE (unknown) when any answer is missing."""
    clients = [await StunClient.open() for _ in range(1 + samples)]
    try:
        first = await clients[0].request(primary, wait_s)
        if first is None:
            return MappingSense(MappingHint.STABLE, detail="no STUN answer")
        if second is None:
            other = first[0].attributes.get("OTHER-ADDRESS")
            if other is None or str(other[0]) == primary[0]:
                return MappingSense(MappingHint.STABLE, detail="no second STUN address")
            second = (str(other[0]), primary[1])
        ports: list[int | None] = [_port(first), _port(await clients[0].request(second, wait_s))]
        for client in clients[1:]:
            ports.append(_port(await client.request(primary, wait_s)))
        if any(p is None for p in ports):
            return MappingSense(MappingHint.STABLE, detail="a STUN answer was missing")
        known = [p for p in ports if p is not None]
        return allocation_pattern((known[0], known[1]), known[2:])
    finally:
        for client in clients:
            client.close()


async def sense_mapping_within(
    primary: Endpoint, second: Endpoint | None, budget: float
) -> MappingSense:
    """``sense_mapping`` bounded by ``budget`` seconds in all (STABLE when it runs out)."""
    try:
        async with asyncio.timeout(budget):
            return await sense_mapping(primary, second, wait_s=budget / 2)
    except TimeoutError:
        return MappingSense(MappingHint.STABLE, detail="STUN too slow to tell")
