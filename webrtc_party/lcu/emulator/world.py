"""The emulator's world: one party's lobby, champion select and game, seen by one player.

Pure (no I/O, no clock): the scenario changes the world, ``resources()`` renders
every LCU resource as the local player's client would show it, and the server
turns the difference into Create/Update/Delete events. Several emulators built
on the same accounts with different ``local`` indices show one party from each
member's side.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from webrtc_party.lcu.emulator import payloads as p
from webrtc_party.lcu.emulator import payloads_game as g
from webrtc_party.lcu.emulator.payloads import Account
from webrtc_party.lcu.gamedata import GameData, load_game_data

__all__ = ["RESOURCE_ORDER", "Cell", "World", "filler_account"]

Json = Any
URI_SUMMONER = "/lol-summoner/v1/current-summoner"
URI_LOBBY = "/lol-lobby/v2/lobby"
URI_MEMBERS = "/lol-lobby/v2/lobby/members"
URI_COMMS = "/lol-lobby/v2/comms/members"
URI_SESSION = "/lol-gameflow/v1/session"
URI_PHASE = "/lol-gameflow/v1/gameflow-phase"
URI_CS = "/lol-champ-select/v1/session"
URI_SKIN = "/lol-champ-select/v1/skin-selector-info"
URI_CAROUSEL = "/lol-champ-select/v1/skin-carousel-skins"
# Order in which changes are announced (as recorded: comms before lobby, session before phase).
RESOURCE_ORDER = (
    URI_SUMMONER,
    URI_COMMS,
    URI_LOBBY,
    URI_MEMBERS,
    URI_SESSION,
    URI_PHASE,
    URI_CS,
    URI_SKIN,
    URI_CAROUSEL,
)
NS = uuid.UUID("6f1c3a52-1d7e-4d8e-9a63-3b0f2f6f7a10")


def filler_account(key: str) -> Account:
    """A deterministic stranger (solo queue filler), identical in every emulator."""
    puuid = str(uuid.uuid5(NS, key))
    return Account(puuid, 10_000_000 + int(puuid[:6], 16), "", "")


@dataclass
class Cell:
    cell_id: int
    team: int  # 1 or 2, absolute
    account: Account | None  # None for bots
    champion_id: int = 0  # hovered or locked
    locked: bool = False
    skin_id: int = 0
    position: str = ""

    @property
    def is_bot(self) -> bool:
        return self.account is None


@dataclass
class World:
    accounts: Sequence[Account]
    local: int = 0
    phase: str = "None"
    party: list[Account] = field(default_factory=list)
    party_id: str = ""
    queue_id: int = -1
    is_custom: bool = False
    teams: dict[str, int] = field(default_factory=dict)  # custom lobby team per puuid
    spectators: set[str] = field(default_factory=set)
    pending: list[Account] = field(default_factory=list)
    bots: list[tuple[int, int, str]] = field(default_factory=list)  # (team, champion, position)
    slots: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # swiftplay
    cells: list[Cell] | None = None
    simultaneous: bool = False
    timer_phase: str = ""
    game_id: int = 0
    game_phase_session: bool = False  # session carries the game (server assigned)
    stale_game: bool = False  # back in the lobby, the session still shows the last game
    game_cells: list[Cell] = field(default_factory=list)
    clock_ms: int = 1_784_315_140_311
    lobby_count: int = 0
    data: GameData = field(default_factory=load_game_data)

    @property
    def me(self) -> Account:
        return self.accounts[self.local]

    # -- lobby --

    def create_lobby(self, queue_id: int, *, custom: bool = False, leader: int = 0) -> None:
        self.party = [self.accounts[leader]]
        self.lobby_count += 1
        self.party_id = str(uuid.uuid5(NS, f"party-{self.party[0].puuid}-{self.lobby_count}"))
        self.queue_id, self.is_custom = queue_id, custom
        self.teams = {self.accounts[leader].puuid: 100} if custom else {}
        self.spectators, self.pending, self.bots, self.slots = set(), [], [], {}
        self.phase = "Lobby"

    def invite(self, acc: Account) -> None:
        self.pending.append(acc)

    def join(self, acc: Account, team: int = 100) -> None:
        self.pending = [a for a in self.pending if a.puuid != acc.puuid]
        self.party.append(acc)
        if self.is_custom:
            self.teams[acc.puuid] = team

    def leave(self, acc: Account) -> None:
        self.party = [a for a in self.party if a.puuid != acc.puuid]
        self.teams.pop(acc.puuid, None)

    def move(self, acc: Account, team: int | None) -> None:
        """Move a member to team 100/200, or to the spectator slot with ``None``."""
        if team is None:
            self.spectators.add(acc.puuid)
            self.teams.pop(acc.puuid, None)
        else:
            self.spectators.discard(acc.puuid)
            self.teams[acc.puuid] = team

    def add_bot(self, team: int, champion_id: int, position: str) -> None:
        self.bots.append((team, champion_id, position))

    def close_lobby(self) -> None:
        self.party, self.party_id = [], ""

    # -- champion select --

    def start_champ_select(self, cells: list[Cell], *, game_id: int, simultaneous: bool) -> None:
        self.cells, self.simultaneous, self.game_id = cells, simultaneous, game_id
        self.timer_phase = "BAN_PICK"
        self.phase = "ChampSelect"

    def cell_of(self, acc: Account) -> Cell:
        for cell in self.cells or []:
            if cell.account is not None and cell.account.puuid == acc.puuid:
                return cell
        raise KeyError(acc.game_name or acc.puuid)

    def hover(self, cell: Cell, champion_id: int) -> None:
        cell.champion_id = champion_id

    def lock(self, cell: Cell) -> None:
        cell.locked = True
        cell.skin_id = cell.skin_id or cell.champion_id * 1000

    def choose_skin(self, cell: Cell, skin_id: int) -> None:
        cell.skin_id = skin_id

    def end_champ_select(self) -> None:
        self.cells = None
        self.timer_phase = ""

    def assign_server(self, game_id: int, cells: list[Cell] | None = None) -> None:
        """The game has a server: from now on the session carries everyone's picks."""
        self.game_id = game_id
        self.game_cells = [replace(c) for c in (cells if cells is not None else self.cells or [])]
        self.game_phase_session = True
        self.stale_game = False

    def finish_game(self, *, stale: bool) -> None:
        """The game is over; ``stale`` keeps it in the session once back in the lobby."""
        self.game_phase_session = False
        self.stale_game = stale

    def _in_progress(self, cell: Cell) -> bool:
        if cell.locked or self.cells is None:
            return False
        if self.simultaneous:
            return True
        first_open = next((c for c in self.cells if not c.locked and c.account), None)
        return first_open is cell

    # -- rendering --

    def resources(self) -> dict[str, Json]:
        self.clock_ms += 1000
        out: dict[str, Json] = {URI_SUMMONER: p.current_summoner(self.me), URI_PHASE: self.phase}
        out[URI_SESSION] = self._session()
        if self.party_id and self.phase not in ("InProgress", "WaitingForStats", "PreEndOfGame"):
            out.update(self._lobby())
        if self.cells is not None:
            out.update(self._champ_select())
        return {uri: out[uri] for uri in RESOURCE_ORDER if uri in out}

    def _lobby(self) -> dict[str, Json]:
        leader = self.party[0].puuid if self.party else ""
        members = []
        for acc in self.party:
            slots = [
                {
                    "championId": c,
                    "perks": "",
                    "positionPreference": "",
                    "skinId": s,
                    "spell1": 4,
                    "spell2": 14,
                }
                for c, s in self.slots.get(acc.puuid, [])
            ]
            members.append(
                p.lobby_member(
                    acc,
                    leader=acc.puuid == leader,
                    spectator=acc.puuid in self.spectators,
                    slots=slots,
                )
            )
        by_puuid = {m["puuid"]: m for m in members}
        team: dict[int, list[Json]] = {100: [], 200: []}
        for acc in self.party:
            if acc.puuid in self.teams:
                team[self.teams[acc.puuid]].append(by_puuid[acc.puuid])
        for i, (side, champion, position) in enumerate(self.bots):
            bot_id = str(uuid.uuid5(NS, f"bot-{self.party_id}-{i}"))
            team[side].append(p.bot_member(champion, position, bot_id))
        invitations = [p.invitation(a, "Accepted") for a in self.party]
        invitations += [p.invitation(a, "Pending") for a in self.pending]
        local = by_puuid.get(self.me.puuid) or p.lobby_member(self.me)
        body = p.lobby(
            party_id=self.party_id,
            queue_id=self.queue_id,
            is_custom=self.is_custom,
            members=members,
            local_member=local,
            team100=team[100] if self.is_custom else [],
            team200=team[200] if self.is_custom else [],
            spectators=[by_puuid[s] for s in by_puuid if s in self.spectators],
            invitations=invitations,
            lobby_name=f"{self.party[0].game_name}'s Game" if self.is_custom else "",
        )
        return {
            URI_LOBBY: body,
            URI_MEMBERS: members,
            URI_COMMS: p.comms_members(self.party_id, list(self.party), leader),
        }

    def _champ_select(self) -> dict[str, Json]:
        cells = self.cells or []
        local = self.cell_of(self.me)
        premade = {a.puuid for a in self.party}
        teams: dict[bool, list[Json]] = {True: [], False: []}
        actions: list[list[Json]] = [[]] if self.simultaneous else []
        for cell in cells:
            mine = cell.team == local.team
            in_progress = self._in_progress(cell)
            acc = cell.account
            if self.is_custom:
                visibility = ""
            elif mine and acc is not None and acc.puuid in premade:
                visibility = "VISIBLE"
            else:
                visibility = "HIDDEN"
            shown = cell.locked or in_progress
            teams[mine].append(
                g.champ_select_player(
                    cell_id=cell.cell_id,
                    team=1 if mine else 2,
                    acc=acc,
                    visibility=visibility,
                    champion_id=cell.champion_id if shown else 0,
                    pick_intent=cell.champion_id if mine and not shown else 0,
                    skin_id=cell.skin_id if mine or self.is_custom else 0,
                    position="" if self.is_custom or not mine else cell.position,
                    is_bot=cell.is_bot,
                    show_name=visibility == "VISIBLE",
                )
            )
            action = g.pick_action(
                cell.cell_id + 1,
                cell.cell_id,
                cell.champion_id if shown else 0,
                completed=cell.locked,
                in_progress=in_progress,
                ally=mine,
                turn=1 if self.simultaneous else cell.cell_id + 1,
            )
            if self.simultaneous:
                actions[0].append(action)
            else:
                actions.append([action])
        session = g.champ_select_session(
            game_id=self.game_id if not self.is_custom else 0,
            queue_id=self.queue_id,
            is_custom=self.is_custom,
            local_cell=local.cell_id,
            my_team=teams[True],
            their_team=teams[False],
            actions=actions,
            timer_phase=self.timer_phase,
            now_ms=self.clock_ms,
            simultaneous_picks=self.simultaneous,
        )
        name = self.data.champion_name(local.champion_id) if local.champion_id else ""
        out = {
            URI_CS: session,
            URI_SKIN: g.skin_selector_info(name, local.champion_id, local.skin_id),
        }
        if local.locked:
            skins = [
                (
                    s.skin_id,
                    s.name,
                    [
                        (c.skin_id, c.name)
                        for c in self.data.skins.values()
                        if c.parent_id == s.skin_id
                    ],
                )
                for s in self.data.skins_of(local.champion_id)
                if not s.is_chroma
            ]
            out[URI_CAROUSEL] = g.skin_carousel(local.champion_id, skins)
        return out

    def _session(self) -> Json:
        if self.game_id and (
            self.game_phase_session or (self.stale_game and self.phase == "Lobby")
        ):
            humans = [c for c in self.game_cells if c.account is not None]
            return g.gameflow_session(
                phase=self.phase,
                game_id=self.game_id,
                queue_id=self.queue_id,
                is_custom=self.is_custom,
                selections=[
                    (c.account, c.champion_id, max(c.skin_id - c.champion_id * 1000, 0))
                    for c in humans
                    if c.account is not None
                ],
                team_one=[(c.account, c.champion_id) for c in humans if c.team == 1 and c.account],
                team_two=[(c.account, c.champion_id) for c in humans if c.team == 2 and c.account],
                server_up=self.phase in ("InProgress", "WaitingForStats"),
            )
        if self.phase == "None":
            return g.gameflow_session(phase="None")
        return g.gameflow_session(
            phase=self.phase, queue_id=self.queue_id, is_custom=self.is_custom
        )
