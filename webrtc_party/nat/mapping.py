"""Does my NAT give a new public port per destination, and do those ports step predictably?

At gather time the link asks this before its ICE sockets exist (docs/nat.md, "Which side is
hard"): one socket asks the STUN server and every second address it has (other configured
servers on other IPs, and the server's RFC 5780 OTHER-ADDRESS once its answer names one); two
more sockets ask the server once each. All requests go out back to back and the answers are
awaited together, for at most a bound derived from the server's round trip, so a second
address that never answers costs that bound, not seconds. The same mapped port from the
primary and any second address means a stable (endpoint-independent) mapping; else the ports,
placed at the position the NAT allocated them in, either step by one small constant
(sequential) or not (random). ``pattern_of``/``allocation_pattern`` are pure; ``sense_mapping``
does the I/O.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass

import aioice.stun as stun

from signaling.token import MappingHint
from webrtc_party.config import IceServer
from webrtc_party.nat.classify import Endpoint
from webrtc_party.nat.probe import StunClient
from webrtc_party.stun_probe import StunAnswer, pick_stun_servers

__all__ = [
    "MAX_STEP",
    "SENSE_WAIT_MAX",
    "SENSE_WAIT_MIN",
    "MappingSense",
    "Sent",
    "allocation_pattern",
    "pattern_of",
    "pick_and_sense",
    "sense_mapping",
    "sense_mapping_within",
    "sense_wait",
]

MAX_STEP = 16  # a larger constant step is rarer than chance; treat it as random
SENSE_WAIT_MIN = 0.15  # seconds: the least wait for all answers (one retransmit inside it)
SENSE_WAIT_MAX = 0.4  # seconds: the most, whatever the round trip; a silent address costs this


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


class Sent(enum.Enum):
    """What one request of the sensing burst was: which socket, toward which address."""

    FIRST = "first"  # socket 0 -> the primary server
    SECOND = "second"  # socket 0 -> another address (another server, or OTHER-ADDRESS)
    OTHER = "other"  # a further socket -> the primary server


def pattern_of(burst: Sequence[tuple[Sent, int | None]]) -> MappingSense:
    """Pure: classify from the burst's (kind, mapped port or None) in the order sent.

    Each request that went out made (or reused) one mapping, answered or not, so a port is
    compared with its position in the burst: sequential means port = first + step x position
    for every answered request (at least three of them)."""
    first = next((port for kind, port in burst if kind is Sent.FIRST), None)
    if first is None:
        return MappingSense(MappingHint.STABLE, detail="no STUN answer")
    seconds = [port for kind, port in burst if kind is Sent.SECOND and port is not None]
    seen = tuple(port for _, port in burst if port is not None)
    if not seconds:
        return MappingSense(MappingHint.STABLE, None, seen, "no second STUN address answered")
    if first in seconds:
        return MappingSense(MappingHint.STABLE, None, seen, "same port toward both addresses")
    placed = [(i, port) for i, (_, port) in enumerate(burst) if port is not None]
    if len(placed) >= 3:
        (i0, p0), (i1, p1) = placed[0], placed[1]
        step, rest = divmod(p1 - p0, i1 - i0)
        fits = rest == 0 and all(p == p0 + step * (i - i0) for i, p in placed)
        if fits and step != 0 and abs(step) <= MAX_STEP:
            return MappingSense(MappingHint.SEQUENTIAL, step, seen, f"ports step by {step}")
    return MappingSense(MappingHint.RANDOM, None, seen, "no predictable step between ports")


def allocation_pattern(same_socket: tuple[int, int], others: Sequence[int]) -> MappingSense:
    """Classify from (port toward address 1, port toward address 2) of one socket, then the
    ports of further sockets toward address 1, all in the order they were asked."""
    burst = [(Sent.FIRST, same_socket[0]), (Sent.SECOND, same_socket[1])]
    return pattern_of(burst + [(Sent.OTHER, port) for port in others])


def _port(msg: stun.Message | None) -> int | None:
    if msg is None:
        return None
    for name in ("XOR-MAPPED-ADDRESS", "MAPPED-ADDRESS"):
        value = msg.attributes.get(name)
        if value is not None:
            return int(value[1])
    return None


def sense_wait(rtt_s: float | None) -> float:
    """Pure: how long the burst waits for its answers, from the primary's round trip."""
    if rtt_s is None:
        return SENSE_WAIT_MAX
    return min(SENSE_WAIT_MAX, max(SENSE_WAIT_MIN, 4 * rtt_s))


class _Burst:
    """Requests sent now, answers collected by transaction id (on the sockets' own futures)."""

    def __init__(self) -> None:
        self.sent: list[tuple[Sent, StunClient, Endpoint, stun.Message]] = []
        self.answers: dict[bytes, asyncio.Future[tuple[stun.Message, Endpoint]]] = {}

    def send(self, kind: Sent, client: StunClient, addr: Endpoint) -> None:
        msg = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        fut = client.expect(msg.transaction_id)
        self.answers[msg.transaction_id] = fut
        self.sent.append((kind, client, addr, msg))
        client.send(msg, addr)

    def resend_missing(self) -> None:
        for _, client, addr, msg in self.sent:
            if not self.answers[msg.transaction_id].done():
                client.send(msg, addr)

    def answer(self, msg: stun.Message) -> stun.Message | None:
        fut = self.answers[msg.transaction_id]
        return fut.result()[0] if fut.done() and not fut.cancelled() else None

    async def wait(self, until: float) -> None:
        """Until every answer is in or ``until`` (monotonic); one resend half way."""
        pending = {f for f in self.answers.values() if not f.done()}
        resent = False
        while pending:
            left = until - time.monotonic()
            if left <= 0:
                return
            half = left / 2 if not resent else left
            done, pending = await asyncio.wait(pending, timeout=half)
            if not done and not resent:
                self.resend_missing()
                resent = True


def _other_address(msg: stun.Message | None, primary: Endpoint) -> Endpoint | None:
    other = msg.attributes.get("OTHER-ADDRESS") if msg is not None else None
    if other is None or str(other[0]) == primary[0]:
        return None
    return (str(other[0]), int(other[1]))


async def sense_mapping(
    primary: Endpoint,
    second: Endpoint | Sequence[Endpoint] | None,
    wait_s: float,
    samples: int = 2,
) -> MappingSense:
    """Probe as described above, in at most about ``wait_s`` (twice when the primary's
    OTHER-ADDRESS must be asked after its answer). STABLE (unknown) when nothing tells."""
    if not second:
        seconds: list[Endpoint] = []
    elif isinstance(second[0], str):
        seconds = [second]  # type: ignore[list-item]
    else:
        seconds = list(second)  # type: ignore[arg-type]
    seconds = [s for s in seconds if s[0] != primary[0]][:2]
    clients = [await StunClient.open() for _ in range(1 + samples)]
    try:
        burst = _Burst()
        burst.send(Sent.FIRST, clients[0], primary)
        for addr in seconds:
            burst.send(Sent.SECOND, clients[0], addr)
        for client in clients[1:]:
            burst.send(Sent.OTHER, client, primary)
        await burst.wait(time.monotonic() + wait_s)
        first = burst.answer(burst.sent[0][3])
        other = _other_address(first, primary)
        answered_second = any(
            burst.answer(m) is not None for k, _, _, m in burst.sent if k is Sent.SECOND
        )
        if other is not None and other not in seconds and not answered_second:
            burst.send(Sent.SECOND, clients[0], other)
            await burst.wait(time.monotonic() + wait_s)
        return pattern_of([(kind, _port(burst.answer(m))) for kind, _, _, m in burst.sent])
    finally:
        for client in clients:
            client.close()


async def sense_mapping_within(
    primary: Endpoint,
    second: Endpoint | Sequence[Endpoint] | None,
    budget: float,
    rtt_s: float | None = None,
) -> MappingSense:
    """``sense_mapping`` bounded by ``budget`` seconds in all (STABLE when it runs out); each
    wait is ``sense_wait(rtt_s)``."""
    try:
        async with asyncio.timeout(budget):
            return await sense_mapping(primary, second, wait_s=min(budget / 2, sense_wait(rtt_s)))
    except TimeoutError:
        return MappingSense(MappingHint.STABLE, detail="STUN too slow to tell")


async def pick_and_sense(
    servers: tuple[IceServer, ...], stun_wait: float, budget: float = 1.0
) -> tuple[StunAnswer | None, MappingSense]:
    """The link's gathering step: the first STUN server to answer (and a second on another
    IP within ``sense_wait`` of it), then the mapping test against the two (IPv4 only)."""
    answers = await pick_stun_servers(servers, stun_wait, lambda a: sense_wait(a.rtt_ms / 1000))
    if not answers:
        return None, MappingSense(MappingHint.STABLE, detail="no STUN answer")
    first = answers[0]
    if ":" in first.address[0]:
        return first, MappingSense(MappingHint.STABLE, detail="IPv6 STUN server: not sensed")
    others = [a.address for a in answers[1:]]
    sense = await sense_mapping_within(first.address, others, budget, first.rtt_ms / 1000)
    return first, sense
