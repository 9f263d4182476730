"""The gossip part as the introductions part sees it: ``IntroHost`` over a ``Gossip``.

The introductions part (introductions.py) asks only what ``IntroHost`` lists; this adapter
answers from the gossip part's records, links and status board, and changes nothing itself
(a charge against an origin's budget and a violation are the gossip part's own calls).
"""

from __future__ import annotations

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import Reachability
from webrtc_party.party.gossip import Gossip
from webrtc_party.party.links import LinkRecord, intro_next_hops
from webrtc_party.party.model import MemberId

__all__ = ["GossipHost"]


class GossipHost:
    """``introductions.IntroHost`` answered by one ``Gossip``."""

    def __init__(self, gossip: Gossip) -> None:
        self._gossip = gossip

    @property
    def me(self) -> MemberId:
        return self._gossip.me

    @property
    def config(self) -> PartyConfig:
        return self._gossip.config

    @property
    def closed(self) -> bool:
        return self._gossip.closed

    def member_key(self, member: MemberId) -> bytes | None:
        return self._gossip.store.keys.get(member)

    def is_member(self, member: MemberId) -> bool:
        return member in self._gossip.store.states

    def direct(self, member: MemberId, now: float) -> bool:
        return self._gossip.direct(member, now)

    def charge(self, origin: MemberId, now: float) -> bool:
        return self._gossip.charge(origin, now)

    def violation(self, link: LinkRecord, detail: str, now: float) -> None:
        self._gossip.violation(link, detail, now)

    def next_hops(
        self, target: MemberId, source: LinkRecord | None, now: float
    ) -> list[LinkRecord]:
        links, timeout = self._gossip.links.values(), self._gossip.config.alive_timeout
        return intro_next_hops(links, target, source, now, timeout)

    def unlinked(self) -> list[MemberId]:
        """Members (not this one) with no link here that is not closing."""
        gossip = self._gossip
        linked = {lk.member for lk in gossip.links.values() if not lk.closing}
        return [m for m in gossip.store.states if m != gossip.me and m not in linked]

    def status(self, member: MemberId, now: float) -> Reachability:
        return self._gossip.board.status(member, now).status
