"""A simulated party: N pure cores, links that lose, duplicate and reorder.

The network plays the shell: it runs every core's timers, carries texts with a
latency, turns introduction events into links (unless a pair is marked
unlinkable, like two members behind symmetric NATs) and closes links the cores
ask to close. Everything is driven by a seeded ``random.Random``.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import (
    CloseLink,
    CloseReason,
    GamePhase,
    IntroAnswerReceived,
    IntroNeeded,
    IntroOfferReceived,
    MemberIdentity,
    PartyConfig,
    PartyCore,
    PartyEvent,
    Reachability,
    Selection,
)

__all__ = ["Network", "P", "Tap", "closes", "forge", "make_identity", "violations"]


def make_identity(index: int) -> MemberIdentity:
    return MemberIdentity(f"puuid-{index:02d}", 1000 + index, f"Player {index}", "EUW")


Tap = Callable[[str, str, str], bool]
"""``tap(src, link_id, text)`` sees a text a core puts on the wire; False drops it."""


@dataclass(order=True)
class _Packet:
    at: float
    order: int
    dst: str = field(compare=False)
    link_id: str = field(compare=False)
    text: str = field(compare=False)


class Network:
    def __init__(
        self,
        n: int,
        *,
        seed: int = 0,
        loss: float = 0.0,
        dup: float = 0.0,
        jitter: float = 0.0,
        latency: float = 0.01,
        config: PartyConfig | None = None,
        auto_intro: bool = True,
    ) -> None:
        self.rng = random.Random(seed)
        self.now = 0.0
        self.loss, self.dup, self.jitter, self.latency = loss, dup, jitter, latency
        self.config = config or PartyConfig()
        self.auto_intro = auto_intro
        self.keys: dict[str, Ed25519PrivateKey] = {}
        self.cores: dict[str, PartyCore] = {}
        self.events: dict[str, list[PartyEvent]] = {}
        self.links: dict[str, tuple[str, str]] = {}
        """link id -> (a, b): the same id names the link on both sides."""
        self.blocked: set[str] = set()
        self.unlinkable: set[frozenset[str]] = set()
        self.manual_links = 0
        self.sent_states = 0
        """State messages put on the wire (full syncs not counted)."""
        self.taps: list[Tap] = []
        """Called in order for every text a core sends, before loss and latency: a tap
        records what it likes and returns False to swallow the text (a hostile relay)."""
        self._queue: list[_Packet] = []
        self._order = 0
        self._link_seq = 0
        for i in range(n):
            self.add(make_identity(i).puuid, index=i)

    # -------------------------------------------------------------- topology

    def add(self, name: str, *, index: int, incarnation: int = 0) -> PartyCore:
        key = self.keys.setdefault(name, Ed25519PrivateKey.generate())
        ident = make_identity(index)
        core = PartyCore(ident, key, now=self.now, incarnation=incarnation, config=self.config)
        self.cores[name] = core
        self.events[name] = []
        return core

    @property
    def names(self) -> list[str]:
        return list(self.cores)

    def connect(self, a: str, b: str, *, manual: bool = True) -> str:
        self._link_seq += 1
        link_id = f"L{self._link_seq}"
        self.links[link_id] = (a, b)
        self.manual_links += manual
        for side, other in ((a, b), (b, a)):
            # an introduced link knows whom it is for; a pasted token does not
            self.cores[side].link_up(link_id, self.now, expect=None if manual else other)
            self.flush(side)
        return link_id

    def disconnect(self, link_id: str) -> None:
        ends = self.links.pop(link_id, None)
        if ends is None:
            return
        for side in ends:
            if side in self.cores:
                self.cores[side].link_down(link_id, self.now)
                self.flush(side)

    def links_between(self, a: str, b: str) -> list[str]:
        return [lid for lid, ends in self.links.items() if set(ends) == {a, b}]

    def chain(self) -> None:
        for a, b in zip(self.names, self.names[1:], strict=False):
            self.connect(a, b)

    def star(self, hub: str) -> None:
        for name in self.names:
            if name != hub:
                self.connect(hub, name)

    def remove(self, name: str) -> None:
        """The member's process is gone: its links die silently (no link_down)."""
        for lid, ends in list(self.links.items()):
            if name in ends:
                self.blocked.add(lid)
        del self.cores[name]

    # -------------------------------------------------------------- time

    def run(self, seconds: float, dt: float = 0.05) -> None:
        end = self.now + seconds
        while self.now < end - 1e-9:
            self.step(dt)

    def step(self, dt: float) -> None:
        self.now += dt
        while self._queue and self._queue[0].at <= self.now:
            pkt = heapq.heappop(self._queue)
            core = self.cores.get(pkt.dst)
            if core is not None and pkt.link_id in self.links:
                core.receive(pkt.link_id, pkt.text, self.now)
                self.flush(pkt.dst)
        for name in list(self.cores):
            if name in self.cores:
                self.cores[name].tick(self.now)
                self.flush(name)

    def settle(self, seconds: float = 0.5) -> None:
        """Deliver what is in flight without advancing past ``seconds``."""
        self.run(seconds)

    # -------------------------------------------------------------- shell

    def flush(self, name: str) -> None:
        """Put on the wire what ``name``'s core has to send, and act on its events (the
        shell's turn after a test called the core directly)."""
        core = self.cores.get(name)
        if core is None:
            return
        for link_id, text in core.data_to_send():
            self._transmit(name, link_id, text)
        for event in core.events_received():
            self.events[name].append(event)
            self._handle(name, core, event)

    def _transmit(self, src: str, link_id: str, text: str) -> None:
        if not all(tap(src, link_id, text) for tap in self.taps):
            return
        ends = self.links.get(link_id)
        if ends is None or link_id in self.blocked:
            return
        dst = ends[1] if ends[0] == src else ends[0]
        self.sent_states += text.startswith('{"type":"state"')
        copies = 0 if self.rng.random() < self.loss else 1
        if copies and self.rng.random() < self.dup:
            copies = 2
        for _ in range(copies):
            self._order += 1
            at = self.now + self.latency + self.rng.random() * self.jitter
            heapq.heappush(self._queue, _Packet(at, self._order, dst, link_id, text))

    def _handle(self, name: str, core: PartyCore, event: PartyEvent) -> None:
        if isinstance(event, CloseLink):
            self.disconnect(event.link_id)
        elif not self.auto_intro:
            return
        elif isinstance(event, IntroNeeded):
            core.send_intro_offer(event.intro_id, f"offer-{name}-{event.intro_id}", self.now)
            self.flush(name)
        elif isinstance(event, IntroOfferReceived):
            answer = f"answer-{name}-{event.intro_id}"
            core.send_intro_answer(event.origin, event.intro_id, answer, self.now)
            self.flush(name)
        elif isinstance(event, IntroAnswerReceived):
            if frozenset((name, event.target)) not in self.unlinkable:
                if event.target in self.cores:
                    self.connect(name, event.target, manual=False)

    # -------------------------------------------------------------- checks

    def views(self, name: str) -> dict[str, tuple[int, Selection | None, GamePhase]]:
        return {
            v.member_id: (v.seq, v.selection, v.phase)
            for v in self.cores[name].members(self.now)
        }

    def converged(self) -> bool:
        first = None
        for name in self.cores:
            view = self.views(name)
            if first is None:
                first = view
            elif view != first:
                return False
        return True

    def status(self, name: str, of: str) -> tuple[Reachability, str | None]:
        for view in self.cores[name].members(self.now):
            if view.member_id == of:
                return view.status, view.via
        raise KeyError(of)

    def direct_pairs(self) -> set[frozenset[str]]:
        return {frozenset(ends) for lid, ends in self.links.items() if lid not in self.blocked}


# ------------------------------------------------------------------ test helpers

P = [make_identity(i).puuid for i in range(10)]


def closes(net: Network, name: str, reason: CloseReason) -> list[CloseLink]:
    """The ``CloseLink`` events with ``reason`` that ``name``'s core emitted so far."""
    return [e for e in net.events[name] if isinstance(e, CloseLink) and e.reason is reason]


def forge(net: Network, relay: str, to: str, text: str) -> None:
    """Deliver ``text`` to ``to`` as if ``relay`` had sent it; drop what ``to`` answers."""
    link = net.links_between(relay, to)[0]
    net.cores[to].receive(link, text, net.now)
    net.cores[to].data_to_send()


def violations(net: Network, name: str, peer: str) -> int:
    """How many bad messages ``name`` counted against its link to ``peer``."""
    link = net.links_between(name, peer)[0]
    return next(lv.violations for lv in net.cores[name].links(net.now) if lv.link_id == link)
