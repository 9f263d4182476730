"""A hostile party member against real nodes on loopback (issue 12): intros, chat, tokens."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.errors import NoUsableCandidatesError
from signaling.token import CandidateType, TokenCandidate, TokenKind, encode_token, parse_token
from tests.helpers import loopback_config, until
from webrtc_party.intro_tokens import screen_intro_token
from webrtc_party.link_events import LinkState
from webrtc_party.linknode import LinkNode, PeerClosed
from webrtc_party.node import ChatReceived, PartyNode
from webrtc_party.party import (
    GamePhase,
    MemberIdentity,
    MemberState,
    PartyConfig,
)
from webrtc_party.party.messages import IntroKind, encode_message
from webrtc_party.party.signing import public_key_bytes, sign_intro, sign_state

FAST = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)


def identity(name: str, i: int) -> MemberIdentity:
    return MemberIdentity(name, 1000 + i, f"Player{i}", "EUW")


async def linked(a: PartyNode, b: PartyNode) -> str:
    """One manual handshake; the name of ``a``'s link to ``b``."""
    invite = await a.create_invite()
    answer = await b.accept(invite.text)
    assert answer is not None
    await a.accept(answer.text)
    await until(lambda: any(m.member_id == b.identity.puuid and m.status.value == "direct"
                            for m in a.members()))
    (peer,) = [p.peer for p in b.peers() if p.state is LinkState.OPEN]
    return peer


async def test_sybil_intro_offers_cannot_make_the_victim_open_more_than_the_cap() -> None:
    victim = PartyNode(identity("puuid-9", 9), loopback_config(), FAST)
    hostile = PartyNode(identity("puuid-1", 1), loopback_config(), FAST)
    maker = LinkNode(loopback_config())  # makes the real invite tokens the sybils "send"
    async with victim, hostile:
        peer = await linked(victim, hostile)
        sybils = []
        for i in range(6):
            key = Ed25519PrivateKey.generate()
            ident = identity(f"puuid-0-s{i}", 50 + i)  # smaller ids invite
            state = MemberState(ident, public_key_bytes(key), 1, None, GamePhase.LOBBY)
            hostile.link_node.send_to(peer, encode_message(sign_state(state, key)))
            sybils.append((ident.puuid, key))
        await until(lambda: len(victim.members()) == 8)
        most = 0
        cap = 2 * FAST.max_pending_intros
        try:
            for n in range(24):  # 24 real invites from rotating sybil origins in ~5 s
                origin, key = sybils[n % len(sybils)]
                made = await maker.invite()
                offer = sign_intro(IntroKind.OFFER, origin, "puuid-9", 100 + n, made.text, key)
                hostile.link_node.send_to(peer, encode_message(offer))
                await asyncio.sleep(0.2)
                in_flight = [p for p in victim.peers() if p.state is not LinkState.OPEN]
                most = max(most, len(in_flight))
            answered = victim.link_node.links_made - 1  # links made to answer, over the run
            assert answered > cap  # the offers did arrive and were answered...
            assert most <= min(cap, len(sybils))  # ...but never more than the cap at once
            # every superseded or expired introduction's link is closed, soon
            await until(
                lambda: len([p for p in victim.peers() if p.state is not LinkState.OPEN])
                <= FAST.max_pending_intros,
                30,
            )
        finally:
            await maker.close()


async def test_five_thousand_chat_lines_trip_the_rate_limit() -> None:
    a = PartyNode(identity("puuid-1", 1), loopback_config(), PartyConfig())
    b = PartyNode(identity("puuid-2", 2), loopback_config(), PartyConfig())
    async with a, b:
        await linked(a, b)
        for i in range(5000):
            b.send_chat(f"spam {i}")
        await until(lambda: not a.peers(), 30)  # a closed the link...
        events = a.drain_events()
        got = [e for e in events if isinstance(e, ChatReceived)]
        closed = [e for e in events if isinstance(e, PeerClosed)]
        # ...after the burst (400) plus what the refill (100/s) allowed while they arrived
        assert 0 < len(got) < 1000
        assert [c.reason.split(":")[0] for c in closed] == ["abuse"]


async def test_an_oversized_chat_line_is_dropped_and_counted() -> None:
    a = PartyNode(identity("puuid-1", 1), loopback_config(), PartyConfig())
    b = PartyNode(identity("puuid-2", 2), loopback_config(), PartyConfig())
    async with a, b:
        peer = await linked(a, b)
        b.link_node.send_to(peer, json.dumps({"type": "chat", "text": "x" * 20_000}))
        b.send_chat("hello")
        await until(lambda: any(type(e).__name__ == "ChatReceived" for e in a.drain_events()))
        assert sum(lv.violations for lv in a.core.links(time.monotonic())) == 1


@pytest.fixture
async def invite_text() -> str:
    node = LinkNode(loopback_config())
    try:
        return (await node.invite()).text
    finally:
        await node.close()


def with_candidates(text: str, *ips: str) -> str:
    token = parse_token(text)
    cands = tuple(TokenCandidate(CandidateType.HOST, ipaddress.ip_address(ip), 5000 + i)
                  for i, ip in enumerate(ips))
    return encode_token(dataclasses.replace(token, candidates=cands))


async def test_intro_tokens_aimed_at_loopback_own_or_multicast_addresses_are_refused(
    invite_text: str,
) -> None:
    now = time.time()
    own = {"192.0.2.7"}
    bad = with_candidates(invite_text, "127.0.0.1", "192.0.2.7", "::1", "::ffff:192.0.2.7")
    with pytest.raises(NoUsableCandidatesError):
        screen_intro_token(bad, now=now, expect=TokenKind.INVITE, own=own, allow_loopback=False)
    mixed = with_candidates(invite_text, "127.0.0.1", "198.51.100.4", "192.0.2.7")
    kept = screen_intro_token(mixed, now=now, expect=TokenKind.INVITE, own=own,
                              allow_loopback=False)
    assert [str(c.ip) for c in parse_token(kept).candidates] == ["198.51.100.4"]
    # all members on one machine (tests): loopback and own addresses are what they have
    same = screen_intro_token(bad, now=now, expect=TokenKind.INVITE, own=own,
                              allow_loopback=True)
    # (::1 and the IPv4-mapped form are in ::/8, reserved: dropped whatever the setting)
    assert [str(c.ip) for c in parse_token(same).candidates] == ["127.0.0.1", "192.0.2.7"]
