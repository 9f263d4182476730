"""The process-wide punching budget (docs/nat.md, "The punching budget").

Pure parts first; then real aioice connections on loopback punching at once, their packets
counted where they arrive (a UDP sink for the hard side's checks, a raw socket for the easy
side's probes to random ports), their sockets counted in /proc/self/fd.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import resource
import socket
import struct
from collections.abc import Callable

import aioice
import aioice.ice as ice
import pytest

from signaling.token import MappingHint
from webrtc_party import _aioice_patch as patch
from webrtc_party.interfaces import InterfacePolicy
from webrtc_party.punch import PunchRole, PunchSettings, punch
from webrtc_party.punch_budget import MAX_RATE, MAX_SOCKETS, PacketPacer, PunchBudget, SocketPool
from webrtc_party.punch_budget import budget as process_budget
from webrtc_party.tasks import TaskSet

# -- pure -------------------------------------------------------------------------------


def test_the_pool_shares_fairly_and_never_exceeds_its_limit() -> None:
    pool = SocketPool(256)
    a = pool.join()
    assert sum(pool.take(a) for _ in range(300)) == 256  # alone: the whole budget
    b = pool.join()
    assert pool.share() == 128 and pool.excess(a) == 128 and not pool.take(b)
    pool.give(a, pool.excess(a))  # a closes its newest sockets
    assert sum(pool.take(b) for _ in range(300)) == 128
    c = pool.join()
    assert pool.share() == 85 and pool.excess(a) == 43 and pool.excess(b) == 43
    pool.give(a, 43)
    pool.give(b, 43)
    assert sum(pool.take(c) for _ in range(300)) == 85
    assert pool.held <= 256 and pool.peak == 256
    pool.leave(a)
    pool.leave(b)
    assert sum(pool.take(c) for _ in range(300)) == 256 - 85  # takes the rest again
    pool.leave(c)
    assert pool.held == 0 and pool.leases == 0 and not pool.take(c)


def test_the_pacer_gives_one_slot_per_packet_whoever_asks() -> None:
    pacer = PacketPacer(100.0)
    waits = [pacer.reserve(10.0) for _ in range(300)]  # three links asking at once
    assert waits[0] == 0.0 and waits[-1] == pytest.approx(2.99)
    assert all(b - a == pytest.approx(0.01) for a, b in itertools.pairwise(waits))
    assert pacer.reserve(20.0) == 0.0  # idle: no debt carried over


def test_bad_limits_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SocketPool(0)
    with pytest.raises(ValueError, match="positive rate"):
        PacketPacer(0.0)


# -- real connections on loopback -------------------------------------------------------


async def _until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Poll ``condition`` (a generous bound for a loaded machine, not a timing target)."""
    for _ in range(int(limit / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not reached within {limit:g} s")


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _connection(
    peer: tuple[str, int], hosts: int, *, until: float
) -> tuple[aioice.Connection, patch.ConnectionOptions]:
    """A real aioice connection with ``hosts`` host sockets on loopback and the peer's
    server-reflexive address ``peer``, in checking state, as a link has it when it punches."""
    patch.install()
    conn = aioice.Connection(ice_controlling=True)
    opts = patch.ConnectionOptions(policy=InterfacePolicy(), gather_timeout=1.0)
    opts.checks_until = until
    patch.configure(conn, opts)
    loop = asyncio.get_running_loop()
    for i in range(hosts):
        _, proto = await loop.create_datagram_endpoint(
            lambda: ice.StunProtocol(conn), local_addr=("127.0.0.1", 0)
        )
        proto.local_candidate = aioice.Candidate(
            foundation=f"h{i}",
            component=1,
            transport="udp",
            priority=1,
            host="127.0.0.1",
            port=proto.transport.get_extra_info("sockname")[1],
            type="host",
        )
        conn._protocols.append(proto)
    conn.remote_username = "peer"
    conn.remote_password = "peer-password-for-tests"
    conn._remote_candidates.append(
        aioice.Candidate(
            foundation="s",
            component=1,
            transport="udp",
            priority=1,
            host=peer[0],
            port=peer[1],
            type="srflx",
        )
    )
    return conn, opts


class _Sink(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.times: list[float] = []

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.times.append(asyncio.get_running_loop().time())


def _most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] > 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


SLACK = 3  # packets: the loop may wake a few reserved slots together after a stall


async def test_three_hard_links_hold_at_most_256_sockets_and_100_packets_a_second() -> None:
    loop = asyncio.get_running_loop()
    sink_transport, sink = await loop.create_datagram_endpoint(_Sink, local_addr=("127.0.0.1", 0))
    peer = sink_transport.get_extra_info("sockname")[:2]
    shared = PunchBudget()
    until = loop.time() + 12.0  # 256 sockets open in ~2.6 s: room for a loaded machine
    links = [await _connection(peer, 1, until=until) for _ in range(3)]
    before = _fds()
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, _fds() - before)
            await asyncio.sleep(0.005)

    def start(conn: aioice.Connection, opts: patch.ConnectionOptions) -> asyncio.Task[None]:
        settings = PunchSettings()
        return asyncio.ensure_future(
            punch(conn, opts, PunchRole.HARD, MappingHint.STABLE, settings, shared)
        )

    watcher = asyncio.ensure_future(watch())
    try:
        first = start(*links[0])
        await _until(lambda: shared.sockets.held >= MAX_SOCKETS)  # alone, it takes all 256
        await asyncio.gather(first, *(start(*link) for link in links[1:]))
    finally:
        watcher.cancel()
        sink_transport.close()
    assert shared.sockets.peak == MAX_SOCKETS  # three links wanted 768: they got 256 in all
    opened = [len(o.punch_protocols) for _, o in links]
    assert opened[0] >= MAX_SOCKETS and min(opened[1:]) >= MAX_SOCKETS // 3, opened
    assert 0 < peak <= MAX_SOCKETS, peak  # real file descriptors, not just the count
    assert _fds() == before and shared.sockets.held == 0  # all released at the deadline
    for conn, _ in links:
        assert all(p.protocol in conn._protocols for p in conn._check_list)
        conn._protocols[0].transport.close()
    # Each socket's check: one paced packet, then at most 2 retransmits (PUNCH_CHECK_SENDS),
    # so the first packets of the sockets are what the pacer holds to 100 a second.
    assert shared.packets.reserved == sum(opened)
    assert sum(opened) <= len(sink.times) <= 3 * sum(opened)


def _raw_udp_socket() -> socket.socket:
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    except PermissionError:
        pytest.skip("counting probes to random ports needs a raw socket (CAP_NET_RAW)")
    raw.setblocking(False)
    return raw


async def test_three_easy_links_send_at_most_100_probes_a_second_in_all() -> None:
    """Three links, two host sockets each, probe a loopback address nobody else uses: the
    raw socket sees every probe, and no second holds more than 100 of them."""
    loop = asyncio.get_running_loop()
    target = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    dst = socket.inet_aton(target)
    raw = _raw_udp_socket()
    times: list[float] = []

    def readable() -> None:
        while True:
            try:
                packet = raw.recv(2048)
            except BlockingIOError:
                return
            header = (packet[0] & 0x0F) * 4
            if packet[16:20] == dst and len(packet) > header + 8:
                port = struct.unpack("!H", packet[header + 2 : header + 4])[0]
                if port != 9:  # the signalled port itself is never probed
                    times.append(loop.time())

    loop.add_reader(raw.fileno(), readable)
    until = loop.time() + 5.0
    links = [await _connection((target, 9), 2, until=until) for _ in range(3)]
    try:
        await asyncio.gather(
            *(punch(c, o, PunchRole.EASY, MappingHint.RANDOM, PunchSettings()) for c, o in links)
        )
        await asyncio.sleep(0.2)  # the last probes' way through loopback
    finally:
        loop.remove_reader(raw.fileno())
        raw.close()
        for conn, _ in links:
            for proto in conn._protocols:
                proto.transport.close()
    assert len(times) >= 300, len(times)  # they did probe (about 100 a second for ~5 s)
    assert _most_in_a_second(times) <= MAX_RATE + SLACK, _most_in_a_second(times)
    span = max(times) - min(times)
    assert len(times) <= MAX_RATE * span + 1 + SLACK
    probed = [len(o.probed) for _, o in links]
    assert max(probed) - min(probed) <= 0.2 * max(probed), probed  # a fair share each


async def test_a_link_closed_mid_punch_releases_every_socket_and_task() -> None:
    loop = asyncio.get_running_loop()
    sink_transport, _ = await loop.create_datagram_endpoint(_Sink, local_addr=("127.0.0.1", 0))
    peer = sink_transport.get_extra_info("sockname")[:2]
    shared = process_budget()
    conn, opts = await _connection(peer, 1, until=loop.time() + 600.0)
    before = _fds()
    tasks = TaskSet("test link", logging.getLogger(__name__))
    task = tasks.spawn(punch(conn, opts, PunchRole.HARD, MappingHint.STABLE, PunchSettings()))
    await _until(lambda: shared.sockets.held >= 50)  # mid-punch: sockets opening, checking
    checks = [p.task for p in conn._check_list if p.task is not None]
    assert checks and _fds() - before >= 50
    await tasks.cancel()  # what Link.close does with its tasks
    await asyncio.sleep(0)
    try:
        assert task.done() and _fds() == before
        assert shared.sockets.held == 0 and shared.sockets.leases == 0 and shared.packets.users == 0
        assert all(t.done() for t in checks)
        assert [p for p in conn._check_list if p.protocol not in conn._protocols] == []
    finally:
        sink_transport.close()
        await conn.close()


async def test_out_of_file_descriptors_the_hard_side_punches_with_what_it_has() -> None:
    loop = asyncio.get_running_loop()
    sink_transport, _ = await loop.create_datagram_endpoint(_Sink, local_addr=("127.0.0.1", 0))
    peer = sink_transport.get_extra_info("sockname")[:2]
    conn, opts = await _connection(peer, 1, until=loop.time() + 3.0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    before = _fds()
    resource.setrlimit(resource.RLIMIT_NOFILE, (before + 40, hard))
    try:
        await punch(conn, opts, PunchRole.HARD, MappingHint.STABLE, PunchSettings(), PunchBudget())
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        sink_transport.close()
        await conn.close()
    assert 0 < len(opts.punch_protocols) < 100  # it opened what it could (~40), then went on
    assert _fds() < before  # and released them all (the connection's own socket too)
