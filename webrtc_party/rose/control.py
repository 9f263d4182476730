"""The seam between the party service and its user interfaces (bridge, Rose facade).

``PartyControl`` is what a UI may ask of the party; ``PartySnapshot`` is what it
shows. The asyncio ``PartyService`` implements the protocol; the UI bridge and
the thread-safe ``PartyManager`` facade for Rose are both thin layers over it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "ChatFriend",
    "ChatInfo",
    "MemberInfo",
    "PartyControl",
    "PartySnapshot",
    "PendingToken",
    "PendingTokenKind",
    "SelectionInfo",
    "TokenOutcome",
]


class PendingTokenKind(enum.StrEnum):
    INVITE = "invite"  # ours, waiting for the friend's answer
    ANSWER = "answer"  # ours, to be pasted back by the friend who invited us


@dataclass(frozen=True)
class PendingToken:
    kind: PendingTokenKind
    token: str
    expires_at: int  # unix seconds


@dataclass(frozen=True)
class TokenOutcome:
    """What pasting a token did: an invite gives an answer to send back."""

    answer: PendingToken | None  # set when an invite was pasted
    completed: bool  # True when an answer completed one of our invites


@dataclass(frozen=True)
class SelectionInfo:
    """One skin a member will inject (a member has several in Swiftplay: one per champion)."""

    champion_id: int
    champion_name: str | None
    skin_id: int
    skin_name: str | None
    chroma_id: int | None
    chroma_name: str | None
    custom_mod: str | None  # display name of a custom mod
    skin_installed: bool | None  # None: not known (our own)
    injection: str | None = None  # the hook's outcome for this pick in the current game
    injection_detail: str | None = None  # the hook's sentence about this pick


@dataclass(frozen=True)
class MemberInfo:
    """One party member, as a UI shows it."""

    puuid: str
    summoner_id: int
    riot_id: str
    is_local: bool
    status: str  # self | direct | relayed | connecting | lost
    status_text: str  # "direct", "via Name#TAG", "connecting", "lost"
    via: str | None  # riot id of the relay, when relayed
    path: str | None  # host | srflx | prflx | relay, for a direct link
    rtt_ms: float | None
    last_seen: float | None  # unix seconds
    in_lobby: bool  # in my premade lobby (League client)
    on_team: bool  # on my team in the current champ select
    phase: str
    champion_id: int | None
    champion_name: str | None
    skin_id: int | None
    skin_name: str | None
    chroma_id: int | None
    chroma_name: str | None
    custom_mod: str | None  # display name of a custom mod
    skin_installed: bool | None  # None: not known (no selection, or our own)
    stale: bool  # its state must not be injected (lost)
    injection: str | None = None  # the worst hook outcome of its picks: injected | missing-...
    injection_detail: str | None = None  # the hook's sentence about that pick
    selections: tuple[SelectionInfo, ...] = ()  # every pick, the one above first (Swiftplay: 2)
    verified: bool = False  # linked from a League chat DM and said hello as its sender


@dataclass(frozen=True)
class ChatFriend:
    """A friend remembered for League-chat reconnects (docs/league-chat.md)."""

    puuid: str
    name: str
    linked_at: float  # unix seconds


@dataclass(frozen=True)
class ChatInfo:
    """League-chat party mode as the panel shows it."""

    available: bool = False  # this service can reach the League client's chat
    enabled: bool = False  # the opt-in setting (off by default)
    explained: bool = False  # the panel showed once what friends will see
    running: bool = False  # talking to the chat now (setting on and party on)
    auto: bool = False  # a remembered friend in my lobby turned the party on
    problem: str | None = None
    remembered: tuple[ChatFriend, ...] = ()
    refused: tuple[str, ...] = ()  # PUUIDs refused this party: a remembered key differed


@dataclass(frozen=True)
class PartySnapshot:
    enabled: bool
    me: MemberInfo | None
    members: tuple[MemberInfo, ...]  # everyone else
    pending: tuple[PendingToken, ...]  # our invites/answers still waiting
    phase: str  # League gameflow phase as the client reports it
    timestamp: float
    warnings: tuple[str, ...] = ()  # sentences for the user: no League client, injection...
    league_chat: ChatInfo = ChatInfo()


class PartyControl(Protocol):
    """What a UI may ask of the party. Every method runs on the party's event loop."""

    @property
    def enabled(self) -> bool: ...

    async def enable(self) -> None: ...

    async def disable(self) -> None:
        """Say goodbye to every member and stop."""

    async def create_invite(self) -> PendingToken: ...

    async def accept(self, text: str) -> TokenOutcome:
        """Any pasted token; raises ``signaling.errors.TokenError`` with a readable message."""

    async def remove(self, member: str) -> bool:
        """``member``: a puuid or a summoner id (as text). False if unknown."""

    def snapshot(self) -> PartySnapshot: ...

    def subscribe(self, listener: Callable[[PartySnapshot], None]) -> Callable[[], None]:
        """Call ``listener`` after every change; returns the unsubscribe function."""
