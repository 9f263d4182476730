"""The copy-paste handshake as a pure state machine (no I/O, ``now`` passed in).

One paste box takes any token. ``Handshake.classify`` decides what it means:

============  =======================  =======================================
pasted        state                    result
============  =======================  =======================================
invite        -                        ``AnswerInvite``: make an answer for it
invite        answered already         ``ResendAnswer``: the same answer again
answer        matching pending invite  ``CompleteInvite``: apply it to that link
answer        no matching invite       ``UnknownInviteError``
answer        not ``answer_for``'s     ``UnknownInviteError``
our own token any                      ``OwnTokenError``
expired, bad  any                      the codec's ``TokenError``
============  =======================  =======================================

This module is the one place that decides a token is our own or answers none of our
invites (docs/errors.md): ``Link.accept_answer`` calls ``check_answer`` for a caller
that holds one invite and no ``Handshake``. The error classes word the refusal.

Pending invites are forgotten when they expire, are completed, or cancelled; every
token we made is recognised as ours until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass

from signaling.errors import OwnTokenError, UnknownInviteError
from signaling.token import Token, TokenKind, check_fresh, decode_token

__all__ = [
    "AnswerInvite",
    "CompleteInvite",
    "Handshake",
    "PasteAction",
    "ResendAnswer",
    "check_answer",
]


@dataclass(frozen=True)
class AnswerInvite:
    invite: Token


@dataclass(frozen=True)
class CompleteInvite:
    answer: Token
    invite: Token


@dataclass(frozen=True)
class ResendAnswer:
    answer: Token


PasteAction = AnswerInvite | CompleteInvite | ResendAnswer


def _what(token: Token) -> str:
    return "invite" if token.kind is TokenKind.INVITE else "answer"


def check_answer(answer: Token, invite: Token) -> None:
    """Raise unless ``answer`` is someone else's answer to ``invite``.

    ``OwnTokenError`` when it carries the invite's own fingerprint (our invite dressed
    up as an answer), ``UnknownInviteError`` when it answers another invite.
    """
    if answer.fingerprint == invite.fingerprint:
        raise OwnTokenError(what=_what(invite))
    if answer.invite_ref != invite.ref:
        raise UnknownInviteError()


class Handshake:
    def __init__(self) -> None:
        self._pending: dict[bytes, Token] = {}  # invite ref -> our invite
        self._own: dict[bytes, Token] = {}  # fingerprint -> any token we made
        self._answered: dict[bytes, Token] = {}  # invite ref -> our answer to it

    def invite_created(self, invite: Token) -> None:
        self._pending[invite.ref] = invite
        self._own[invite.fingerprint] = invite

    def answer_created(self, answer: Token) -> None:
        assert answer.invite_ref is not None
        self._own[answer.fingerprint] = answer
        self._answered[answer.invite_ref] = answer

    def forget(self, token: Token) -> None:
        """The link behind ``token`` is done (connected, closed or cancelled).

        It is still recognised as ours until it expires, so pasting it back is
        reported as our own token, not answered.
        """
        self._pending.pop(token.ref, None)
        if token.invite_ref is not None:
            self._answered.pop(token.invite_ref, None)

    def pending(self, now: float) -> tuple[Token, ...]:
        self.expire(now)
        return tuple(self._pending.values())

    def expire(self, now: float) -> list[Token]:
        gone = [t for t in self._own.values() if now > t.expires]
        for token in gone:
            self.forget(token)
            del self._own[token.fingerprint]
        return gone

    def classify(
        self,
        text: str,
        now: float,
        expect: TokenKind | None = None,
        *,
        answer_for: bytes | None = None,
    ) -> PasteAction:
        """What pasting ``text`` means; ``expect`` restricts it to one kind of token.

        ``answer_for``: an answer must complete the pending invite with this ref (an
        introduction is tied to its own invite); a ref of no pending invite refuses all.
        """
        self.expire(now)
        token = decode_token(text, now=now, expect=expect)
        if token.fingerprint in self._own:
            raise OwnTokenError(what=_what(self._own[token.fingerprint]))
        if token.kind is TokenKind.INVITE:
            answered = self._answered.get(token.ref)
            return AnswerInvite(token) if answered is None else ResendAnswer(answered)
        assert token.invite_ref is not None
        invite = self._pending.get(token.invite_ref)
        if invite is None or (answer_for is not None and invite.ref != answer_for):
            raise UnknownInviteError()
        check_fresh(invite, now, skew=0)
        return CompleteInvite(token, invite)
