"""Who reaches whom, judged by heartbeats that only the origin can advance.

Every member counts heartbeats ``(incarnation, beat)`` and every ping carries
the newest heartbeat known for each member with its hop count. A member is
reachable through neighbour X while X's reports of it keep ADVANCING: a dead
member's counter stops, so stale reports circulating in a loop never look
fresh (no count-to-infinity).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from webrtc_party.party.messages import MAX_HOPS, Beat
from webrtc_party.party.model import MemberId

__all__ = ["Route", "Routes"]


@dataclass
class Route:
    incarnation: int
    beat: int
    hops: int
    at: float
    """When this neighbour's report for the member last advanced."""


class Routes:
    def __init__(self, me: MemberId) -> None:
        self._me = me
        self._table: dict[MemberId, dict[MemberId, Route]] = {}

    def heard(
        self, neighbour: MemberId, beats: Iterable[Beat], now: float, timeout: float
    ) -> bool:
        """Record the beats ``neighbour`` advertised; True if a member became reachable."""
        learned = False
        for b in beats:
            if b.member == self._me:
                continue
            per = self._table.setdefault(b.member, {})
            old = per.get(neighbour)
            hops = b.hops + 1
            if old is None or (b.incarnation, b.beat) > (old.incarnation, old.beat):
                if not learned and all(now - r.at > timeout for r in per.values()):
                    learned = True
                per[neighbour] = Route(b.incarnation, b.beat, hops, now)
            elif (b.incarnation, b.beat) == (old.incarnation, old.beat):
                old.hops = min(old.hops, hops)
        return learned

    def best(
        self, member: MemberId, now: float, timeout: float, alive: Collection[MemberId]
    ) -> tuple[MemberId, Route] | None:
        """The freshest route to ``member`` through an alive neighbour, if any."""
        choice: tuple[MemberId, Route] | None = None
        for neighbour, route in self._table.get(member, {}).items():
            if neighbour not in alive or now - route.at > timeout or neighbour == member:
                continue
            if choice is None or _better(route, choice[1]):
                choice = (neighbour, route)
        return choice

    def advertise(self, now: float, timeout: float, alive: Collection[MemberId]) -> list[Beat]:
        """Per member reached through ``alive`` neighbours: newest heartbeat, fewest hops."""
        out = []
        for member, per in self._table.items():
            fresh = [r for n, r in per.items() if n in alive and now - r.at <= timeout]
            if fresh:
                newest = max(fresh, key=lambda r: (r.incarnation, r.beat))
                hops = min(r.hops for r in fresh)
                if hops < MAX_HOPS:
                    out.append(Beat(member, newest.incarnation, newest.beat, hops))
        return out

    def adjacent(self, member: MemberId, now: float, timeout: float) -> set[MemberId]:
        """Neighbours that recently reported a direct link (one hop) to ``member``."""
        return {
            neighbour
            for neighbour, route in self._table.get(member, {}).items()
            if route.hops == 2 and now - route.at <= timeout
        }

    def forget(self, member: MemberId) -> None:
        self._table.pop(member, None)
        for per in self._table.values():
            per.pop(member, None)

    def size(self) -> tuple[int, int]:
        """(members with a route, the most neighbours any one of them is heard through)."""
        return len(self._table), max((len(per) for per in self._table.values()), default=0)


def _better(a: Route, b: Route) -> bool:
    return ((a.incarnation, a.beat), -a.hops) > ((b.incarnation, b.beat), -b.hops)
