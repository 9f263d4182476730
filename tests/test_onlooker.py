"""Someone who saw both tokens (a Discord channel) cannot take over or abuse a link.

Real aiortc links on loopback; the attacker is a UDP socket of its own that
speaks ICE (tests/ice_attacker.py). Found in review (issue 12): with format-1
tokens the onlooker computed both ICE passwords, re-nominated its own address
and the established link died within 5 s; one spoofed check made the answerer
send about 120 checks to the spoofed address.
"""

from __future__ import annotations

import asyncio
import time

from signaling.token import decode_token, encode_token
from tests.helpers import ice_of, loopback_config, until
from tests.ice_attacker import attacker, renominate, side_from_link, side_from_token
from tests.test_link import pair
from webrtc_party import _aioice_patch as patch
from webrtc_party.link import Link
from webrtc_party.link_events import LinkState, Received


async def talk(host: Link, guest: Link, seconds: float) -> int:
    """Send a message every 0.1 s for ``seconds``; return how many reached the guest."""
    got = 0

    async def receive() -> None:
        nonlocal got
        async for event in guest.events():
            if isinstance(event, Received):
                got += 1

    reader = asyncio.ensure_future(receive())
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    try:
        while loop.time() < end and host.state is LinkState.OPEN:
            host.send("still here")
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
    finally:
        reader.cancel()
    return got


def selected(link: Link) -> tuple[str, int]:
    found = patch.selected_pair(ice_of(link))
    assert found is not None
    return found[1].host, found[1].port


async def attack_established_link(*, stolen_passwords: bool) -> None:
    host, guest = await pair()
    invite, answer = host.local_token, guest.local_token
    assert invite is not None and answer is not None
    before = selected(host), selected(guest)
    thief = await attacker()
    try:
        if stolen_passwords:
            offerer, answerer = side_from_link(host), side_from_link(guest)
        else:  # only what the two pasted texts reveal
            offerer = side_from_token(decode_token(encode_token(invite), now=time.time()))
            answerer = side_from_token(decode_token(encode_token(answer), now=time.time()))
        attack = asyncio.ensure_future(renominate(thief, offerer, answerer, seconds=7.0))
        delivered = await talk(host, guest, 7.0)
        await attack
        assert host.state is LinkState.OPEN and guest.state is LinkState.OPEN, (
            host.closed,
            guest.closed,
        )
        assert (selected(host), selected(guest)) == before
        assert delivered >= 50, delivered
        # No check of ours went to the attacker: nothing it sent was taken for a peer.
        assert thief.checks_received == 0, thief.checks_received
    finally:
        thief.close()
        await host.close()
        await guest.close()


async def test_an_onlooker_with_both_tokens_cannot_take_over_an_open_link() -> None:
    await attack_established_link(stolen_passwords=False)


async def test_after_ice_completed_no_new_address_is_nominated_even_with_the_passwords() -> None:
    # Defence in depth: even with the real passwords (a peer, or a leak), a new address
    # is never nominated once ICE completed, and triggers no check.
    await attack_established_link(stolen_passwords=True)


async def test_one_spoofed_check_costs_a_few_packets_not_a_hundred() -> None:
    """The answerer checks for minutes while its answer travels: one authenticated check
    from a spoofed address (a victim that never answers) must cost only a few packets."""
    config = loopback_config(connect_timeout=10.0)
    host, guest = Link(config), Link(config)
    victims = [await attacker(answer=False) for _ in range(20)]
    try:
        invite = await host.create_invite()
        await guest.accept_invite(invite)  # the answer is never applied: guest keeps checking
        conn = ice_of(guest)
        await until(lambda: conn._early_checks_done, within=5)  # checking has started
        target = side_from_link(guest)
        source = type(target)(
            conn.remote_username or "", conn.remote_password or "", target.address
        )
        victims[0].send_check(target, source, controlling=True)  # one spoofed packet
        await asyncio.sleep(8.0)
        one = victims[0].seen
        checks = victims[0].checks_received
        # 1 response + at most PRFLX_CHECK_SENDS checks, then nothing more is pending.
        assert len(one) <= 1 + patch.PRFLX_CHECK_SENDS, [m for m, _ in one]
        assert checks >= 1, "the triggered check itself must still happen"
        pending = [
            t
            for p in conn._protocols
            for t in p.transactions.values()
            if getattr(t, "addr", None) == victims[0].address
        ]
        assert pending == [], "a check toward the spoofed address is still retransmitting"
        # Many spoofed addresses: a bounded number are learned at all.
        for victim in victims[1:]:
            victim.send_check(target, source, controlling=True)
        await until(lambda: all(v.seen for v in victims[1:]), within=5)
        await asyncio.sleep(4.0)
        learned = [c for c in conn._remote_candidates if c.type == "prflx"]
        assert len(learned) <= patch.MAX_PRFLX_CANDIDATES, len(learned)
        total = sum(v.checks_received for v in victims)
        assert total <= patch.MAX_PRFLX_CANDIDATES * patch.PRFLX_CHECK_SENDS, total
        assert guest.state is LinkState.CONNECTING
    finally:
        for victim in victims:
            victim.close()
        await host.close()
        await guest.close()


async def test_an_onlooker_gets_nothing_while_the_answer_travels() -> None:
    """The window when a late answer is on its way: the answerer checks, the offerer waits."""
    config = loopback_config(connect_timeout=10.0)
    host, guest = Link(config), Link(config)
    thief = await attacker()
    try:
        invite = await host.create_invite()
        answer = await guest.accept_invite(invite)
        offerer = side_from_token(decode_token(encode_token(invite), now=time.time()))
        answerer = side_from_token(decode_token(encode_token(answer), now=time.time()))
        await renominate(thief, offerer, answerer, seconds=2.0)
        replies = [m for m, _ in thief.seen if m is not None]
        # The answerer refuses every check unsigned (401); the waiting offerer says nothing.
        assert replies and all(m.error_code == 401 for m in replies), replies
        assert all(addr == answerer.address for _, addr in thief.seen)
        assert thief.checks_received == 0
        await host.accept_answer(answer)
        await asyncio.wait_for(asyncio.gather(host.wait_open(), guest.wait_open()), 10)
        assert selected(host)[1] == guest.local_token.candidates[0].port  # type: ignore[union-attr]
        assert selected(guest)[1] == invite.candidates[0].port
    finally:
        thief.close()
        await host.close()
        await guest.close()
