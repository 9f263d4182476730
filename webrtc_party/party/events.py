"""What the core tells its shell: member views, link views and events."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from webrtc_party.party.model import GamePhase, MemberId, MemberIdentity, Selection

__all__ = [
    "CloseLink",
    "CloseReason",
    "IntroAnswerReceived",
    "IntroCancelled",
    "IntroExpired",
    "IntroNeeded",
    "IntroOfferReceived",
    "LinkIdentified",
    "LinkView",
    "MemberChange",
    "MemberChanged",
    "MemberView",
    "PartyEvent",
    "Reachability",
]


class Reachability(enum.StrEnum):
    """How a member is reached right now (see the state table in docs/protocol.md)."""

    SELF = "self"
    DIRECT = "direct"
    RELAYED = "relayed"
    CONNECTING = "connecting"
    LOST = "lost"


class MemberChange(enum.StrEnum):
    JOINED = "joined"
    UPDATED = "updated"
    STATUS = "status"
    LEFT = "left"


class CloseReason(enum.StrEnum):
    """Why the core asks the shell to close a link."""

    ABUSE = "abuse"
    """Too many bad, forged or rate-limited messages."""
    VERSION = "version"
    """The peer speaks another protocol version."""
    IMPERSONATION = "impersonation"
    """The peer claims a member id bound to another key, or changed identity."""
    PARTY_FULL = "party_full"
    SELF_LINK = "self_link"
    """The link leads back to this member."""
    NO_HELLO = "no_hello"
    HEARTBEAT_TIMEOUT = "heartbeat_timeout"
    PEER_LEFT = "peer_left"
    REMOVED = "removed"
    DUPLICATE = "duplicate"
    """Another link to the same member works; the member with the smaller id closes the newer."""
    """This member removed the peer (``remove``)."""


@dataclass(frozen=True, slots=True)
class MemberView:
    """One member as this node sees it now. ``stale``: do not inject its state."""

    member_id: MemberId
    identity: MemberIdentity
    selection: Selection | None
    phase: GamePhase
    seq: int
    status: Reachability
    via: MemberId | None
    rtt: float | None
    last_seen: float | None
    is_local: bool
    vouched: bool = True
    """The member's key came in its own hello on a link this node held (pinned for the
    party's life); the core always sets it. False: its state reached us only through other
    members, who could have made it up (docs/protocol.md, threat model)."""
    extra: tuple[Selection, ...] = ()
    """The member's further picks after ``selection`` (Swiftplay's second champion)."""

    @property
    def selections(self) -> tuple[Selection, ...]:
        """Every selection of the member, ``selection`` first (empty: none)."""
        return () if self.selection is None else (self.selection, *self.extra)

    @property
    def stale(self) -> bool:
        """Do not inject: not reached now, or never met directly (``vouched`` False)."""
        if not (self.vouched or self.is_local):
            return True
        return self.status not in (Reachability.SELF, Reachability.DIRECT, Reachability.RELAYED)


@dataclass(frozen=True, slots=True)
class LinkView:
    link_id: str
    member_id: MemberId | None
    alive: bool
    rtt: float | None
    violations: int
    closing: bool


@dataclass(frozen=True, slots=True)
class MemberChanged:
    change: MemberChange
    member: MemberView


@dataclass(frozen=True, slots=True)
class LinkIdentified:
    """The peer on ``link_id`` said hello as ``member_id``."""

    link_id: str
    member_id: MemberId


@dataclass(frozen=True, slots=True)
class CloseLink:
    """The shell must close ``link_id`` (then call ``link_down``)."""

    link_id: str
    reason: CloseReason
    detail: str


@dataclass(frozen=True, slots=True)
class IntroNeeded:
    """Create an invite for ``target`` and pass it to ``send_intro_offer(intro_id, ...)``."""

    target: MemberId
    intro_id: int


@dataclass(frozen=True, slots=True)
class IntroExpired:
    """No link to ``target`` came of ``intro_id``: drop its half-made connection."""

    target: MemberId
    intro_id: int


@dataclass(frozen=True, slots=True)
class IntroOfferReceived:
    """``origin`` invites us: accept ``token``, then call ``send_intro_answer``."""

    origin: MemberId
    intro_id: int
    token: str


@dataclass(frozen=True, slots=True)
class IntroCancelled:
    """The invitation ``intro_id`` from ``origin`` is over (superseded by a newer one from the
    same origin, expired, or the origin left): close the link made to answer it, if any,
    unless it opened."""

    origin: MemberId
    intro_id: int


@dataclass(frozen=True, slots=True)
class IntroAnswerReceived:
    """``target`` answered our invite ``intro_id``: complete the link with ``token``."""

    target: MemberId
    intro_id: int
    token: str


PartyEvent = (
    MemberChanged
    | LinkIdentified
    | CloseLink
    | IntroNeeded
    | IntroExpired
    | IntroOfferReceived
    | IntroAnswerReceived
    | IntroCancelled
)
