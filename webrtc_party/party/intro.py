"""Introductions: which member invites which, retries with backoff, caps.

Of two members that know each other only through the party, the one with the
smaller member id invites. An invitation lives ``intro_timeout`` seconds; if no
link came of it, the next try waits ``intro_backoff * 2**(attempt-1)`` seconds
(capped). At most ``max_pending_intros`` invitations are open each way, and
at most one per origin member: a newer one from the same origin supersedes (and
cancels) the older at once, so a member cannot make this one open more links
than that by introductions, whatever ids or sybil origins it uses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import IntroCancelled, IntroExpired, IntroNeeded
from webrtc_party.party.model import MemberId

__all__ = ["IntroScheduler", "Outgoing", "initiates"]

SEEN_LIMIT = 256


def initiates(me: MemberId, other: MemberId) -> bool:
    """True if ``me`` is the one who invites ``other`` (the smaller id invites)."""
    return me < other


@dataclass
class Outgoing:
    target: MemberId
    intro_id: int
    started: float
    offered: bool = False
    answered: bool = False


class IntroScheduler:
    def __init__(self, config: PartyConfig) -> None:
        self._config = config
        self._out: dict[MemberId, Outgoing] = {}
        self._attempts: dict[MemberId, int] = {}
        self._next_try: dict[MemberId, float] = {}
        self._in: dict[tuple[MemberId, int], float] = {}
        """Incoming invitations (origin, id) -> when received, answered or not: an answered
        one still has a link in flight until it opens, expires or is superseded."""
        self._answered: set[tuple[MemberId, int]] = set()
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
            intro = Outgoing(target, self._next_id, now)
            self._next_id += 1
            self._out[target] = intro
            events.append(IntroNeeded(target, intro.intro_id))
        return events

    def expire(self, now: float) -> list[IntroExpired | IntroCancelled]:
        timeout = self._config.intro_timeout
        events: list[IntroExpired | IntroCancelled] = []
        for target, intro in list(self._out.items()):
            if now - intro.started >= timeout:
                del self._out[target]
                attempt = self._attempts[target] = self._attempts.get(target, 0) + 1
                delay = self._config.intro_backoff * 2 ** (attempt - 1)
                self._next_try[target] = now + min(delay, self._config.intro_backoff_max)
                events.append(IntroExpired(target, intro.intro_id))
        for key, started in list(self._in.items()):
            if now - started >= timeout:
                del self._in[key]
                self._answered.discard(key)
                events.append(IntroCancelled(*key))
        return events

    def linked(self, member: MemberId) -> list[IntroCancelled]:
        """A link to ``member`` works: forget its invitations and backoff."""
        self._out.pop(member, None)
        self._attempts.pop(member, None)
        self._next_try.pop(member, None)
        cancelled = [IntroCancelled(*k) for k in self._in if k[0] == member]
        for event in cancelled:
            del self._in[(event.origin, event.intro_id)]
            self._answered.discard((event.origin, event.intro_id))
        return cancelled

    def forget(self, member: MemberId) -> list[IntroExpired | IntroCancelled]:
        """``member`` left: drop everything about it."""
        intro = self._out.get(member)
        events: list[IntroExpired | IntroCancelled] = list(self.linked(member))
        if intro is not None:
            events.append(IntroExpired(member, intro.intro_id))
        return events

    def outgoing(self, intro_id: int) -> Outgoing | None:
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
            del self._in[old]
            self._answered.discard(old)
        self._in[key] = now
        return True, [IntroCancelled(*k) for k in older]

    def answer_allowed(self, origin: MemberId, intro_id: int) -> bool:
        """True once per open invitation: it may be answered now."""
        key = (origin, intro_id)
        if key not in self._in or key in self._answered:
            return False
        self._answered.add(key)
        return True

    def answerable(self, origin: MemberId, intro_id: int) -> bool:
        key = (origin, intro_id)
        return key in self._in and key not in self._answered
