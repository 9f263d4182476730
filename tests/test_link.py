"""Real aiortc links on loopback: open, talk, notice a vanished peer, close."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import replace

import pytest

from signaling.errors import OwnTokenError, UnknownInviteError, WrongKindError
from signaling.token import SetupRole, TokenKind, decode_token, encode_token
from tests.helpers import BlackHole, loopback_config, next_event, until
from webrtc_party.config import LinkConfig
from webrtc_party.errors import ConnectError, LinkClosedError
from webrtc_party.link import Link
from webrtc_party.link_events import CloseCode, Closed, LinkState, PathKind, Received


async def pair(config: LinkConfig | None = None) -> tuple[Link, Link]:
    config = config or loopback_config()
    host, guest = Link(config), Link(config)
    invite = decode_token(encode_token(await host.create_invite()), now=time.time())
    answer = await guest.accept_invite(invite)
    await host.accept_answer(decode_token(encode_token(answer), now=time.time()))
    await asyncio.wait_for(asyncio.gather(host.wait_open(), guest.wait_open()), 10)
    return host, guest


async def test_link_opens_talks_and_closes_on_both_ends() -> None:
    host, guest = await pair()
    assert host.opened is not None and host.opened.path is PathKind.HOST
    assert host.opened.remote.startswith("host 127.0.0.1:")
    host.send("hello")
    assert await next_event(guest, Received) == Received("hello")
    guest.send("x" * 50_000)
    assert await next_event(host, Received) == Received("x" * 50_000)
    await until(lambda: host.rtt_ms is not None and guest.rtt_ms is not None, 10, what="rtt")
    await host.close()
    closed = await next_event(guest, Closed)
    assert isinstance(closed, Closed) and closed.code is CloseCode.PEER_CLOSED
    assert host.state is LinkState.CLOSED and guest.state is LinkState.CLOSED
    with pytest.raises(LinkClosedError):
        host.send("too late")


async def test_vanished_peer_is_reported_within_six_seconds() -> None:
    host, guest = await pair()
    BlackHole(guest, inbound=True, outbound=True)  # the guest's network dies
    started = time.monotonic()
    closed = await next_event(host, Closed)
    took = time.monotonic() - started
    assert isinstance(closed, Closed) and closed.code is CloseCode.VANISHED
    assert took < 6.5, f"vanish noticed after {took:.1f} s"
    await guest.close()


async def test_unreachable_peer_fails_at_the_connect_deadline_with_advice() -> None:
    config = loopback_config(connect_timeout=2.0)
    host, guest = Link(config), Link(config)
    invite = await host.create_invite()
    answer = await guest.accept_invite(invite)
    BlackHole(guest, inbound=True, outbound=True)
    await host.accept_answer(answer)
    started = time.monotonic()
    with pytest.raises(ConnectError, match="TURN"):
        await host.wait_open()
    assert time.monotonic() - started < 4
    assert host.closed is not None and host.closed.code is CloseCode.CONNECT_TIMEOUT
    await guest.close()


async def test_wrong_answers_are_refused() -> None:
    config = loopback_config()
    host, other, guest = Link(config), Link(config), Link(config)
    invite = await host.create_invite()
    other_invite = await other.create_invite()
    answer_to_other = await guest.accept_invite(other_invite)
    with pytest.raises(UnknownInviteError):
        await host.accept_answer(answer_to_other)
    with pytest.raises(OwnTokenError):
        await host.accept_answer(
            replace(invite, kind=TokenKind.ANSWER, setup=SetupRole.ACTIVE, invite_ref=invite.ref)
        )
    for link in (host, other, guest):
        await link.close()


async def test_a_cancelled_close_still_closes_everything() -> None:
    host, guest = await pair()
    closing = asyncio.ensure_future(host.close())
    for _ in range(3):
        await asyncio.sleep(0)
    closing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await closing
    await host.close()  # waits for the same teardown
    pc = host.peer_connection
    assert pc is not None and pc.connectionState == "closed"
    closed = await next_event(guest, Closed)
    assert isinstance(closed, Closed) and closed.code is CloseCode.PEER_CLOSED
    events = [event async for event in host.events()]
    assert events[-1] == host.closed and sum(isinstance(e, Closed) for e in events) == 1


async def test_links_refuse_tokens_of_the_wrong_kind() -> None:
    host, guest = Link(loopback_config()), Link(loopback_config())
    invite = await host.create_invite()
    with pytest.raises(WrongKindError, match="invite token, but an answer"):
        await host.accept_answer(invite)
    answer = await guest.accept_invite(invite)
    with pytest.raises(WrongKindError, match="answer token, but an invite"):
        await Link(loopback_config()).accept_invite(answer)
    await host.close()
    await guest.close()
