"""The party core: gossip, heartbeats, status and introductions, without I/O.

The shell owns the data channels and the clock. It reports links opening and
closing and every received text, calls ``tick`` every ~100-250 ms (or at
``next_tick``), and then drains ``data_to_send()`` and ``events_received()``.
Nothing a peer sends makes ``receive`` raise: bad input is dropped and counted
against the link, and past ``max_violations`` a ``CloseLink`` event asks the
shell to close it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party import __version__
from webrtc_party.party.coalesce import Coalescer
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.errors import ProtocolError
from webrtc_party.party.events import (
    CloseLink,
    CloseReason,
    IntroAnswerReceived,
    IntroOfferReceived,
    LinkIdentified,
    LinkView,
    MemberChange,
    MemberChanged,
    MemberStatus,
    MemberView,
    PartyEvent,
)
from webrtc_party.party.intro import IntroScheduler, initiates
from webrtc_party.party.links import Link
from webrtc_party.party.messages import (
    PROTOCOL_VERSION,
    Beat,
    Hello,
    Intro,
    IntroKind,
    Leave,
    Message,
    Ping,
    Pong,
    StateMessage,
    Sync,
    decode_message,
    encode_message,
)
from webrtc_party.party.model import GamePhase, MemberId, MemberIdentity, MemberState, Selection
from webrtc_party.party.ratelimit import TokenBucket
from webrtc_party.party.routes import Routes
from webrtc_party.party.signing import (
    public_key_bytes,
    sign_intro,
    sign_leave,
    sign_state,
    verify_signed,
)
from webrtc_party.party.status import Status, compute_status, make_view
from webrtc_party.party.store import RecordStore, Verdict

__all__ = ["CAPABILITIES", "PartyCore"]

logger = logging.getLogger(__name__)

CAPABILITIES = ("gossip/1", "intro/1")
_SEEN_INTROS = 256
_Wanted = tuple[Selection | None, GamePhase]


class PartyCore:
    """One member's view of the party. Every method takes the shell's ``now`` (seconds)."""

    def __init__(
        self,
        identity: MemberIdentity,
        private_key: Ed25519PrivateKey,
        *,
        now: float,
        incarnation: int = 0,
        config: PartyConfig | None = None,
        app_version: str = __version__,
    ) -> None:
        """``incarnation``: a number larger than at any earlier run (wall-clock ms)."""
        self.config = cfg = config or PartyConfig()
        self.me: MemberId = identity.puuid
        self._identity = identity
        self._key = private_key
        self._public = public_key_bytes(private_key)
        self._incarnation = incarnation
        self._beat = 0
        self._next_beat_at = now
        self._store = RecordStore(self.me, cfg.max_members, cfg.max_tombstones)
        self._routes = Routes(self.me)
        self._intros = IntroScheduler(cfg)
        self._links: dict[str, Link] = {}
        self._out: list[tuple[str, str]] = []
        self._events: list[PartyEvent] = []
        self._first_seen: dict[MemberId, float] = {}
        self._last_seen: dict[MemberId, float] = {}
        self._reached: set[MemberId] = set()
        self._shown: dict[MemberId, tuple[MemberStatus, MemberId | None]] = {}
        self._seen_intros: OrderedDict[tuple[str, MemberId, int], None] = OrderedDict()
        self._coalescer: Coalescer[_Wanted] = Coalescer(cfg.settle)
        self._wanted: _Wanted = (None, GamePhase.NONE)
        self._seq = incarnation
        self._closed = False
        self._coalescer.offer(self._wanted, now)
        self._own_text = self._store.put_own(sign_state(self._own_state(), private_key))
        hello = Hello(PROTOCOL_VERSION, app_version, CAPABILITIES, identity, self._public)
        self._hello_text = encode_message(hello)

    # ------------------------------------------------------------------ shell API

    def link_up(self, link_id: str, now: float) -> None:
        """A data channel opened; the core says hello on it."""
        if self._closed or link_id in self._links:
            return
        bucket = TokenBucket(self.config.rate, self.config.burst)
        self._links[link_id] = Link(link_id, now, bucket, hello_sent_at=now)
        self._out.append((link_id, self._hello_text))
        self._out.append((link_id, self._own_text))

    def link_down(self, link_id: str, now: float) -> None:
        """A data channel closed (for any reason)."""
        self._links.pop(link_id, None)
        self._refresh(now)

    def receive(self, link_id: str, text: str, now: float) -> None:
        """A text arrived on ``link_id``. Never raises on anything the peer sent."""
        link = self._links.get(link_id)
        if link is None or link.closing or self._closed:
            return
        if not link.bucket.take(now):
            self._violation(link, "rate limit exceeded")
            return
        try:
            msg = decode_message(text, self.config.max_message_size)
        except ProtocolError as exc:
            self._violation(link, str(exc))
            return
        if msg is not None:
            self._dispatch(link, msg, now)
        self._refresh(now)

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
        """Route the invite ``token`` for an ``IntroNeeded``; False if it expired."""
        intro = self._intros.outgoing(intro_id)
        if intro is None or intro.offered or self._closed:
            return False
        intro.offered = True
        msg = sign_intro(IntroKind.OFFER, self.me, intro.target, intro_id, token, self._key)
        self._route_intro(msg, None, now)
        return True

    def send_intro_answer(self, origin: MemberId, intro_id: int, token: str, now: float) -> bool:
        """Route the answer ``token`` to an ``IntroOfferReceived``; False if it expired."""
        if self._closed or not self._intros.answer_allowed(origin, intro_id):
            return False
        msg = sign_intro(IntroKind.ANSWER, self.me, origin, intro_id, token, self._key)
        self._route_intro(msg, None, now)
        return True

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

    def links(self, now: float) -> tuple[LinkView, ...]:
        timeout = self.config.alive_timeout
        return tuple(
            LinkView(lk.link_id, lk.member, lk.alive(now, timeout), lk.rtt, lk.violations,
                     lk.closing)
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

    # ------------------------------------------------------------------ internals

    def _own_state(self) -> MemberState:
        sel, phase = self._wanted
        return MemberState(self._identity, self._public, self._seq, sel, phase)

    def _want(self, wanted: _Wanted, now: float) -> None:
        if self._closed:
            return
        self._wanted = wanted
        if self._coalescer.offer(wanted, now) is not None:
            self._publish(now)

    def _publish(self, now: float) -> None:
        self._seq += 1
        self._own_text = self._store.put_own(sign_state(self._own_state(), self._key))
        for link in self._links.values():
            if not link.closing:
                self._out.append((link.link_id, self._own_text))

    def _send(self, link: Link, msg: Message) -> None:
        self._out.append((link.link_id, encode_message(msg)))

    def _close(self, link: Link, reason: CloseReason, detail: str) -> None:
        if link.closing:
            return
        logger.info("party %s: closing link %s: %s (%s)", self.me[:8], link.link_id, reason, detail)
        link.closing = True
        self._events.append(CloseLink(link.link_id, reason, detail))

    def _violation(self, link: Link, detail: str) -> None:
        link.violations += 1
        logger.debug("party %s: link %s: %s", self.me[:8], link.link_id, detail)
        if link.violations >= self.config.max_violations:
            self._close(link, CloseReason.ABUSE, detail)

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
                    self._routes.heard(link.member, msg.beats, now)
            case Pong():
                link.pong(msg.ping_id, now)
            case Intro():
                self._on_intro(link, msg, now)

    def _on_hello(self, link: Link, hello: Hello, now: float) -> None:
        member = hello.identity.puuid
        if hello.version != PROTOCOL_VERSION:
            self._close(link, CloseReason.VERSION, f"peer speaks version {hello.version}")
        elif member == self.me:
            self._close(link, CloseReason.SELF_LINK, "the link leads back to this member")
        elif link.member is not None and link.member != member:
            self._close(link, CloseReason.IMPERSONATION, "the peer changed its identity")
        elif not self._store.keys.admits(member, hello.key):
            self._close(link, CloseReason.IMPERSONATION, "key differs from the member's bound key")
        elif member not in self._store.states and self._full():
            self._close(link, CloseReason.PARTY_FULL, "the party is full")
        elif link.member is None:
            link.member, link.identified_at = member, now
            self._first_seen.setdefault(member, now)
            self._events.append(LinkIdentified(link.link_id, member))
            self._send_sync(link)
            link.next_sync_at = now + self.config.sync_interval
            self._send_ping(link, now)

    def _full(self) -> bool:
        return len(self._store.states) >= self.config.max_members

    def _on_state(self, link: Link, msg: StateMessage, now: float) -> None:
        verdict = self._store.offer_state(msg)
        origin = msg.state.origin
        if verdict.is_violation:
            self._violation(link, f"state of {origin[:8]}: {verdict.value}")
        elif verdict is Verdict.OWN and msg.state.seq >= self._seq:
            self._seq = msg.state.seq
            self._publish(now)
        elif verdict.accepted:
            text = self._store.texts[origin]
            self._relay(text, link, origin)
            self._first_seen.setdefault(origin, now)
            change = MemberChange.JOINED if verdict is Verdict.NEW else MemberChange.UPDATED
            self._events.append(MemberChanged(change, self._view(origin, now)))

    def _on_leave(self, link: Link, msg: Leave, now: float) -> None:
        last = self._store.states.get(msg.origin)
        verdict = self._store.offer_leave(msg)
        if verdict.is_violation:
            self._violation(link, f"goodbye of {msg.origin[:8]}: {verdict.value}")
        if not verdict.accepted:
            return
        self._relay(encode_message(msg), link, msg.origin)
        if last is not None:
            seen = self._last_seen.get(msg.origin)
            view = make_view(last, Status(MemberStatus.LOST), seen, False)
            self._events.append(MemberChanged(MemberChange.LEFT, view))
        expired = self._intros.forget(msg.origin)
        if expired is not None:
            self._events.append(expired)
        self._routes.forget(msg.origin)
        for name in (self._first_seen, self._last_seen, self._shown):
            name.pop(msg.origin, None)
        self._reached.discard(msg.origin)
        for other in self._links.values():
            if other.member == msg.origin:
                self._close(other, CloseReason.PEER_LEFT, "the member left the party")

    def _relay(self, text: str, source: Link | None, origin: MemberId) -> None:
        for link in self._links.values():
            if link is not source and not link.closing and link.member != origin:
                self._out.append((link.link_id, text))

    def _on_intro(self, link: Link, msg: Intro, now: float) -> None:
        key = self._store.keys.get(msg.origin)
        if key is None or msg.origin == self.me:
            return
        if not verify_signed(msg, key):
            self._violation(link, f"{msg.kind.value} of {msg.origin[:8]}: bad signature")
            return
        if msg.target != self.me:
            self._route_intro(msg, link, now)
            return
        if msg.kind is IntroKind.OFFER:
            known = msg.origin in self._store.states
            if known and initiates(msg.origin, self.me) and not self._direct(msg.origin, now):
                if self._intros.offer_received(msg.origin, msg.intro_id, now):
                    self._events.append(IntroOfferReceived(msg.origin, msg.intro_id, msg.token))
        else:
            intro = self._intros.outgoing(msg.intro_id)
            if intro is not None and intro.target == msg.origin and not intro.answered:
                intro.answered = True
                self._events.append(IntroAnswerReceived(msg.origin, msg.intro_id, msg.token))

    def _route_intro(self, msg: Intro, source: Link | None, now: float) -> None:
        seen = (msg.kind.value, msg.origin, msg.intro_id)
        if seen in self._seen_intros or msg.hops >= min(self.config.max_members, 32):
            return
        self._seen_intros[seen] = None
        while len(self._seen_intros) > _SEEN_INTROS:
            self._seen_intros.popitem(last=False)
        text = encode_message(
            Intro(msg.kind, msg.origin, msg.target, msg.intro_id, msg.token, msg.hops + 1,
                  msg.body, msg.sig)
        )
        timeout = self.config.alive_timeout
        direct = [lk for lk in self._links.values() if lk.member == msg.target]
        targets = [lk for lk in direct if lk.alive(now, timeout)] or [
            lk for lk in self._links.values()
            if lk is not source and lk.member is not None and not lk.closing
        ]
        for lk in targets:
            self._out.append((lk.link_id, text))

    def _tick_link(self, link: Link, now: float) -> None:
        cfg = self.config
        if link.member is None:
            if now - link.opened_at >= cfg.hello_timeout:
                self._close(link, CloseReason.NO_HELLO, "the peer never said hello")
                return
        last = link.last_pong_at if link.last_pong_at is not None else link.identified_at
        if last is not None and now - last >= cfg.dead_timeout:
            self._close(link, CloseReason.HEARTBEAT_TIMEOUT, "no heartbeat answered")
            return
        if not link.got_ping and now - link.hello_sent_at >= cfg.hello_retry:
            link.hello_sent_at = now
            self._out.append((link.link_id, self._hello_text))
        if link.member is None:
            return
        if now >= link.next_ping_at:
            self._send_ping(link, now)
        if now >= link.next_sync_at:
            link.next_sync_at = now + cfg.sync_interval
            self._send_sync(link)

    def _send_ping(self, link: Link, now: float) -> None:
        link.next_ping_at = now + self.config.ping_interval
        alive = self._alive_members(now)
        beats = [Beat(self.me, self._incarnation, self._beat, 0)]
        beats += [b for b in self._routes.advertise(now, self.config.alive_timeout, alive)
                  if b.member != link.member][:31]
        self._send(link, Ping(link.new_ping(now), tuple(beats)))

    def _send_sync(self, link: Link) -> None:
        for text in self._store.sync_texts(self.config.max_message_size):
            self._out.append((link.link_id, text))

    def _alive_members(self, now: float) -> set[MemberId]:
        timeout = self.config.alive_timeout
        return {
            lk.member for lk in self._links.values()
            if lk.member is not None and lk.alive(now, timeout)
        }

    def _direct(self, member: MemberId, now: float) -> bool:
        return member in self._alive_members(now)

    def _intro_candidates(self, now: float) -> list[MemberId]:
        linked = {lk.member for lk in self._links.values() if not lk.closing}
        out = []
        for member in self._store.states:
            if member == self.me or member in linked or not initiates(self.me, member):
                continue
            if self._status(member, now).status is MemberStatus.RELAYED:
                out.append(member)
        return out

    def _status(self, member: MemberId, now: float, alive: set[MemberId] | None = None) -> Status:
        if member == self.me:
            return Status(MemberStatus.SELF, heard_at=now)
        status = compute_status(
            member,
            now,
            config=self.config,
            links=self._links.values(),
            alive=self._alive_members(now) if alive is None else alive,
            routes=self._routes,
            reached=member in self._reached,
            first_seen=self._first_seen.get(member, now),
            intro_pending=self._intros.pending(member),
        )
        if status.heard_at is not None:
            self._reached.add(member)
            self._last_seen[member] = status.heard_at
        return status

    def _view(self, member: MemberId, now: float, status: Status | None = None) -> MemberView:
        status = self._status(member, now) if status is None else status
        msg = self._store.states[member]
        return make_view(msg, status, self._last_seen.get(member), member == self.me)

    def _refresh(self, now: float) -> None:
        """Emit a STATUS event for every member whose status or path changed."""
        alive = self._alive_members(now)
        for member in self._store.states:
            if member == self.me:
                continue
            status = self._status(member, now, alive)
            if self._shown.get(member) != (status.status, status.via):
                self._shown[member] = (status.status, status.via)
                view = self._view(member, now, status)
                self._events.append(MemberChanged(MemberChange.STATUS, view))

