"""The party core: gossip, heartbeats, status and introductions, without I/O.

The shell owns the data channels and the clock. It reports links opening and
closing and every received text, calls ``tick`` every ~100-250 ms (or at
``next_tick``), and then drains ``data_to_send()`` and ``events_received()``.
Nothing a peer sends makes ``receive`` raise: bad input is dropped and counted
against the link, and past ``max_violations`` a ``CloseLink`` event asks the
shell to close it.
"""

from __future__ import annotations

from webrtc_party.party.errors import FieldError, ProtocolError
from webrtc_party.party.events import (
    CloseReason,
    IntroAnswerReceived,
    IntroOfferReceived,
    LinkView,
    MemberStatus,
    MemberView,
    PartyEvent,
)
from webrtc_party.party.gossip import GossipCore, Wanted
from webrtc_party.party.intro import initiates
from webrtc_party.party.links import Link, intro_next_hops
from webrtc_party.party.messages import (
    MAX_HOPS,
    Hello,
    Intro,
    IntroKind,
    Leave,
    Message,
    Ping,
    Pong,
    StateMessage,
    Sync,
    check_token,
    decode_message,
    encode_message,
)
from webrtc_party.party.model import GamePhase, MemberId, Selection
from webrtc_party.party.ratelimit import TokenBucket
from webrtc_party.party.signing import sign_intro, sign_leave, verify_signed

__all__ = ["PartyCore"]


class PartyCore(GossipCore):
    """One member's view of the party. Every method takes the shell's ``now`` (seconds)."""

    def link_up(self, link_id: str, now: float, expect: MemberId | None = None) -> None:
        """A data channel opened; the core says hello on it.

        ``expect``: the member an introduction made this link for; a peer that
        says hello as anyone else is refused (``CloseLink``, impersonation).
        """
        if self._closed or link_id in self._links:
            return
        bucket = TokenBucket(self.config.rate, self.config.burst)
        self._links[link_id] = Link(link_id, now, bucket, hello_sent_at=now, expect=expect)
        self._out.append((link_id, self._hello_text))
        self._out.append((link_id, self._own_text))

    def link_down(self, link_id: str, now: float) -> None:
        """A data channel closed (for any reason)."""
        self._links.pop(link_id, None)
        self._refresh(now)

    def receive(self, link_id: str, text: str, now: float) -> None:
        """A text arrived on ``link_id``. Never raises on anything the peer sent."""
        if not self.admit(link_id, text, now, self.config.max_message_size, check_size=False):
            return
        link = self._links[link_id]
        try:
            msg = decode_message(text, self.config.max_message_size)
        except ProtocolError as exc:
            self._violation(link, str(exc), now)
            return
        if msg is not None:
            try:
                self._dispatch(link, msg, now)
            except FieldError as exc:  # a bug guard: nothing a peer sends may escape
                self._violation(link, f"message could not be handled: {exc}", now)
        self._refresh(now)

    def admit(
        self, link_id: str, text: str, now: float, max_size: int, *, check_size: bool = True
    ) -> bool:
        """Charge a text from ``link_id`` to that link's budget; False if it must be dropped.

        Every text a link carries goes through here (``receive`` does it; the shell calls
        it for what it handles itself, such as chat): a text costs ``1 + size // 4096``
        tokens; over the rate, or (``check_size``) over ``max_size`` characters, it is
        dropped and counted as a violation.
        """
        link = self._links.get(link_id)
        if link is None or link.closing or self._closed:
            return False
        if check_size and len(text) > max_size:
            self._violation(link, f"message over {max_size} characters", now)
            self._refresh(now)
            return False
        if not link.bucket.take(now, 1 + min(len(text), self.config.max_message_size) // 4096):
            self._violation(link, "rate limit exceeded", now)
            return False
        return True

    def set_selection(self, selection: Selection | None, now: float) -> None:
        """The skin this member will inject now (coalesced; latest always wins)."""
        self._want((selection, self._wanted[1]), now)

    def set_phase(self, phase: GamePhase, now: float) -> None:
        self._want((self._wanted[0], phase), now)

    def tick(self, now: float) -> None:
        """Run timers: coalesced sends, pings, anti-entropy, timeouts, introductions."""
        if self._closed:
            return
        wanted = self._coalescer.poll(now)
        if wanted is not None:
            self._publish(now)
        if now >= self._next_beat_at:
            self._beat += 1
            self._next_beat_at = now + self.config.ping_interval / 2
        for link in list(self._links.values()):
            if not link.closing:
                self._tick_link(link, now)
        self._events.extend(self._intros.expire(now))
        self._events.extend(self._intros.due(self._intro_candidates(now), now))
        self._refresh(now)

    def send_intro_offer(self, intro_id: int, token: str, now: float) -> bool:
        """Route the invite ``token`` for an ``IntroNeeded``; False if it expired.

        Raises ``FieldError`` if ``token`` could not travel (see ``check_token``).
        """
        check_token(token)
        intro = self._intros.outgoing(intro_id)
        if intro is None or intro.offered or self._closed:
            return False
        intro.offered = True
        msg = sign_intro(IntroKind.OFFER, self.me, intro.target, intro_id, token, self._key)
        self._route_intro(msg, None, now)
        return True

    def send_intro_answer(self, origin: MemberId, intro_id: int, token: str, now: float) -> bool:
        """Route the answer ``token`` to an ``IntroOfferReceived``; False if it is over
        (expired, superseded or cancelled): the shell closes the link it made for it."""
        check_token(token)
        if self._closed or not self._intros.answer_allowed(origin, intro_id):
            return False
        msg = sign_intro(IntroKind.ANSWER, self.me, origin, intro_id, token, self._key)
        self._route_intro(msg, None, now)
        return True

    def intro_open(self, origin: MemberId, intro_id: int) -> bool:
        """True while the invitation ``intro_id`` from ``origin`` may still be answered
        (not superseded, expired or answered): ask before making a link for it."""
        return not self._closed and self._intros.answerable(origin, intro_id)

    def remove(self, member: MemberId, now: float) -> None:
        """Stop dealing with ``member`` here: close its links, forget it, ignore it from now.

        Local only: other members still see it, and this member relays nothing of it.
        Introductions cannot bring it back; a link the user makes by hand with it can.
        """
        if member == self.me or self._closed:
            return
        self._blocked.add(member)
        for link in self._links.values():
            if link.member == member or link.expect == member:
                self._close(link, CloseReason.REMOVED, "removed by this member")
        self._forget(member, now)
        self._refresh(now)

    def leave(self, now: float) -> None:
        """Say goodbye to everyone; the core is closed afterwards."""
        if self._closed:
            return
        self._seq += 1
        text = encode_message(sign_leave(self.me, self._seq, self._key))
        for link in self._links.values():
            if not link.closing:
                self._out.append((link.link_id, text))
        self._closed = True

    def data_to_send(self) -> list[tuple[str, str]]:
        """Drain ``(link_id, text)`` pairs to send, in order."""
        out, self._out = self._out, []
        return out

    def events_received(self) -> list[PartyEvent]:
        """Drain the events since the last call, in order."""
        events, self._events = self._events, []
        return events

    def members(self, now: float) -> tuple[MemberView, ...]:
        """Every member (this one first) with its state and honest status."""
        return tuple(self._view(m, now) for m in self._store.states)

    def key_of(self, member: MemberId) -> bytes | None:
        """The public key bound to ``member`` (None: not known)."""
        return self._store.keys.get(member)

    def links(self, now: float) -> tuple[LinkView, ...]:
        timeout = self.config.alive_timeout
        return tuple(
            LinkView(
                lk.link_id, lk.member, lk.alive(now, timeout), lk.rtt, lk.violations, lk.closing
            )
            for lk in self._links.values()
        )

    def next_tick(self, now: float) -> float:
        """The latest time by which ``tick`` should run next."""
        deadline = self._coalescer.deadline()
        soonest = now + min(1.0, self.config.ping_interval / 2)
        return soonest if deadline is None else max(now, min(deadline, soonest))

    @property
    def closed(self) -> bool:
        return self._closed

    def _want(self, wanted: Wanted, now: float) -> None:
        if self._closed:
            return
        self._wanted = wanted
        if self._coalescer.offer(wanted, now) is not None:
            self._publish(now)

    def _dispatch(self, link: Link, msg: Message, now: float) -> None:
        match msg:
            case Hello():
                self._on_hello(link, msg, now)
            case StateMessage():
                self._on_state(link, msg, now)
            case Leave():
                self._on_leave(link, msg, now)
            case Sync():
                for record in msg.records:
                    if isinstance(record, StateMessage):
                        self._on_state(link, record, now)
                    else:
                        self._on_leave(link, record, now)
            case Ping():
                self._send(link, Pong(msg.ping_id))
                if link.member is not None:
                    link.got_ping = True
                    timeout = self.config.alive_timeout
                    # routes only for members with a signed state here (at most max_members)
                    known = self._store.states
                    beats = [b for b in msg.beats if b.member in known]
                    if self._routes.heard(link.member, beats, now, timeout):
                        # tell the other neighbours at the next tick, not a ping interval later
                        for other in self._links.values():
                            if other is not link:
                                other.next_ping_at = min(other.next_ping_at, now)
                    self._compare_digest(link, msg.digest, now)
            case Pong():
                link.pong(msg.ping_id, now)
            case Intro():
                self._on_intro(link, msg, now)

    def _on_intro(self, link: Link, msg: Intro, now: float) -> None:
        key = self._store.keys.get(msg.origin)
        if key is None or msg.origin == self.me:
            return
        if not verify_signed(msg, key):
            self._violation(link, f"{msg.kind.value} of {msg.origin[:8]}: bad signature", now)
            return
        inviter, invitee = (
            (msg.origin, msg.target) if msg.kind is IntroKind.OFFER else (msg.target, msg.origin)
        )
        if not initiates(inviter, invitee) or not self._budgets.take(msg.origin, now):
            if link.member == msg.origin or not initiates(inviter, invitee):
                self._violation(link, f"{msg.kind.value} of {msg.origin[:8]}: not allowed", now)
            return
        if msg.target != self.me:
            self._route_intro(msg, link, now)
            return
        if msg.kind is IntroKind.OFFER:
            known = msg.origin in self._store.states
            if known and initiates(msg.origin, self.me) and not self._direct(msg.origin, now):
                admitted, cancelled = self._intros.offer_received(msg.origin, msg.intro_id, now)
                self._events.extend(cancelled)
                if admitted:
                    self._events.append(IntroOfferReceived(msg.origin, msg.intro_id, msg.token))
        else:
            intro = self._intros.outgoing(msg.intro_id)
            if intro is not None and intro.target == msg.origin and not intro.answered:
                intro.answered = True
                self._events.append(IntroAnswerReceived(msg.origin, msg.intro_id, msg.token))

    def _route_intro(self, msg: Intro, source: Link | None, now: float) -> None:
        if msg.hops >= min(self.config.max_members, MAX_HOPS):
            return
        if not self._intros.first_sight(msg.kind.value, msg.origin, msg.target, msg.intro_id):
            return
        relayed = Intro(
            msg.kind, msg.origin, msg.target, msg.intro_id, msg.token, msg.hops + 1, msg.body,
            msg.sig,
        )
        try:
            text = encode_message(relayed, self.config.max_message_size)
        except FieldError as exc:  # decode leaves RELAY_HEADROOM, so only a smaller limit
            if source is not None:
                self._violation(source, f"{msg.kind.value} too large to relay: {exc}", now)
            return
        timeout = self.config.alive_timeout
        targets = intro_next_hops(self._links.values(), msg.target, source, now, timeout)
        for lk in targets:
            self._out.append((lk.link_id, text))

    def _intro_candidates(self, now: float) -> list[MemberId]:
        linked = {lk.member for lk in self._links.values() if not lk.closing}
        out = []
        for member in self._store.states:
            if member == self.me or member in linked or not initiates(self.me, member):
                continue
            if self._status(member, now).status is MemberStatus.RELAYED:
                out.append(member)
        return out
