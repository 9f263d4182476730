"""The pure handshake core: what a pasted token means."""

from __future__ import annotations

import pytest

from signaling.errors import ExpiredTokenError, OwnTokenError, UnknownInviteError
from signaling.handshake import AnswerInvite, CompleteInvite, Handshake, ResendAnswer
from signaling.token import Token, TokenKind, encode_token
from tests.test_token import NOW, make


def answer_to(invite: Token, fp_byte: int = 99) -> Token:
    base = make(TokenKind.ANSWER)
    return Token(
        kind=TokenKind.ANSWER,
        created=NOW,
        ttl=600,
        fingerprint=bytes([fp_byte]) * 32,
        ice_key=bytes([fp_byte ^ 0xFF]) * 32,
        setup=base.setup,
        candidates=base.candidates,
        invite_ref=invite.ref,
    )


def test_invite_then_answer_completes() -> None:
    host, guest = Handshake(), Handshake()
    invite = make()
    host.invite_created(invite)
    action = guest.classify(encode_token(invite), NOW + 1)
    assert action == AnswerInvite(invite)
    answer = answer_to(invite)
    guest.answer_created(answer)
    assert guest.classify(encode_token(invite), NOW + 2) == ResendAnswer(answer)
    assert host.classify(encode_token(answer), NOW + 3) == CompleteInvite(answer, invite)
    host.forget(invite)
    with pytest.raises(UnknownInviteError):
        host.classify(encode_token(answer), NOW + 4)


def test_own_tokens_are_recognised() -> None:
    host = Handshake()
    invite = make()
    host.invite_created(invite)
    with pytest.raises(OwnTokenError, match="own invite"):
        host.classify(encode_token(invite), NOW)
    guest = Handshake()
    answer = answer_to(invite)
    guest.answer_created(answer)
    with pytest.raises(OwnTokenError, match="own answer"):
        guest.classify(encode_token(answer), NOW)


def test_answer_to_unknown_or_expired_invite() -> None:
    host = Handshake()
    stranger = answer_to(make(), fp_byte=5)
    with pytest.raises(UnknownInviteError):
        host.classify(encode_token(stranger), NOW)
    invite = make()
    host.invite_created(invite)
    answer = answer_to(invite)
    late = NOW + 601
    with pytest.raises(ExpiredTokenError):
        host.classify(encode_token(answer), late)
    assert host.pending(late) == ()  # the paste itself purged the expired invite
    assert host.expire(late) == []


def test_a_used_invite_pasted_back_is_still_our_own() -> None:
    host = Handshake()
    invite = make()
    host.invite_created(invite)
    host.forget(invite)  # the link it made is up
    with pytest.raises(OwnTokenError, match="own invite"):
        host.classify(encode_token(invite), NOW + 10)
    assert host.expire(NOW + 601) == [invite]  # remembered no longer than it lives
    assert host.expire(NOW + 602) == []
