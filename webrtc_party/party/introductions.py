"""The introductions part of the party core: who invites whom, and the routing of
introduction tokens over the party (docs/protocol.md, section 7). No I/O.

It keeps its own state (``IntroScheduler``: the invitations and their state
machines) and asks the gossip part only what ``IntroHost`` lists.
"""

from __future__ import annotations

from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.errors import FieldError
from webrtc_party.party.events import IntroAnswerReceived, IntroOfferReceived, Reachability
from webrtc_party.party.intro import IntroScheduler, initiates
from webrtc_party.party.links import LinkRecord
from webrtc_party.party.messages import MAX_HOPS, Intro, IntroKind, check_token, encode_message
from webrtc_party.party.model import MemberId
from webrtc_party.party.outbox import Outbox
from webrtc_party.party.signing import sign_intro, verify_signed

__all__ = ["IntroHost", "Introductions"]


class IntroHost(Protocol):
    """What the introductions part asks of the gossip part (``intro_host.GossipHost``)."""

    @property
    def me(self) -> MemberId: ...
    @property
    def config(self) -> PartyConfig: ...
    @property
    def closed(self) -> bool: ...
    def member_key(self, member: MemberId) -> bytes | None: ...
    def is_member(self, member: MemberId) -> bool: ...
    def direct(self, member: MemberId, now: float) -> bool: ...
    def charge(self, origin: MemberId, now: float) -> bool: ...
    def violation(self, link: LinkRecord, detail: str, now: float) -> None: ...
    def next_hops(
        self, target: MemberId, source: LinkRecord | None, now: float
    ) -> list[LinkRecord]: ...
    def unlinked(self) -> list[MemberId]: ...
    def status(self, member: MemberId, now: float) -> Reachability: ...


class Introductions:
    def __init__(
        self,
        host: IntroHost,
        schedule: IntroScheduler,
        private_key: Ed25519PrivateKey,
        outbox: Outbox,
    ) -> None:
        self._host = host
        self.schedule = schedule
        self._key = private_key
        self._outbox = outbox

    def tick(self, now: float) -> None:
        """Expire old invitations, start the ones now due."""
        self._outbox.emit_all(self.schedule.expire(now))
        self._outbox.emit_all(self.schedule.due(self._candidates(now), now))

    def send_offer(self, intro_id: int, token: str, now: float) -> bool:
        """See ``PartyCore.send_intro_offer``."""
        check_token(token)
        if self._host.closed:
            return False
        intro = self.schedule.offer_sent(intro_id)
        if intro is None:
            return False
        me = self._host.me
        msg = sign_intro(IntroKind.OFFER, me, intro.target, intro_id, token, self._key)
        self._route(msg, None, now)
        return True

    def send_answer(self, origin: MemberId, intro_id: int, token: str, now: float) -> bool:
        """See ``PartyCore.send_intro_answer``."""
        check_token(token)
        if self._host.closed or not self.schedule.answer_allowed(origin, intro_id):
            return False
        me = self._host.me
        msg = sign_intro(IntroKind.ANSWER, me, origin, intro_id, token, self._key)
        self._route(msg, None, now)
        return True

    def is_open(self, origin: MemberId, intro_id: int) -> bool:
        return not self._host.closed and self.schedule.answerable(origin, intro_id)

    def on_intro(self, link: LinkRecord, msg: Intro, now: float) -> None:
        """An introduction arrived on ``link``: take it, relay it, or drop it."""
        host = self._host
        key = host.member_key(msg.origin)
        if key is None or msg.origin == host.me:
            return
        if not verify_signed(msg, key):
            host.violation(link, f"{msg.kind.value} of {msg.origin[:8]}: bad signature", now)
            return
        inviter, invitee = (
            (msg.origin, msg.target) if msg.kind is IntroKind.OFFER else (msg.target, msg.origin)
        )
        if not initiates(inviter, invitee) or not host.charge(msg.origin, now):
            if link.member == msg.origin or not initiates(inviter, invitee):
                host.violation(link, f"{msg.kind.value} of {msg.origin[:8]}: not allowed", now)
            return
        if msg.target != host.me:
            self._route(msg, link, now)
            return
        if msg.kind is IntroKind.OFFER:
            known = host.is_member(msg.origin)
            if known and initiates(msg.origin, host.me) and not host.direct(msg.origin, now):
                admitted, cancelled = self.schedule.offer_received(msg.origin, msg.intro_id, now)
                self._outbox.emit_all(cancelled)
                if admitted:
                    self._outbox.emit(IntroOfferReceived(msg.origin, msg.intro_id, msg.token))
        elif self.schedule.answer_arrived(msg.origin, msg.intro_id):
            self._outbox.emit(IntroAnswerReceived(msg.origin, msg.intro_id, msg.token))

    def _route(self, msg: Intro, source: LinkRecord | None, now: float) -> None:
        host = self._host
        if msg.hops >= min(host.config.max_members, MAX_HOPS):
            return
        if not self.schedule.first_sight(msg.kind.value, msg.origin, msg.target, msg.intro_id):
            return
        relayed = Intro(
            msg.kind, msg.origin, msg.target, msg.intro_id, msg.token, msg.hops + 1, msg.body,
            msg.sig,
        )
        try:
            text = encode_message(relayed, host.config.max_message_size)
        except FieldError as exc:  # decode leaves RELAY_HEADROOM, so only a smaller limit
            if source is not None:
                host.violation(source, f"{msg.kind.value} too large to relay: {exc}", now)
            return
        for lk in host.next_hops(msg.target, source, now):
            self._outbox.send(lk.link_id, text)

    def _candidates(self, now: float) -> list[MemberId]:
        """Members this one should invite: it has the smaller id, and they are relayed."""
        me, host = self._host.me, self._host
        return [
            member
            for member in host.unlinked()
            if initiates(me, member) and host.status(member, now) is Reachability.RELAYED
        ]
