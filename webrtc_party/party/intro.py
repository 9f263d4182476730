"""Introductions: which member invites which, retries with backoff, caps.

Of two members that know each other only through the party, the one with the
smaller member id invites. An invitation lives ``intro_timeout`` seconds; if no
link came of it, the next try waits ``intro_backoff * 2**(attempt-1)`` seconds
(capped). At most ``max_pending_intros`` invitations are open each way, and
at most one per origin member: a newer one from the same origin supersedes (and
cancels) the older at once, so a member cannot make this one open more links
than that by introductions, whatever ids or sybil origins it uses.

Each introduction moves through ``intro_states`` (outgoing: needed -> offered ->
answered; incoming: received -> answered; both -> over when they end).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import IntroCancelled, IntroExpired, IntroNeeded
from webrtc_party.party.intro_states import INCOMING_TABLE, OUTGOING_TABLE, IntroState
from webrtc_party.party.model import MemberId

__all__ = ["IncomingIntro", "IntroScheduler", "OutgoingIntro", "initiates"]

SEEN_LIMIT = 256


def initiates(me: MemberId, other: MemberId) -> bool:
    """True if ``me`` is the one who invites ``other`` (the smaller id invites)."""
    return me < other


@dataclass
class OutgoingIntro:
    """An invitation this member makes; its ``state`` moves as ``OUTGOING_TABLE`` allows."""

    target: MemberId
    intro_id: int
    started: float
    state: IntroState = IntroState.NEEDED

    def move(self, state: IntroState) -> None:
        self.state = OUTGOING_TABLE.check(self.state, state)


@dataclass
class IncomingIntro:
    """An invitation this member got; an answered one still has a link in flight until it
    opens, expires or is superseded. ``state`` moves as ``INCOMING_TABLE`` allows."""

    started: float
    state: IntroState = IntroState.RECEIVED

    def move(self, state: IntroState) -> None:
        self.state = INCOMING_TABLE.check(self.state, state)


class IntroScheduler:
    def __init__(self, config: PartyConfig) -> None:
        self._config = config
        self._out: dict[MemberId, OutgoingIntro] = {}
        self._attempts: dict[MemberId, int] = {}
        self._next_try: dict[MemberId, float] = {}
        self._in: dict[tuple[MemberId, int], IncomingIntro] = {}  # (origin, id) -> invitation
        self._next_id = 1
        self._seen: OrderedDict[tuple[str, MemberId, MemberId, int], None] = OrderedDict()

    def first_sight(self, kind: str, origin: MemberId, target: MemberId, intro_id: int) -> bool:
        """True the first time an introduction message passes through this member.

        An answer reuses the offer's id, chosen by the inviter: only the full
        (kind, origin, target, id) names one message.
        """
        key = (kind, origin, target, intro_id)
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    def pending(self, member: MemberId) -> bool:
        return member in self._out or any(origin == member for origin, _ in self._in)

    def due(self, candidates: Iterable[MemberId], now: float) -> list[IntroNeeded]:
        """Start invitations for ``candidates`` (members that need a direct link)."""
        events = []
        for target in candidates:
            if len(self._out) >= self._config.max_pending_intros:
                break
            if target in self._out or now < self._next_try.get(target, now):
                continue
            intro = OutgoingIntro(target, self._next_id, now)
            self._next_id += 1
            self._out[target] = intro
            events.append(IntroNeeded(target, intro.intro_id))
        return events

    def expire(self, now: float) -> list[IntroExpired | IntroCancelled]:
        timeout = self._config.intro_timeout
        events: list[IntroExpired | IntroCancelled] = []
        for target, intro in list(self._out.items()):
            if now - intro.started >= timeout:
                self._end_out(target)
                attempt = self._attempts[target] = self._attempts.get(target, 0) + 1
                delay = self._config.intro_backoff * 2 ** (attempt - 1)
                self._next_try[target] = now + min(delay, self._config.intro_backoff_max)
                events.append(IntroExpired(target, intro.intro_id))
        for key, incoming in list(self._in.items()):
            if now - incoming.started >= timeout:
                self._end_in(key)
                events.append(IntroCancelled(*key))
        return events

    def _end_out(self, target: MemberId) -> OutgoingIntro | None:
        intro = self._out.pop(target, None)
        if intro is not None:
            intro.move(IntroState.OVER)
        return intro

    def _end_in(self, key: tuple[MemberId, int]) -> None:
        self._in.pop(key).move(IntroState.OVER)

    def linked(self, member: MemberId) -> list[IntroCancelled]:
        """A link to ``member`` works: forget its invitations and backoff."""
        self._end_out(member)
        self._attempts.pop(member, None)
        self._next_try.pop(member, None)
        cancelled = [IntroCancelled(*k) for k in self._in if k[0] == member]
        for event in cancelled:
            self._end_in((event.origin, event.intro_id))
        return cancelled

    def forget(self, member: MemberId) -> list[IntroExpired | IntroCancelled]:
        """``member`` left: drop everything about it."""
        intro = self._out.get(member)
        events: list[IntroExpired | IntroCancelled] = list(self.linked(member))
        if intro is not None:
            events.append(IntroExpired(member, intro.intro_id))
        return events

    def offer_sent(self, intro_id: int) -> OutgoingIntro | None:
        """The shell's invite for ``intro_id`` goes out now; None if that invitation is over
        or its invite went out already."""
        intro = self.outgoing(intro_id)
        if intro is None or not OUTGOING_TABLE.allows(intro.state, IntroState.OFFERED):
            return None
        intro.move(IntroState.OFFERED)
        return intro

    def answer_arrived(self, target: MemberId, intro_id: int) -> bool:
        """``target`` answered our invitation ``intro_id``: True once, only after the offer."""
        intro = self.outgoing(intro_id)
        if intro is None or intro.target != target:
            return False
        if not OUTGOING_TABLE.allows(intro.state, IntroState.ANSWERED):
            return False  # answered already, or an answer before our offer: dropped
        intro.move(IntroState.ANSWERED)
        return True

    def outgoing(self, intro_id: int) -> OutgoingIntro | None:
        for intro in self._out.values():
            if intro.intro_id == intro_id:
                return intro
        return None

    def offer_received(
        self, origin: MemberId, intro_id: int, now: float
    ) -> tuple[bool, list[IntroCancelled]]:
        """Admit an incoming invitation; False if a duplicate or over the cap.

        Also returns the older invitations of ``origin`` it supersedes (cancelled now).
        """
        key = (origin, intro_id)
        if key in self._in:
            return False, []
        older = [k for k in self._in if k[0] == origin]
        if len(self._in) - len(older) >= self._config.max_pending_intros:
            return False, []
        for old in older:
            self._end_in(old)
        self._in[key] = IncomingIntro(now)
        return True, [IntroCancelled(*k) for k in older]

    def answer_allowed(self, origin: MemberId, intro_id: int) -> bool:
        """True once per open invitation: it may be answered now."""
        incoming = self._in.get((origin, intro_id))
        if incoming is None or not INCOMING_TABLE.allows(incoming.state, IntroState.ANSWERED):
            return False
        incoming.move(IntroState.ANSWERED)
        return True

    def answerable(self, origin: MemberId, intro_id: int) -> bool:
        incoming = self._in.get((origin, intro_id))
        return incoming is not None and incoming.state is IntroState.RECEIVED
