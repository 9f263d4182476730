"""ICE passwords from the X25519 agreement (docs/token.md), and the offerer's held checks."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from signaling.errors import DamagedTokenError
from signaling.sdp import IcePasswords, derive_ice_passwords
from tests.helpers import BlackHole, loopback_config, until
from tests.ice_attacker import format1_credentials
from webrtc_party import _aioice_patch as patch
from webrtc_party.link import Link
from webrtc_party.link_events import LinkState

ICE_PWD = re.compile(r"[A-Za-z0-9+/]{22,256}")
FP_INVITE, FP_ANSWER = bytes(range(32)), bytes(range(32, 64))
LOW_ORDER = bytes(32)  # the X25519 point 0: every exchange with it gives the zero secret


def public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def passwords(own: X25519PrivateKey, invite_key: bytes, answer_key: bytes) -> IcePasswords:
    return derive_ice_passwords(
        own,
        invite_fingerprint=FP_INVITE,
        invite_key=invite_key,
        answer_fingerprint=FP_ANSWER,
        answer_key=answer_key,
    )


def test_both_ends_agree_and_nobody_else_can() -> None:
    offerer, answerer, onlooker = (X25519PrivateKey.generate() for _ in range(3))
    mine = passwords(offerer, public(offerer), public(answerer))
    theirs = passwords(answerer, public(offerer), public(answerer))
    assert mine == theirs
    assert ICE_PWD.fullmatch(mine.invite) and ICE_PWD.fullmatch(mine.answer)
    assert mine.invite != mine.answer
    # An onlooker has both public keys but neither private key: its own key gives others.
    guess = passwords(onlooker, public(onlooker), public(answerer))
    assert {guess.invite, guess.answer}.isdisjoint({mine.invite, mine.answer})
    # Nor are they the format-1 ones, computable from the fingerprints.
    assert format1_credentials(FP_INVITE)[1] != mine.invite
    assert format1_credentials(FP_ANSWER)[1] != mine.answer
    assert "secret" in repr(mine) and mine.invite not in repr(mine)


def test_passwords_are_bound_to_the_fingerprints() -> None:
    offerer, answerer = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    one = passwords(offerer, public(offerer), public(answerer))
    other = derive_ice_passwords(
        offerer,
        invite_fingerprint=FP_INVITE,
        invite_key=public(offerer),
        answer_fingerprint=bytes(32),
        answer_key=public(answerer),
    )
    assert one != other


def test_a_low_order_key_is_a_damaged_token_and_a_foreign_key_a_bug() -> None:
    offerer = X25519PrivateKey.generate()
    with pytest.raises(DamagedTokenError, match="X25519"):
        passwords(offerer, public(offerer), LOW_ORDER)
    with pytest.raises(ValueError, match="neither"):
        passwords(offerer, LOW_ORDER, LOW_ORDER)


async def test_an_invite_with_a_low_order_key_closes_the_link_with_the_error() -> None:
    host, guest = Link(loopback_config()), Link(loopback_config())
    invite = await host.create_invite()
    with pytest.raises(DamagedTokenError):
        await guest.accept_invite(replace(invite, ice_key=LOW_ORDER))
    assert guest.state is LinkState.CLOSED
    await host.close()


@pytest.mark.parametrize("fix", [True, False])
async def test_early_checks_are_held_unanswered_then_handled_when_the_answer_lands(
    fix: bool,
) -> None:
    """Before the answer the offerer cannot know its password: it answers nothing, and
    handles the latest checks once it can, so even stock retransmissions connect at once."""
    config = loopback_config(late_answer_fix=fix)
    host, guest = Link(config), Link(config)
    try:
        invite = await host.create_invite()
        answer = await guest.accept_invite(invite)
        options = host.ice_options
        assert options is not None
        await until(lambda: bool(options.held), within=5)
        replies = BlackHole(guest, inbound=True)  # count what the offerer sends back
        replies.on = True
        await asyncio.sleep(2.5)  # past stock's 1.5 s retransmission, before its 3.5 s one
        assert replies.dropped == 0, "the offerer answered a check it cannot verify"
        assert 1 <= len(options.held) <= patch.MAX_HELD_CHECKS
        replies.on = False
        applied = time.monotonic()
        await host.accept_answer(answer)
        await asyncio.wait_for(asyncio.gather(host.wait_open(), guest.wait_open()), 10)
        assert not options.held and not options.hold_checks
        assert time.monotonic() - applied < 0.5
    finally:
        await host.close()
        await guest.close()
