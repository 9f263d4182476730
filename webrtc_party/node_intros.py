"""The party node's side of introductions: the links they make, answer and complete.

The party core decides who is introduced to whom and carries the tokens over party links
(party/introductions.py); ``IntroLinks`` does the I/O part for ``PartyNode``: it makes
the invite for an ``IntroNeeded``, answers an ``IntroOfferReceived`` with a link of its own,
applies an ``IntroAnswerReceived``, screens every introduced token first (only candidates
we may contact) and caps the introduced links in flight.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from signaling.token import TokenKind
from webrtc_party.errors import PartyError
from webrtc_party.interfaces import InterfacePolicy, host_addresses
from webrtc_party.intro_tokens import screen_intro_token
from webrtc_party.linknode import LinkNode
from webrtc_party.party import (
    IntroAnswerReceived,
    IntroNeeded,
    IntroOfferReceived,
    MemberId,
    PartyCore,
)

__all__ = ["IntroLinks", "own_addresses"]

logger = logging.getLogger(__name__)


class IntroLinks:
    """``expect`` is the node's map of link name -> the member that link must reach (shared:
    the node fills it for links bound by League chat too); ``flush`` sends what the core
    queued."""

    def __init__(
        self,
        links: LinkNode,
        core: PartyCore,
        expect: dict[str, MemberId],
        now: Callable[[], float],
        flush: Callable[[], None],
    ) -> None:
        self._links = links
        self._core = core
        self._expect = expect
        self._now = now
        self._flush = flush
        self._offered: dict[int, str] = {}  # our intro id -> link name
        self._answered: dict[tuple[MemberId, int], str] = {}  # their intro -> link name
        self._own_addresses = own_addresses()
        self._ttl = max(30, math.ceil(core.config.intro_timeout))
        self._accepting = 0  # introduction answers being made right now

    @property
    def max_links(self) -> int:
        """At most this many introduced links in flight (ours plus theirs)."""
        return 2 * self._core.config.max_pending_intros

    def in_flight(self) -> int:
        """Links made by introductions (either way) that did not open yet."""
        names = {*self._offered.values(), *self._answered.values()}
        return sum(1 for name in names if not self._links.is_open(name))

    def forget_link(self, name: str) -> None:
        """The link ``name`` closed: no introduction uses it any more."""
        for intro_id, linked in list(self._offered.items()):
            if linked == name:
                del self._offered[intro_id]
        for key, linked in list(self._answered.items()):
            if linked == name:
                del self._answered[key]

    def drop_offer(self, intro_id: int) -> str | None:
        """Our introduction ``intro_id`` is over; the link to close if it never opened."""
        name = self._offered.pop(intro_id, None)
        return name if name is not None and not self._links.is_open(name) else None

    def drop_answer(self, origin: MemberId, intro_id: int) -> str | None:
        """``origin``'s introduction ``intro_id`` is over; the link to close if not open."""
        name = self._answered.pop((origin, intro_id), None)
        return name if name is not None and not self._links.is_open(name) else None

    def _screen(self, token: str, kind: TokenKind) -> str:
        """The introduction token with only candidates we may contact (``TokenError``)."""
        return screen_intro_token(
            token,
            now=time.time(),
            expect=kind,
            own=self._own_addresses,
            allow_loopback=self._links.config.interfaces.allow_loopback,
        )

    async def offer(self, event: IntroNeeded) -> None:
        if self.in_flight() >= self.max_links:
            logger.warning("introduction to %s skipped: too many in flight", event.target)
            return
        try:
            made = await self._links.invite(ttl=self._ttl)
        except PartyError as exc:
            logger.warning("could not make an introduction to %s: %s", event.target, exc)
            return
        self._offered[event.intro_id] = made.peer
        self._expect[made.peer] = event.target
        if not self._core.send_intro_offer(event.intro_id, made.text, self._now()):
            await self._links.close_peer(made.peer, "introduction no longer wanted")
        self._flush()

    async def answer(self, event: IntroOfferReceived) -> None:
        # One introduced link in flight per origin: a newer offer supersedes the older.
        for (origin, intro_id), name in list(self._answered.items()):
            if origin == event.origin and not self._links.is_open(name):
                del self._answered[(origin, intro_id)]
                await self._links.close_peer(name, "introduction superseded")
        if not self._core.intro_open(event.origin, event.intro_id):
            return  # superseded or expired while waiting
        if self.in_flight() + self._accepting >= self.max_links:
            logger.warning("introduction from %s refused: too many in flight", event.origin)
            return
        self._accepting += 1
        try:
            token = self._screen(event.token, TokenKind.INVITE)
            made = await self._links.accept(token, expect=TokenKind.INVITE)
        except PartyError as exc:
            logger.warning("introduction from %s refused: %s", event.origin, exc)
            return
        finally:
            self._accepting -= 1
        if made is not None:
            self._expect[made.peer] = event.origin
            self._answered[(event.origin, event.intro_id)] = made.peer
            if not self._core.send_intro_answer(
                event.origin, event.intro_id, made.text, self._now()
            ):
                # superseded or expired while the answer was made
                self._answered.pop((event.origin, event.intro_id), None)
                await self._links.close_peer(made.peer, "introduction over")
            self._flush()

    async def complete(self, event: IntroAnswerReceived) -> None:
        name = self._offered.get(event.intro_id)
        if name is None:
            return  # that introduction is over
        try:
            token = self._screen(event.token, TokenKind.ANSWER)
            await self._links.accept(token, expect=TokenKind.ANSWER, for_link=name)
        except PartyError as exc:
            logger.warning("introduction answer from %s refused: %s", event.target, exc)


def own_addresses() -> frozenset[str]:
    """Every address of this machine (an introduction must not aim checks at them)."""
    everything = InterfacePolicy(allow_loopback=True, allow_link_local=True, skip_virtual=False)
    try:
        return frozenset(host_addresses(everything, use_ipv4=True, use_ipv6=True))
    except (OSError, ValueError) as exc:  # an odd adapter: fall back to the other checks
        logger.warning("could not list this machine's addresses: %s", exc)
        return frozenset()
