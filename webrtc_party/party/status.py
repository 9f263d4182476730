"""Honest member status, as a pure function of what the core has observed.

| status     | condition (checked in this order)                                        |
|------------|--------------------------------------------------------------------------|
| direct     | a link to the member answered a heartbeat within ``alive_timeout``        |
| relayed    | an alive neighbour's reports of the member's heartbeat kept advancing    |
|            | within ``alive_timeout`` (``via`` = that neighbour)                      |
| connecting | never reached yet, and first seen < ``connect_grace`` ago, or a link to  |
|            | it is open, or an introduction is pending                                |
| lost       | otherwise; its state is stale and must not be injected                   |
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import MemberView, Reachability
from webrtc_party.party.links import LinkRecord
from webrtc_party.party.messages import StateMessage
from webrtc_party.party.model import MemberId
from webrtc_party.party.routes import Routes

__all__ = ["Status", "Watcher", "compute_status", "make_view"]

logger = logging.getLogger(__name__)


def _label(shown: tuple[Reachability, MemberId | None] | None) -> str:
    if shown is None:
        return "unknown"
    status, via = shown
    return status.value if via is None else f"{status.value} via {via[:8]}"


@dataclass(frozen=True, slots=True)
class Status:
    status: Reachability
    via: MemberId | None = None
    rtt: float | None = None
    heard_at: float | None = None
    """When the member was last heard fresh (None unless direct or relayed)."""


def compute_status(
    member: MemberId,
    now: float,
    *,
    config: PartyConfig,
    links: Iterable[LinkRecord],
    alive: Collection[MemberId],
    routes: Routes,
    reached: bool,
    first_seen: float,
    intro_pending: bool,
) -> Status:
    timeout = config.alive_timeout
    open_links = [lk for lk in links if lk.member == member and not lk.closing]
    direct = [lk for lk in open_links if lk.alive(now, timeout)]
    if direct:
        rtts = [lk.rtt for lk in direct if lk.rtt is not None]
        heard = max(lk.heard_at for lk in direct if lk.heard_at is not None)
        return Status(Reachability.DIRECT, None, min(rtts) if rtts else None, heard)
    route = routes.best(member, now, timeout, alive)
    if route is not None:
        return Status(Reachability.RELAYED, route[0], None, route[1].at)
    if not reached and (now - first_seen < config.connect_grace or open_links or intro_pending):
        return Status(Reachability.CONNECTING)
    return Status(Reachability.LOST)


def make_view(
    msg: StateMessage, status: Status, last_seen: float | None, is_local: bool, vouched: bool
) -> MemberView:
    st = msg.state
    return MemberView(
        member_id=st.origin,
        identity=st.identity,
        selection=st.selection,
        phase=st.phase,
        seq=st.seq,
        status=status.status,
        via=status.via,
        rtt=status.rtt,
        last_seen=last_seen,
        is_local=is_local,
        vouched=vouched,
        extra=st.extra,
    )


class Watcher:
    """What the core remembers per member to judge and report its status."""

    def __init__(self, me: MemberId, config: PartyConfig) -> None:
        self._me = me
        self._config = config
        self.first_seen: dict[MemberId, float] = {}
        self.last_seen: dict[MemberId, float] = {}
        self._reached: set[MemberId] = set()
        self._shown: dict[MemberId, tuple[Reachability, MemberId | None]] = {}

    def seen(self, member: MemberId, now: float) -> None:
        self.first_seen.setdefault(member, now)

    def status(
        self,
        member: MemberId,
        now: float,
        *,
        links: Iterable[LinkRecord],
        alive: Collection[MemberId],
        routes: Routes,
        intro_pending: bool,
    ) -> Status:
        status = compute_status(
            member,
            now,
            config=self._config,
            links=links,
            alive=alive,
            routes=routes,
            reached=member in self._reached,
            first_seen=self.first_seen.get(member, now),
            intro_pending=intro_pending,
        )
        if status.heard_at is not None:
            self._reached.add(member)
            self.last_seen[member] = status.heard_at
        return status

    def changed(self, member: MemberId, status: Status) -> bool:
        """True (once) when ``member``'s status or path differs from the last report."""
        shown = (status.status, status.via)
        old = self._shown.get(member)
        if old == shown:
            return False
        self._shown[member] = shown
        logger.debug(
            "party %s: member %s: %s -> %s", self._me[:8], member[:8], _label(old), _label(shown)
        )
        return True

    def forget(self, member: MemberId) -> None:
        for table in (self.first_seen, self.last_seen, self._shown):
            table.pop(member, None)
        self._reached.discard(member)
