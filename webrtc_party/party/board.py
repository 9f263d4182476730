"""Each member's honest status and view, read from the gossip part's links, routes
and records (no I/O, ``now`` passed in). The gossip part owns one ``StatusBoard``.
"""

from __future__ import annotations

from typing import Protocol

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import (
    IntroCancelled,
    IntroExpired,
    LinkView,
    MemberChange,
    MemberChanged,
    MemberView,
    Reachability,
)
from webrtc_party.party.links import LinkRecord
from webrtc_party.party.messages import StateMessage
from webrtc_party.party.model import MemberId
from webrtc_party.party.routes import Routes
from webrtc_party.party.status import Status, Watcher, make_view
from webrtc_party.party.store import RecordStore

__all__ = ["IntroBook", "StatusBoard"]


class IntroBook(Protocol):
    """What the gossip part asks of the introductions (``IntroScheduler`` is one)."""

    def pending(self, member: MemberId) -> bool: ...
    def linked(self, member: MemberId) -> list[IntroCancelled]: ...
    def forget(self, member: MemberId) -> list[IntroExpired | IntroCancelled]: ...


class StatusBoard:
    def __init__(
        self,
        me: MemberId,
        config: PartyConfig,
        store: RecordStore,
        routes: Routes,
        links: dict[str, LinkRecord],
        intros: IntroBook,
    ) -> None:
        self.me = me
        self.config = config
        self.watch = Watcher(me, config)
        self._store = store
        self._routes = routes
        self._links = links
        self._intros = intros

    def alive_members(self, now: float) -> set[MemberId]:
        timeout = self.config.alive_timeout
        return {
            lk.member
            for lk in self._links.values()
            if lk.member is not None and lk.alive(now, timeout)
        }

    def status(self, member: MemberId, now: float, alive: set[MemberId] | None = None) -> Status:
        if member == self.me:
            return Status(Reachability.SELF, heard_at=now)
        return self.watch.status(
            member,
            now,
            links=self._links.values(),
            alive=self.alive_members(now) if alive is None else alive,
            routes=self._routes,
            intro_pending=self._intros.pending(member),
        )

    def view(self, member: MemberId, now: float, status: Status | None = None) -> MemberView:
        status = self.status(member, now) if status is None else status
        msg = self._store.states[member]
        local = member == self.me
        vouched = local or member in self._store.vouched
        return make_view(msg, status, self.watch.last_seen.get(member), local, vouched)

    def gone(self, member: MemberId, last: StateMessage) -> MemberView:
        """The view of a member that left or was removed (status ``lost``)."""
        seen = self.watch.last_seen.get(member)
        vouched = member in self._store.vouched
        return make_view(last, Status(Reachability.LOST), seen, False, vouched)

    def changes(self, now: float) -> list[MemberChanged]:
        """A STATUS event for every member whose status or path changed."""
        alive = self.alive_members(now)
        changed = []
        for member in self._store.states:
            if member != self.me:
                status = self.status(member, now, alive)
                if self.watch.changed(member, status):
                    view = self.view(member, now, status)
                    changed.append(MemberChanged(MemberChange.STATUS, view))
        return changed

    def members(self, now: float) -> tuple[MemberView, ...]:
        return tuple(self.view(m, now) for m in self._store.states)

    def link_views(self, now: float) -> tuple[LinkView, ...]:
        timeout = self.config.alive_timeout
        return tuple(
            LinkView(
                lk.link_id, lk.member, lk.alive(now, timeout), lk.rtt, lk.violations, lk.closing
            )
            for lk in self._links.values()
        )
