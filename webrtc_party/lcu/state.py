"""Snapshot and change-event types of the League tracker (pure data, no I/O)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "GAME_PHASES",
    "Bot",
    "ChampSelect",
    "ChampSelectEnded",
    "ChampSelectStarted",
    "Game",
    "GameChanged",
    "GameEnded",
    "GameSelection",
    "GameStarted",
    "LeaguePick",
    "LeagueState",
    "Lobby",
    "LobbyChanged",
    "LobbyMember",
    "MeChanged",
    "MySelectionChanged",
    "Phase",
    "PhaseChanged",
    "Player",
    "PremadeChanged",
    "SelectCell",
    "TeamChanged",
    "TrackerEvent",
]


class Phase(enum.StrEnum):
    """Every value of ``/lol-gameflow/v1/gameflow-phase`` (26.05 API description)."""

    NONE = "None"
    LOBBY = "Lobby"
    MATCHMAKING = "Matchmaking"
    CHECKED_INTO_TOURNAMENT = "CheckedIntoTournament"
    READY_CHECK = "ReadyCheck"
    CHAMP_SELECT = "ChampSelect"
    GAME_START = "GameStart"
    FAILED_TO_LAUNCH = "FailedToLaunch"
    IN_PROGRESS = "InProgress"
    RECONNECT = "Reconnect"
    WAITING_FOR_STATS = "WaitingForStats"
    PRE_END_OF_GAME = "PreEndOfGame"
    END_OF_GAME = "EndOfGame"
    TERMINATED_IN_ERROR = "TerminatedInError"


# Phases in which a game exists on a server (picks in the gameflow session are current).
GAME_PHASES = frozenset(
    {
        Phase.GAME_START,
        Phase.IN_PROGRESS,
        Phase.RECONNECT,
        Phase.WAITING_FOR_STATS,
        Phase.PRE_END_OF_GAME,
        Phase.END_OF_GAME,
    }
)


@dataclass(frozen=True)
class Player:
    """A person, identified by puuid; names may be empty until the client tells them."""

    puuid: str
    summoner_id: int
    game_name: str = ""
    tag_line: str = ""

    @property
    def riot_id(self) -> str:
        if not self.game_name:
            return self.puuid[:8] or "?"
        return f"{self.game_name}#{self.tag_line}" if self.tag_line else self.game_name


@dataclass(frozen=True)
class LeaguePick:
    """A pick the League client shows: a champion with its skin. ``skin_id`` is never a chroma;
    ``chroma_id`` is. (The party's signed pick is ``webrtc_party.party.Selection``.)"""

    champion_id: int
    skin_id: int
    chroma_id: int | None = None

    def __post_init__(self) -> None:
        if self.champion_id <= 0:
            raise ValueError(f"champion id {self.champion_id} is not a champion")


@dataclass(frozen=True)
class LobbyMember:
    puuid: str
    summoner_id: int
    is_leader: bool
    is_spectator: bool
    team: int | None  # 100 / 200 in customs, None otherwise or for spectators
    slots: tuple[LeaguePick, ...] = ()  # swiftplay: champion and skin per slot


@dataclass(frozen=True)
class Bot:
    champion_id: int
    team: int
    position: str
    difficulty: str


@dataclass(frozen=True)
class Lobby:
    party_id: str
    queue_id: int
    game_mode: str
    is_custom: bool
    members: tuple[LobbyMember, ...]
    bots: tuple[Bot, ...]
    pending_invites: tuple[str, ...]  # puuids invited but not (yet) in the party
    local_puuid: str

    @property
    def leader(self) -> str | None:
        return next((m.puuid for m in self.members if m.is_leader), None)

    @property
    def spectators(self) -> tuple[str, ...]:
        return tuple(m.puuid for m in self.members if m.is_spectator)


@dataclass(frozen=True)
class SelectCell:
    """One cell of champion select. Hidden players and bots have puuid "" and summoner_id 0."""

    cell_id: int
    puuid: str
    summoner_id: int
    champion_id: int  # locked champion, else the current hover / pick intent, else 0
    champion_locked: bool
    is_bot: bool
    is_hidden: bool
    pick_intent: int = 0
    skin_id: int = 0  # selectedSkinId as reported (may be a chroma id), 0 if none
    is_me: bool = False
    is_premade: bool = False
    game_name: str = ""
    tag_line: str = ""
    position: str = ""


@dataclass(frozen=True)
class ChampSelect:
    game_id: int
    queue_id: int
    is_custom: bool
    local_cell_id: int
    timer_phase: str
    their_team: tuple[SelectCell, ...]


@dataclass(frozen=True)
class GameSelection:
    puuid: str
    champion_id: int
    skin_index: int

    @property
    def skin_id(self) -> int:
        """Usual numbering: champion * 1000 + index (chromas cannot be expressed here)."""
        return self.champion_id * 1000 + self.skin_index


@dataclass(frozen=True)
class Game:
    game_id: int
    queue_id: int
    is_custom: bool
    selections: tuple[GameSelection, ...]
    team_one: tuple[str, ...]
    team_two: tuple[str, ...]
    ended: bool = False
    outcome: str = ""  # "EndOfGame" when stats arrived, else the phase it ended in


@dataclass(frozen=True)
class LeagueState:
    """Everything the party needs to know about the local League client, at one moment."""

    phase: str = Phase.NONE.value
    me: Player | None = None
    premade: tuple[Player, ...] = ()
    lobby: Lobby | None = None
    champ_select: ChampSelect | None = None
    team: tuple[SelectCell, ...] = ()
    my_selection: LeaguePick | None = None
    # every champion I may play and its skin, first = my_selection: in a Swiftplay lobby one
    # per player slot (two), else my_selection alone (or nothing)
    my_selections: tuple[LeaguePick, ...] = ()
    queue_id: int | None = None
    game_mode: str = ""
    is_custom: bool = False
    swiftplay: bool = False
    game: Game | None = None
    updated_at: float = 0.0


@dataclass(frozen=True)
class TrackerEvent:
    at: float


@dataclass(frozen=True)
class PhaseChanged(TrackerEvent):
    old: str
    new: str


@dataclass(frozen=True)
class MeChanged(TrackerEvent):
    me: Player | None


@dataclass(frozen=True)
class PremadeChanged(TrackerEvent):
    premade: tuple[Player, ...]
    joined: tuple[str, ...]
    left: tuple[str, ...]


@dataclass(frozen=True)
class LobbyChanged(TrackerEvent):
    lobby: Lobby | None


@dataclass(frozen=True)
class ChampSelectStarted(TrackerEvent):
    champ_select: ChampSelect


@dataclass(frozen=True)
class ChampSelectEnded(TrackerEvent):
    dodged: bool


@dataclass(frozen=True)
class TeamChanged(TrackerEvent):
    team: tuple[SelectCell, ...]


@dataclass(frozen=True)
class MySelectionChanged(TrackerEvent):
    old: LeaguePick | None
    new: LeaguePick | None
    selections: tuple[LeaguePick, ...] = ()  # all of them (``LeagueState.my_selections``)


@dataclass(frozen=True)
class GameStarted(TrackerEvent):
    game: Game


@dataclass(frozen=True)
class GameChanged(TrackerEvent):
    """The running game's picks changed (they fill in between GAME_STARTING and GameStart)."""

    game: Game


@dataclass(frozen=True)
class GameEnded(TrackerEvent):
    game: Game
