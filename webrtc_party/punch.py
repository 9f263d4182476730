"""Hole punching for one hard (symmetric) side and one easy (cone) side, inside aioice's ICE.

See docs/nat.md, "Port prediction and birthday punching". Engaged by the link only when the
two tokens' mapping hints say exactly one side is hard and the normal checks found nothing:

- the hard side opens ``sockets`` extra UDP sockets and starts an ICE check from each toward
  the easy side's server-reflexive address, so its NAT opens that many mappings, each on a
  new public port (``PUNCH_CHECK_SENDS`` packets per socket);
- the easy side sends real ICE checks (signed with the peer's password) from its own ICE
  socket to up to ``probes`` ports on the hard side's public IP, at most ``rate`` per second:
  the predicted next ports first when the hint says sequential, then random ones. Each
  probe also opens the easy side's own NAT filter for that port.

A probe that lands on one of the hard side's mappings is an authenticated check on an extra
socket: aioice answers it and, through the patch's triggered retransmit, sends that socket's
check again at once; it now passes the easy side's filter, the easy side learns the hard
side's port as peer-reflexive (within the patch's separate ``probed`` budget) and the pair
is checked and nominated as usual, so DTLS and SCTP run over it as over any pair.

Every extra socket is closed when a pair is nominated (except the one that won, which joins
the connection's own sockets), at the deadline, or when the link closes mid-punch (the task
is cancelled). All links of the process share one budget (``webrtc_party.punch_budget``):
at most ``MAX_SOCKETS`` extra sockets and ``MAX_RATE`` packets per second in all, each
link's share fair; a link that gets less logs it and punches with what it has.

Late answers (docs/nat.md, "Late answers and punching"): the answerer cannot know when its
answer will be applied, so when its deadline is far (the answer's lifetime) it keeps going
lightly after the burst: the easy side keeps probing new random ports at ``WAIT_RATE`` per
second, so that about ``WAIT_RATE`` x the NAT's UDP timeout pinholes are open whenever the
hard side's sockets start checking; the hard side keeps its sockets and refreshes each of
their mappings every ``REFRESH_S`` with one more check, so the easy side's later probes
still land. The offerer knows when it applies the answer: its window is the connect
deadline, as before.
"""

from __future__ import annotations

import asyncio
import collections
import enum
import logging
import os
import random
from dataclasses import dataclass

import aioice
import aioice.ice as ice
import aioice.stun as stun
from aioice.candidate import candidate_priority

from signaling.token import MappingHint
from webrtc_party import _aioice_patch as patch
from webrtc_party.punch_budget import MAX_RATE, MAX_SOCKETS, PunchBudget
from webrtc_party.punch_budget import budget as process_budget

__all__ = [
    "DEFAULT_PROBES",
    "DEFAULT_RATE",
    "DEFAULT_SOCKETS",
    "REFRESH_S",
    "WAIT_RATE",
    "PunchRole",
    "PunchSettings",
    "pace_delay",
    "probe_ports",
    "punch",
    "punch_role",
    "settings_from_env",
]

logger = logging.getLogger(__name__)

DEFAULT_SOCKETS = 256  # extra sockets on the hard side
DEFAULT_PROBES = 1024  # probes from the easy side
DEFAULT_RATE = 100.0  # probes per second
PREDICTED = 320  # sequential: ports after the signalled one probed first
SOCKET_PACE = 0.008  # at least this between two extra sockets (the budget: 10 ms a packet)
LOW_PORT = 1024
WAIT_RATE = 25.0  # easy side, after the burst, while the deadline is far (late answers)
REFRESH_S = 20.0  # hard side: one more check per socket this often (Linux UDP timeout: 30 s)
KEEP_PROBED = 4096  # probed addresses remembered for learning (older pinholes are closed)


class PunchRole(enum.Enum):
    NONE = "none"  # both easy: the normal checks suffice
    HARD = "hard"  # we open many sockets
    EASY = "easy"  # we probe many ports
    RELAY = "relay"  # both hard: only TURN or a relaying member helps


@dataclass(frozen=True)
class PunchSettings:
    sockets: int = DEFAULT_SOCKETS
    probes: int = DEFAULT_PROBES
    rate: float = DEFAULT_RATE


# MAX_SOCKETS, MAX_RATE: the limits (docs/nat.md), per link and for all links together
ENV = "WEBRTC_PARTY_PUNCH"  # "sockets,probes,rate": for measuring other settings in the lab


def settings_from_env(environ: dict[str, str] | None = None) -> PunchSettings:
    """The defaults, or ``$WEBRTC_PARTY_PUNCH`` (bench/bench_natlab.py --punch) within the
    limits; a malformed value is ignored with a warning."""
    text = (os.environ if environ is None else environ).get(ENV, "").strip()
    if not text:
        return PunchSettings()
    try:
        sockets, probes, rate = (float(part) for part in text.split(","))
    except ValueError:
        logger.warning("ignoring %s=%r: want sockets,probes,rate", ENV, text)
        return PunchSettings()
    return PunchSettings(
        sockets=int(min(max(sockets, 1), MAX_SOCKETS)),
        probes=int(max(probes, 1)),
        rate=min(max(rate, 1.0), MAX_RATE),
    )


def punch_role(local: MappingHint, remote: MappingHint) -> PunchRole:
    """Pure: which part this side plays, from the two mapping hints."""
    if local.hard and remote.hard:
        return PunchRole.RELAY
    if local.hard:
        return PunchRole.HARD
    if remote.hard:
        return PunchRole.EASY
    return PunchRole.NONE


def probe_ports(
    hint: MappingHint, signalled: int | None, count: int, rng: random.Random
) -> list[int]:
    """Pure (given ``rng``): which ports of the hard side to probe, in order, no repeats.

    Sequential: the ``PREDICTED`` ports after the signalled one (the hard side's extra
    mappings come next), then random ones; random: random ones only."""
    ports: list[int] = []
    seen: set[int] = set()
    if hint is MappingHint.SEQUENTIAL and signalled is not None:
        for offset in range(1, PREDICTED + 1):
            port = signalled + offset
            if port <= 65535 and len(ports) < count:
                ports.append(port)
                seen.add(port)
    if signalled is not None:
        seen.add(signalled)  # the normal checks already try it
    pool = [p for p in range(LOW_PORT, 65536) if p not in seen]
    ports += rng.sample(pool, max(0, min(count - len(ports), len(pool))))
    return ports


def _conn_done(conn: aioice.Connection) -> bool:
    return bool(conn._nominated) or conn._check_list_done or conn._closing


MAX_REMOTES = 2  # peer srflx addresses a hard socket checks toward (a token may list more)


async def _paced(budget: PunchBudget) -> None:
    """Wait for this packet's slot in the process-wide rate."""
    delay = budget.packets.reserve(asyncio.get_running_loop().time())
    if delay > 0:
        await asyncio.sleep(delay)


async def _hard(
    conn: aioice.Connection,
    opts: patch.ConnectionOptions,
    n: int,
    until: float,
    budget: PunchBudget,
) -> None:
    remotes = [c for c in conn._remote_candidates if c.type == "srflx" and ":" not in c.host]
    remotes = remotes[:MAX_REMOTES]
    bases = [p for p in conn._protocols if p.local_candidate.type == "host"]
    if not remotes or not bases:
        logger.info("punch: no server-reflexive peer address or host socket; nothing to do")
        return
    base = bases[0].local_candidate.host
    loop = asyncio.get_running_loop()
    pool = budget.sockets
    lease = pool.join()
    extra: list[ice.StunProtocol] = []
    opened = 0
    short_logged = False
    refresh_at = loop.time() + REFRESH_S
    try:
        while not _conn_done(conn) and loop.time() < until:
            excess = pool.excess(lease)
            if excess:  # another link joined: give our newest sockets back
                logger.info("punch: %d links share the sockets; closing %d", pool.leases, excess)
                for _ in range(excess):
                    _drop(conn, extra.pop())
                    pool.give(lease)
            if len(extra) < n and pool.take(lease):
                for _ in remotes:
                    await _paced(budget)
                if _conn_done(conn):
                    pool.give(lease)
                    break
                try:
                    proto = await _open(conn, opts, base, opened)
                except OSError as exc:  # out of file descriptors, say: punch with what we have
                    pool.give(lease)
                    logger.warning("punch: no more sockets (%s); %d open", exc, len(extra))
                    n = len(extra)
                    continue
                opened += 1
                extra.append(proto)
                for remote in remotes:
                    pair = ice.CandidatePair(proto, remote)
                    pair.state = ice.CandidatePair.State.WAITING
                    conn._check_list.append(pair)
                    conn.check_start_task(pair)
                if len(extra) == n:
                    logger.info("punch: %d extra sockets checking toward %s", n, remotes)
                await asyncio.sleep(SOCKET_PACE)
                continue
            if not short_logged and pool.share() <= len(extra) < n:  # at a share below n
                short_logged = True
                logger.info(
                    "punch: %d punching links share the budget of %d sockets: %d of %d now",
                    pool.leases,
                    pool.limit,
                    len(extra),
                    n,
                )
            await asyncio.sleep(0.05)
            if loop.time() >= refresh_at and not _conn_done(conn):
                refresh_at = loop.time() + REFRESH_S
                await _refresh(conn, extra, remotes, budget)
    finally:
        _release(conn, extra)
        pool.leave(lease)


async def _open(
    conn: aioice.Connection, opts: patch.ConnectionOptions, base: str, i: int
) -> ice.StunProtocol:
    _, proto = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: ice.StunProtocol(conn), local_addr=(base, 0)
    )
    port = proto.transport.get_extra_info("sockname")[1]
    proto.local_candidate = aioice.Candidate(
        foundation=f"punch{i}",
        component=1,
        transport="udp",
        priority=candidate_priority(1, "host", 0),
        host=base,
        port=port,
        type="host",
    )
    opts.punch_protocols.add(proto.id)
    return proto


async def _refresh(
    conn: aioice.Connection,
    extra: list[ice.StunProtocol],
    remotes: list[aioice.Candidate],
    budget: PunchBudget,
) -> None:
    """One check from each extra socket, so its NAT mapping outlives the NAT's UDP timeout."""
    sent = 0
    for proto in list(extra):
        for remote in remotes:
            await _paced(budget)
            if _conn_done(conn) or proto not in extra:
                return
            proto.send_stun(_probe_request(conn), (remote.host, remote.port))
            sent += 1
    logger.debug("punch: refreshed %d mappings", sent)


def _drop(conn: aioice.Connection, proto: ice.StunProtocol) -> None:
    """Close one extra socket and forget its pairs."""
    for pair in list(conn._check_list):
        if pair.protocol is proto:
            if pair.task is not None:
                pair.task.cancel()
            conn._check_list.remove(pair)
    proto.transport.close()


def _release(conn: aioice.Connection, extra: list[ice.StunProtocol]) -> None:
    """Close every extra socket but the nominated one (which the connection now owns)."""
    winner = conn._nominated.get(1)
    keep = winner.protocol if winner is not None else None
    for pair in list(conn._check_list):
        if pair.protocol in extra and pair.protocol is not keep:
            if pair.task is not None:
                pair.task.cancel()
            conn._check_list.remove(pair)
    for proto in extra:
        if proto is keep:
            conn._protocols.append(proto)
        else:
            proto.transport.close()
    if extra:
        logger.info(
            "punch: released %d extra sockets (kept: %s)", len(extra) - (keep in extra), keep
        )


def _probe_request(conn: aioice.Connection) -> stun.Message:
    request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
    request.attributes["USERNAME"] = f"{conn.remote_username}:{conn.local_username}"
    request.attributes["PRIORITY"] = candidate_priority(1, "prflx")
    if conn.ice_controlling:
        request.attributes["ICE-CONTROLLING"] = conn._tie_breaker
    else:
        request.attributes["ICE-CONTROLLED"] = conn._tie_breaker
    assert conn.remote_password is not None
    request.add_message_integrity(conn.remote_password.encode("utf8"))
    return request


def pace_delay(started: float, sent: int, rate: float, now: float) -> float:
    """Pure: how long to wait before the next packet so that ``sent`` packets since ``started``
    keep ``rate`` per second on average. A per-probe sleep of 1/rate ran slow on a loaded
    machine (each sleep overshoots), so fewer probes went out before the deadline and the
    birthday odds fell; behind schedule this is 0 and the probes catch up."""
    return max(0.0, started + sent / rate - now)


async def _easy(
    conn: aioice.Connection,
    opts: patch.ConnectionOptions,
    hint: MappingHint,
    settings: PunchSettings,
    until: float,
    budget: PunchBudget,
) -> None:
    remotes = [c for c in conn._remote_candidates if c.type == "srflx" and ":" not in c.host]
    protos = [
        p
        for p in conn._protocols
        if p.local_candidate.type == "host" and ":" not in p.local_candidate.host
    ]
    if not remotes or not protos:
        logger.info("punch: no server-reflexive peer address or host socket; nothing to do")
        return
    peer_ip, signalled = remotes[0].host, remotes[0].port
    rng = random.Random()
    loop = asyncio.get_running_loop()
    recent: collections.deque[tuple[str, int]] = collections.deque()
    sent = 0

    async def send(ports: list[int], rate: float) -> None:
        nonlocal sent
        started, packets = loop.time(), 0
        for port in ports:
            if _conn_done(conn) or loop.time() >= until:
                return
            addr = (peer_ip, port)
            opts.probed.add(addr)
            recent.append(addr)
            if len(recent) > KEEP_PROBED:
                opts.probed.discard(recent.popleft())
            for proto in protos:  # one packet per host socket, each paced and counted
                await _paced(budget)
                if _conn_done(conn) or loop.time() >= until:
                    return
                proto.send_stun(_probe_request(conn), addr)
                packets += 1  # this link's own rate, on a schedule (catches up when late)
                await asyncio.sleep(pace_delay(started, packets, rate, loop.time()))
            sent += 1

    await send(probe_ports(hint, signalled, settings.probes, rng), settings.rate)
    burst = sent
    while not _conn_done(conn) and loop.time() < until:
        await send(probe_ports(MappingHint.RANDOM, signalled, 256, rng), WAIT_RATE)
    logger.info(
        "punch: %d probes sent to %s (%s), %d of them after the burst",
        sent,
        peer_ip,
        hint.name.lower(),
        sent - burst,
    )


async def punch(
    conn: aioice.Connection,
    opts: patch.ConnectionOptions,
    role: PunchRole,
    remote_hint: MappingHint,
    settings: PunchSettings,
    budget: PunchBudget | None = None,
) -> None:
    """Play ``role`` (HARD or EASY) until the connection's checks end; returns once done or
    nominated. That is the connect deadline for the offerer, the answer's lifetime for the
    answerer (it cannot know when its answer is applied; see "Late answers" above).

    ``budget``: the process's one (``webrtc_party.punch_budget``) unless a test gives its own;
    every socket and packet is taken from it, whatever ``settings`` asks."""
    now = asyncio.get_running_loop().time()
    until = max(now + 1.0, opts.checks_until or now)
    shared = process_budget() if budget is None else budget
    if role not in (PunchRole.HARD, PunchRole.EASY):
        return
    shared.packets.users += 1
    if shared.packets.users > 1:
        logger.info(
            "punch: %d links punching share %g packets per second",
            shared.packets.users,
            shared.packets.rate,
        )
    try:
        if role is PunchRole.HARD:
            await _hard(conn, opts, settings.sockets, until, shared)
        else:
            await _easy(conn, opts, remote_hint, settings, until, shared)
    finally:
        shared.packets.users -= 1
