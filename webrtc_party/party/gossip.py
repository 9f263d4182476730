"""The gossip half of the party core: records, links, heartbeats and status.

``GossipCore`` holds the state and the internal handlers; ``PartyCore`` (core.py)
adds the methods the shell calls and the routing of introductions.
"""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party import __version__
from webrtc_party.party.coalesce import Coalescer
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import (
    CloseLink,
    CloseReason,
    LinkIdentified,
    MemberChange,
    MemberChanged,
    MemberStatus,
    MemberView,
    PartyEvent,
)
from webrtc_party.party.intro import IntroScheduler
from webrtc_party.party.links import Link, hello_refusal, timeout_refusal
from webrtc_party.party.messages import (
    PROTOCOL_VERSION,
    Beat,
    Hello,
    Leave,
    Message,
    Ping,
    StateMessage,
    encode_message,
)
from webrtc_party.party.model import GamePhase, MemberId, MemberIdentity, MemberState, Selection
from webrtc_party.party.ratelimit import Budgets
from webrtc_party.party.routes import Routes
from webrtc_party.party.signing import (
    public_key_bytes,
    sign_state,
)
from webrtc_party.party.status import Status, Watcher, make_view
from webrtc_party.party.store import RecordStore, Verdict

__all__ = ["CAPABILITIES", "GossipCore", "Wanted"]

logger = logging.getLogger(__name__)

CAPABILITIES = ("gossip/1", "intro/1")
Wanted = tuple[tuple[Selection, ...], GamePhase]
"""What this member will inject (first pick first; empty: nothing) and its game phase."""


class GossipCore:
    """State, links and status of one member; ``PartyCore`` adds the shell API."""

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
        self._watch = Watcher(self.me, cfg)
        self._coalescer: Coalescer[Wanted] = Coalescer(cfg.settle)
        self._wanted: Wanted = ((), GamePhase.NONE)
        self._seq = incarnation
        self._closed = False
        self._blocked: set[MemberId] = set()
        self._budgets: Budgets[MemberId] = Budgets(cfg.origin_rate, cfg.origin_burst)
        self._coalescer.offer(self._wanted, now)
        self._own_text = self._store.put_own(sign_state(self._own_state(), private_key))
        hello = Hello(PROTOCOL_VERSION, app_version, CAPABILITIES, identity, self._public)
        self._hello_text = encode_message(hello)

    def _own_state(self) -> MemberState:
        sels, phase = self._wanted
        first = sels[0] if sels else None
        return MemberState(self._identity, self._public, self._seq, first, phase, sels[1:])

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

    def _violation(self, link: Link, detail: str, now: float) -> None:
        """Count a bad message against ``link``; close it once the (decaying) score is full."""
        logger.debug("party %s: link %s: %s", self.me[:8], link.link_id, detail)
        if link.add_violation(now, self.config.violation_decay) >= self.config.max_violations:
            self._close(link, CloseReason.ABUSE, detail)

    def _on_hello(self, link: Link, hello: Hello, now: float) -> None:
        member = hello.identity.puuid
        known = member in self._store.states
        refusal = hello_refusal(link, hello, self.me, self._store.keys, known, self._full())
        if refusal is None and member in self._blocked:
            if link.expect is None:  # a token the user pasted by hand: adding again undoes remove
                self._blocked.discard(member)
            else:
                refusal = CloseReason.REMOVED, "this member removed the peer"
        if refusal is not None:
            self._close(link, *refusal)
        elif link.member is None:
            link.member, link.identified_at, link.hello_key = member, now, hello.key
            self._events.extend(self._intros.linked(member))
            self._watch.seen(member, now)
            self._events.append(LinkIdentified(link.link_id, member))
            self._send_sync(link)
            link.next_sync_at = now + self.config.sync_interval
            self._send_ping(link, now)

    def _confirm(self, link: Link, now: float) -> None:
        """The member said hello here, and its own signed state (checked, or byte for byte
        the copy held) came over this link under its bound key, the key of that hello.
        The link counts as direct from now, before the first pong; the key is pinned."""
        member = link.member
        if member is None or link.closing or self._store.keys.get(member) != link.hello_key:
            return
        self._store.vouch(member)
        link.confirmed_at = now

    def _full(self) -> bool:
        return len(self._store.states) >= self.config.max_members

    def _on_state(self, link: Link, msg: StateMessage, now: float) -> None:
        origin = msg.state.origin
        if origin in self._blocked:
            return
        if link.member == origin and msg.state.key != link.hello_key:
            self._close(link, CloseReason.IMPERSONATION, "its state is signed by another key")
            return
        verdict = self._store.offer_state(msg, lambda m: self._budgets.take(m, now))
        if link.member == origin and (
            verdict.accepted
            or (verdict is Verdict.DUPLICATE and msg.body == self._store.states[origin].body)
        ):
            self._confirm(link, now)
        if verdict.is_violation or (verdict is Verdict.THROTTLED and link.member == origin):
            self._violation(link, f"state of {origin[:8]}: {verdict.value}", now)
        elif verdict is Verdict.OWN and msg.state.seq > self._seq:
            self._seq = msg.state.seq
            self._publish(now)
        elif verdict.accepted:
            # Neighbours with their own live link to the origin got it from the origin.
            skip = self._routes.adjacent(origin, now, self.config.alive_timeout)
            self._relay(self._store.texts[origin], link, origin, skip)
            self._watch.seen(origin, now)
            change = MemberChange.JOINED if verdict is Verdict.NEW else MemberChange.UPDATED
            self._events.append(MemberChanged(change, self._view(origin, now)))

    def _on_leave(self, link: Link, msg: Leave, now: float) -> None:
        last = self._store.states.get(msg.origin)
        verdict = self._store.offer_leave(msg)
        if verdict.is_violation:
            self._violation(link, f"goodbye of {msg.origin[:8]}: {verdict.value}", now)
        if not verdict.accepted:
            return
        self._relay(encode_message(msg), link, msg.origin)
        self._forget(msg.origin, now, last)
        for other in self._links.values():
            if other.member == msg.origin:
                self._close(other, CloseReason.PEER_LEFT, "the member left the party")

    def _forget(self, member: MemberId, now: float, last: StateMessage | None = None) -> None:
        """``member`` is gone (left or removed): report it once and drop what we knew."""
        last = self._store.forget(member) or last
        if last is not None:
            seen = self._watch.last_seen.get(member)
            vouched = member in self._store.vouched
            view = make_view(last, Status(MemberStatus.LOST), seen, False, vouched)
            self._events.append(MemberChanged(MemberChange.LEFT, view))
        self._events.extend(self._intros.forget(member))
        self._routes.forget(member)
        self._watch.forget(member)
        self._budgets.forget(member)

    def _relay(
        self, text: str, source: Link | None, origin: MemberId, skip: set[MemberId] | None = None
    ) -> None:
        for link in self._links.values():
            if link is source or link.closing or link.member == origin:
                continue
            if skip and link.member in skip:
                continue
            self._out.append((link.link_id, text))

    def _tick_link(self, link: Link, now: float) -> None:
        cfg = self.config
        refusal = timeout_refusal(link, now, cfg)
        if refusal is not None:
            self._close(link, *refusal)
            return
        if not link.got_ping and now - link.hello_sent_at >= cfg.hello_retry:
            link.hello_sent_at = now
            self._out.append((link.link_id, self._hello_text))
        if link.member is None:
            return
        if link.alive(now, cfg.alive_timeout) and self.me < link.member:
            older = [
                lk
                for lk in self._links.values()
                if lk.member == link.member and lk.alive(now, cfg.alive_timeout)
                and lk.rank < link.rank
            ]
            if older:
                self._close(link, CloseReason.DUPLICATE, "another link to this member works")
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
        beats += [
            b
            for b in self._routes.advertise(now, self.config.alive_timeout, alive)
            if b.member != link.member
        ][:31]
        self._send(link, Ping(link.new_ping(now), tuple(beats), self._store.digest()))

    def _compare_digest(self, link: Link, digest: str, now: float) -> None:
        """The peer's records differ from ours: sync now, backing off while they still differ."""
        interval = self.config.ping_interval
        if not digest or digest == self._store.digest():
            link.pull_wait = 0.0
        elif now >= link.next_pull_at:
            link.pull_wait = min(max(interval, 2 * link.pull_wait), self.config.sync_interval)
            link.next_pull_at = now + link.pull_wait
            self._send_sync(link)

    def _send_sync(self, link: Link) -> None:
        for text in self._store.sync_texts(self.config.max_message_size):
            self._out.append((link.link_id, text))

    def _alive_members(self, now: float) -> set[MemberId]:
        timeout = self.config.alive_timeout
        return {
            lk.member
            for lk in self._links.values()
            if lk.member is not None and lk.alive(now, timeout)
        }

    def _direct(self, member: MemberId, now: float) -> bool:
        return member in self._alive_members(now)

    def _status(self, member: MemberId, now: float, alive: set[MemberId] | None = None) -> Status:
        if member == self.me:
            return Status(MemberStatus.SELF, heard_at=now)
        return self._watch.status(
            member,
            now,
            links=self._links.values(),
            alive=self._alive_members(now) if alive is None else alive,
            routes=self._routes,
            intro_pending=self._intros.pending(member),
        )

    def _view(self, member: MemberId, now: float, status: Status | None = None) -> MemberView:
        status = self._status(member, now) if status is None else status
        msg = self._store.states[member]
        local = member == self.me
        vouched = local or member in self._store.vouched
        return make_view(msg, status, self._watch.last_seen.get(member), local, vouched)

    def _refresh(self, now: float) -> None:
        """Emit a STATUS event for every member whose status or path changed."""
        alive = self._alive_members(now)
        for member in self._store.states:
            if member != self.me:
                status = self._status(member, now, alive)
                if self._watch.changed(member, status):
                    view = self._view(member, now, status)
                    self._events.append(MemberChanged(MemberChange.STATUS, view))
