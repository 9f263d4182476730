"""The second STUN server's grace is time this process ran, not wall time: an answer that
came in while the process was stalled (a loaded machine) is kept (was lost: the hint then
said "stable" and a symmetric side did not punch)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import aioice.stun as stun
import pytest

from webrtc_party.config import IceServer, parse_ice_url
from webrtc_party.stun_probe import StunAnswer, pick_stun_servers


def _answer(sock: socket.socket, delay_s: float) -> None:
    with sock:
        while True:
            try:
                data, addr = sock.recvfrom(2048)
            except OSError:
                return
            request = stun.parse_message(data)
            response = stun.Message(
                stun.Method.BINDING, stun.Class.RESPONSE, request.transaction_id
            )
            response.attributes["XOR-MAPPED-ADDRESS"] = addr
            time.sleep(delay_s)
            sock.sendto(bytes(response), addr)


@pytest.fixture
def two_servers() -> Iterator[tuple[IceServer, IceServer]]:
    """A plain STUN server on 127.0.0.1 and one on 127.0.0.2 that answers 20 ms later, each
    in its own thread (they answer while the event loop is blocked)."""
    socks = []
    servers = []
    for ip, delay in (("127.0.0.1", 0.0), ("127.0.0.2", 0.02)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((ip, 0))
        socks.append(sock)
        threading.Thread(target=_answer, args=(sock, delay), daemon=True).start()
        servers.append(parse_ice_url(f"stun:{ip}:{sock.getsockname()[1]}"))
    yield servers[0], servers[1]
    for sock in socks:
        sock.close()


async def test_second_answer_that_came_during_a_stall_is_kept(
    two_servers: tuple[IceServer, IceServer],
) -> None:
    loop = asyncio.get_running_loop()

    def grace(first: StunAnswer) -> float:
        loop.call_soon(time.sleep, 0.3)  # the process stalls just after the first answer
        return 0.1

    answers = await pick_stun_servers(two_servers, 2.0, grace)
    assert [a.address[0] for a in answers] == ["127.0.0.1", "127.0.0.2"]


async def test_a_silent_second_server_still_costs_only_the_grace(
    two_servers: tuple[IceServer, IceServer],
) -> None:
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dead.bind(("127.0.0.3", 0))  # bound, never answers
    try:
        silent = parse_ice_url(f"stun:127.0.0.3:{dead.getsockname()[1]}")
        started = time.monotonic()
        answers = await pick_stun_servers((two_servers[0], silent), 2.0, lambda a: 0.1)
        took = time.monotonic() - started
    finally:
        dead.close()
    assert [a.address[0] for a in answers] == ["127.0.0.1"]
    assert took < 1.0, took  # the grace (0.1 s), not the budget (2 s); generous for load
