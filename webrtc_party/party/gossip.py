"""The gossip part of the party core: records, links, party heartbeats and status.

``Gossip`` owns the member records, the links and what each member's status is.
``PartyCore`` (core.py) composes it with ``Introductions`` (introductions.py):
it gives the introductions part what ``IntroHost`` lists (keys, links, the
per-origin budget), and learns from it only what ``IntroBook`` lists (is an
introduction pending, a member linked or gone). Both write into one ``Outbox``.
"""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party import __version__
from webrtc_party.party.board import IntroBook, StatusBoard
from webrtc_party.party.coalesce import Coalescer
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import (
    CloseLink,
    CloseReason,
    LinkIdentified,
    MemberChange,
    MemberChanged,
)
from webrtc_party.party.links import (
    LinkRecord,
    hello_refusal,
        older_link_works,
    timeout_refusal,
)
from webrtc_party.party.messages import (
    PROTOCOL_VERSION,
    Beat,
    Hello,
    Leave,
    Message,
    Ping,
    Pong,
    StateMessage,
    Sync,
    encode_message,
)
from webrtc_party.party.model import GamePhase, MemberId, MemberIdentity, MemberState, Selection
from webrtc_party.party.outbox import Outbox
from webrtc_party.party.ratelimit import Budgets, TokenBucket
from webrtc_party.party.routes import Routes
from webrtc_party.party.signing import public_key_bytes, sign_leave, sign_state
from webrtc_party.party.store import RecordStore, RecordVerdict

__all__ = ["CAPABILITIES", "Gossip", "Wanted"]

logger = logging.getLogger(__name__)

CAPABILITIES = ("gossip/1", "intro/1")
Wanted = tuple[tuple[Selection, ...], GamePhase]
"""What this member will inject (first pick first; empty: nothing) and its game phase."""


class Gossip:
    """Records, links and status of one member. Every method takes the shell's ``now``."""

    def __init__(
        self,
        identity: MemberIdentity,
        private_key: Ed25519PrivateKey,
        intros: IntroBook,
        outbox: Outbox,
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
        self.store = RecordStore(self.me, cfg.max_members, cfg.max_tombstones)
        self.routes = Routes(self.me)
        self._intros = intros
        self.links: dict[str, LinkRecord] = {}
        self._outbox = outbox
        self.board = StatusBoard(self.me, cfg, self.store, self.routes, self.links, intros)
        self._coalescer: Coalescer[Wanted] = Coalescer(cfg.settle)
        self._wanted: Wanted = ((), GamePhase.NONE)
        self._seq = incarnation
        self._closed = False
        self._blocked: set[MemberId] = set()
        self._budgets: Budgets[MemberId] = Budgets(cfg.origin_rate, cfg.origin_burst)
        self._coalescer.offer(self._wanted, now)
        self._own_text = self.store.put_own(sign_state(self._own_state(), private_key))
        hello = Hello(PROTOCOL_VERSION, app_version, CAPABILITIES, identity, self._public)
        self._hello_text = encode_message(hello)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def hello_text(self) -> str:
        """The hello this member says on every new link."""
        return self._hello_text

    # -- links -------------------------------------------------------------------

    def add_link(
        self, link_id: str, now: float, expect: MemberId | None, expect_key: bytes | None = None
    ) -> None:
        """A data channel opened: say hello on it (see ``PartyCore.link_up``)."""
        if self._closed or link_id in self.links:
            return
        bucket = TokenBucket(self.config.rate, self.config.burst)
        self.links[link_id] = LinkRecord(
            link_id, now, bucket, hello_sent_at=now, expect=expect, expect_key=expect_key
        )
        self._outbox.send(link_id, self._hello_text)
        if expect_key is None:  # else our state waits for the hello with that key
            self._outbox.send(link_id, self._own_text)

    def drop_link(self, link_id: str, now: float) -> None:
        self.links.pop(link_id, None)
        self.refresh(now)

    def handle(self, link: LinkRecord, msg: Message, now: float) -> None:
        """A gossip message (anything but an introduction) arrived on ``link``."""
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
                self._on_ping(link, msg, now)
            case Pong():
                link.pong(msg.ping_id, now)

    def tick(self, now: float) -> None:
        """Coalesced sends, heartbeat counter, per-link timers (pings, sync, timeouts)."""
        if self._coalescer.poll(now) is not None:
            self._publish(now)
        if now >= self._next_beat_at:
            self._beat += 1
            self._next_beat_at = now + self.config.ping_interval / 2
        for link in list(self.links.values()):
            if not link.closing:
                self._tick_link(link, now)

    def next_tick(self, now: float) -> float:
        deadline = self._coalescer.deadline()
        soonest = now + min(1.0, self.config.ping_interval / 2)
        return soonest if deadline is None else max(now, min(deadline, soonest))

    # -- this member --------------------------------------------------------------

    @property
    def wanted(self) -> Wanted:
        return self._wanted

    def want(self, wanted: Wanted, now: float) -> None:
        """What this member will inject now (coalesced; latest always wins)."""
        if self._closed:
            return
        self._wanted = wanted
        if self._coalescer.offer(wanted, now) is not None:
            self._publish(now)

    def remove(self, member: MemberId, now: float) -> None:
        """See ``PartyCore.remove``."""
        if member == self.me or self._closed:
            return
        self._blocked.add(member)
        for link in self.links.values():
            if link.member == member or link.expect == member:
                self._close(link, CloseReason.REMOVED, "removed by this member")
        self._forget(member, now)
        self.refresh(now)

    def leave(self, now: float) -> None:
        """Say goodbye on every link; closed afterwards."""
        if self._closed:
            return
        self._seq += 1
        text = encode_message(sign_leave(self.me, self._seq, self._key))
        for link in self.links.values():
            if not link.closing:
                self._outbox.send(link.link_id, text)
        self._closed = True

    def charge(self, origin: MemberId, now: float) -> bool:
        """Take one from ``origin``'s budget (states and introductions share it)."""
        return self._budgets.take(origin, now)

    # -- internals ------------------------------------------------------------------

    def _own_state(self) -> MemberState:
        sels, phase = self._wanted
        first = sels[0] if sels else None
        return MemberState(self._identity, self._public, self._seq, first, phase, sels[1:])

    def _publish(self, now: float) -> None:
        self._seq += 1
        self._own_text = self.store.put_own(sign_state(self._own_state(), self._key))
        for link in self.links.values():
            if not link.closing and (link.expect_key is None or link.member is not None):
                self._outbox.send(link.link_id, self._own_text)

    def _send(self, link: LinkRecord, msg: Message) -> None:
        self._outbox.send(link.link_id, encode_message(msg))

    def _close(self, link: LinkRecord, reason: CloseReason, detail: str) -> None:
        if link.closing:
            return
        logger.info("party %s: closing link %s: %s (%s)", self.me[:8], link.link_id, reason, detail)
        link.closing = True
        self._outbox.emit(CloseLink(link.link_id, reason, detail))

    def violation(self, link: LinkRecord, detail: str, now: float) -> None:
        """Count a bad message against ``link``; close it once the (decaying) score is full."""
        logger.debug("party %s: link %s: %s", self.me[:8], link.link_id, detail)
        if link.add_violation(now, self.config.violation_decay) >= self.config.max_violations:
            self._close(link, CloseReason.ABUSE, detail)

    def _on_hello(self, link: LinkRecord, hello: Hello, now: float) -> None:
        member = hello.identity.puuid
        known = member in self.store.states
        refusal = hello_refusal(link, hello, self.me, self.store.keys, known, self._full())
        if refusal is None and member in self._blocked:
            if link.expect is None:  # a token the user pasted by hand: adding again undoes remove
                self._blocked.discard(member)
            else:
                refusal = CloseReason.REMOVED, "this member removed the peer"
        if refusal is not None:
            self._close(link, *refusal)
        elif link.member is None:
            link.member, link.identified_at, link.hello_key = member, now, hello.key
            self._outbox.emit_all(self._intros.linked(member))
            self.board.watch.seen(member, now)
            self._outbox.emit(LinkIdentified(link.link_id, member))
            self._send_sync(link)
            link.next_sync_at = now + self.config.sync_interval
            self._send_ping(link, now)

    def _confirm(self, link: LinkRecord, now: float) -> None:
        """The member said hello here, and its own signed state (checked, or byte for byte
        the copy held) came over this link under its bound key, the key of that hello.
        The link counts as direct from now, before the first pong; the key is pinned."""
        member = link.member
        if member is None or link.closing or self.store.keys.get(member) != link.hello_key:
            return
        self.store.vouch(member)
        link.confirmed_at = now

    def _full(self) -> bool:
        return len(self.store.states) >= self.config.max_members

    def _on_state(self, link: LinkRecord, msg: StateMessage, now: float) -> None:
        origin = msg.state.origin
        if origin in self._blocked:
            return
        if link.member == origin and msg.state.key != link.hello_key:
            self._close(link, CloseReason.IMPERSONATION, "its state is signed by another key")
            return
        verdict = self.store.offer_state(msg, lambda m: self._budgets.take(m, now))
        if link.member == origin and (
            verdict.accepted
            or (verdict is RecordVerdict.DUPLICATE and msg.body == self.store.states[origin].body)
        ):
            self._confirm(link, now)
        if verdict.is_violation or (verdict is RecordVerdict.THROTTLED and link.member == origin):
            self.violation(link, f"state of {origin[:8]}: {verdict.value}", now)
        elif verdict is RecordVerdict.OWN and msg.state.seq > self._seq:
            self._seq = msg.state.seq
            self._publish(now)
        elif verdict.accepted:
            # Neighbours with their own live link to the origin got it from the origin.
            skip = self.routes.adjacent(origin, now, self.config.alive_timeout)
            self._relay(self.store.texts[origin], link, origin, skip)
            self.board.watch.seen(origin, now)
            change = MemberChange.JOINED if verdict is RecordVerdict.NEW else MemberChange.UPDATED
            self._outbox.emit(MemberChanged(change, self.board.view(origin, now)))

    def _on_leave(self, link: LinkRecord, msg: Leave, now: float) -> None:
        last = self.store.states.get(msg.origin)
        verdict = self.store.offer_leave(msg)
        if verdict.is_violation:
            self.violation(link, f"goodbye of {msg.origin[:8]}: {verdict.value}", now)
        if not verdict.accepted:
            return
        self._relay(encode_message(msg), link, msg.origin)
        self._forget(msg.origin, now, last)
        for other in self.links.values():
            if other.member == msg.origin:
                self._close(other, CloseReason.PEER_LEFT, "the member left the party")

    def _forget(self, member: MemberId, now: float, last: StateMessage | None = None) -> None:
        """``member`` is gone (left or removed): report it once and drop what we knew."""
        last = self.store.forget(member) or last
        if last is not None:
            self._outbox.emit(MemberChanged(MemberChange.LEFT, self.board.gone(member, last)))
        self._outbox.emit_all(self._intros.forget(member))
        self.routes.forget(member)
        self.board.watch.forget(member)
        self._budgets.forget(member)

    def _relay(
        self,
        text: str,
        source: LinkRecord | None,
        origin: MemberId,
        skip: set[MemberId] | None = None,
    ) -> None:
        for link in self.links.values():
            if link is source or link.closing or link.member == origin:
                continue
            if link.expect_key is not None and link.member is None:
                continue  # a link held for a remembered key gets nothing before that hello
            if skip and link.member in skip:
                continue
            self._outbox.send(link.link_id, text)

    def _tick_link(self, link: LinkRecord, now: float) -> None:
        cfg = self.config
        refusal = timeout_refusal(link, now, cfg)
        if refusal is not None:
            self._close(link, *refusal)
            return
        if not link.got_ping and now - link.hello_sent_at >= cfg.hello_retry:
            link.hello_sent_at = now
            self._outbox.send(link.link_id, self._hello_text)
        if link.member is None:
            return
        alive = link.alive(now, cfg.alive_timeout)
        if alive and self.me < link.member:
            if older_link_works(self.links.values(), link, now, cfg.alive_timeout):
                self._close(link, CloseReason.DUPLICATE, "another link to this member works")
                return
        if now >= link.next_ping_at:
            self._send_ping(link, now)
        if now >= link.next_sync_at:
            link.next_sync_at = now + cfg.sync_interval
            self._send_sync(link)

    def _on_ping(self, link: LinkRecord, msg: Ping, now: float) -> None:
        self._send(link, Pong(msg.ping_id))
        if link.member is None:
            return
        link.got_ping = True
        timeout = self.config.alive_timeout
        # routes only for members with a signed state here (at most max_members)
        known = self.store.states
        beats = [b for b in msg.beats if b.member in known]
        if self.routes.heard(link.member, beats, now, timeout):
            # tell the other neighbours at the next tick, not a ping interval later
            for other in self.links.values():
                if other is not link:
                    other.next_ping_at = min(other.next_ping_at, now)
        self._compare_digest(link, msg.digest, now)

    def _send_ping(self, link: LinkRecord, now: float) -> None:
        link.next_ping_at = now + self.config.ping_interval
        alive = self.board.alive_members(now)
        beats = [Beat(self.me, self._incarnation, self._beat, 0)]
        beats += [
            b
            for b in self.routes.advertise(now, self.config.alive_timeout, alive)
            if b.member != link.member
        ][:31]
        self._send(link, Ping(link.new_ping(now), tuple(beats), self.store.digest()))

    def _compare_digest(self, link: LinkRecord, digest: str, now: float) -> None:
        """The peer's records differ from ours: sync now, backing off while they still differ."""
        interval = self.config.ping_interval
        if not digest or digest == self.store.digest():
            link.pull_wait = 0.0
        elif now >= link.next_pull_at:
            link.pull_wait = min(max(interval, 2 * link.pull_wait), self.config.sync_interval)
            link.next_pull_at = now + link.pull_wait
            self._send_sync(link)

    def _send_sync(self, link: LinkRecord) -> None:
        for text in self.store.sync_texts(self.config.max_message_size):
            self._outbox.send(link.link_id, text)

    def direct(self, member: MemberId, now: float) -> bool:
        return member in self.board.alive_members(now)

    def refresh(self, now: float) -> None:
        """Emit a STATUS event for every member whose status or path changed."""
        self._outbox.emit_all(self.board.changes(now))
