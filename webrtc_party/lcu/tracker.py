"""The League tracker: a pure state machine fed by LCU events and REST snapshots.

No I/O and no clock: callers pass ``now``. Each ``apply_*`` call returns the
typed change events it caused; ``state`` is the current ``LeagueState``.
Players are matched by puuid; champion select cells are read relative to
``localPlayerCellId``. Bodies of the wrong shape are dropped and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from webrtc_party.lcu.diff import diff_states
from webrtc_party.lcu.parse import (
    SWIFTPLAY_QUEUES,
    ParsedChampSelect,
    PayloadError,
    parse_carousel,
    parse_champ_select,
    parse_comms,
    parse_lobby,
    parse_phase,
    parse_session,
    parse_skin_selector,
    parse_summoner,
)
from webrtc_party.lcu.state import (
    GAME_PHASES,
    ChampSelect,
    Game,
    LeaguePick,
    LeagueState,
    Lobby,
    Phase,
    Player,
    SelectCell,
    TrackerEvent,
)

__all__ = [
    "SNAPSHOT_URIS",
    "URI_CAROUSEL",
    "URI_CHAMP_SELECT",
    "URI_COMMS",
    "URI_LOBBY",
    "URI_PHASE",
    "URI_SESSION",
    "URI_SKIN_SELECTOR",
    "URI_SUMMONER",
    "ChampSelect",
    "LeaguePick",
    "LeagueState",
    "Player",
    "SelectCell",
    "Tracker",
    "TrackerEvent",
]

log = logging.getLogger(__name__)

URI_PHASE = "/lol-gameflow/v1/gameflow-phase"
URI_SESSION = "/lol-gameflow/v1/session"
URI_SUMMONER = "/lol-summoner/v1/current-summoner"
URI_LOBBY = "/lol-lobby/v2/lobby"
URI_COMMS = "/lol-lobby/v2/comms/members"
URI_CHAMP_SELECT = "/lol-champ-select/v1/session"
URI_SKIN_SELECTOR = "/lol-champ-select/v1/skin-selector-info"
URI_CAROUSEL = "/lol-champ-select/v1/skin-carousel-skins"
# What a resync reads over REST (after subscribing, so no change falls in between).
SNAPSHOT_URIS = (
    URI_SUMMONER,
    URI_PHASE,
    URI_SESSION,
    URI_LOBBY,
    URI_COMMS,
    URI_CHAMP_SELECT,
    URI_SKIN_SELECTOR,
    URI_CAROUSEL,
)
# Phases in which the previous lobby and champion select still describe the party.
_KEEP_PHASES = GAME_PHASES | {Phase.CHAMP_SELECT}


class Tracker:
    """Pure tracker. ``chroma_parents`` (chroma id -> skin id) comes from game data."""

    def __init__(self, chroma_parents: Mapping[int, int] | None = None) -> None:
        self._state = LeagueState()
        self._phase: str = Phase.NONE.value
        self._summoner: Player | None = None
        self._names: dict[str, Player] = {}
        self._lobby: Lobby | None = None
        self._kept_lobby: Lobby | None = None
        self._cs: ParsedChampSelect | None = None
        self._kept_cs: ParsedChampSelect | None = None
        self._skin_selector: tuple[int, int] | None = None
        self._chroma_parent: dict[int, int] = dict(chroma_parents or {})
        self._game: Game | None = None
        self.dropped = 0
        self._handlers: dict[str, Callable[[Any], None]] = {
            URI_PHASE: self._on_phase,
            URI_SESSION: self._on_session,
            URI_SUMMONER: self._on_summoner,
            URI_LOBBY: self._on_lobby,
            URI_COMMS: self._on_comms,
            URI_CHAMP_SELECT: self._on_champ_select,
            URI_SKIN_SELECTOR: self._on_skin_selector,
            URI_CAROUSEL: self._on_carousel,
        }

    @property
    def state(self) -> LeagueState:
        return self._state

    def handles(self, uri: str) -> bool:
        return uri in self._handlers

    def apply_event(self, uri: str, event_type: str, data: Any, now: float) -> list[TrackerEvent]:
        """Apply one WAMP event (Create and Update are upserts; Delete removes)."""
        handler = self._handlers.get(uri)
        if handler is None:
            return []
        if not self._feed(handler, uri, None if str(event_type) == "Delete" else data):
            return []
        return self._commit(now)

    def apply_snapshot(self, resources: Mapping[str, Any], now: float) -> list[TrackerEvent]:
        """Apply REST reads: uri -> body, or None where the client answered 404."""
        for uri, data in resources.items():
            handler = self._handlers.get(uri)
            if handler is not None:
                self._feed(handler, uri, data)
        return self._commit(now)

    def _feed(self, handler: Callable[[Any], None], uri: str, data: Any) -> bool:
        try:
            handler(data)
        except (PayloadError, ValueError) as exc:
            self.dropped += 1
            log.warning("dropped malformed %s body: %s", uri, exc)
            return False
        return True

    # -- handlers: parse first, then assign, so a bad body changes nothing --

    def _on_phase(self, data: Any) -> None:
        new = Phase.NONE.value if data is None else parse_phase(data)
        old, self._phase = self._phase, new
        game = self._game
        if game is not None and not game.ended:
            if new == Phase.END_OF_GAME:
                self._game = replace(game, ended=True, outcome=new)
            elif old in GAME_PHASES and new not in GAME_PHASES:
                self._game = replace(game, ended=True, outcome=new)
        if new not in _KEEP_PHASES:
            self._kept_cs = None
            self._kept_lobby = None

    def _on_session(self, data: Any) -> None:
        if data is None:
            return
        parsed = parse_session(data)
        game = parsed.game
        if game is None or not (parsed.phase in GAME_PHASES or parsed.phase == Phase.CHAMP_SELECT):
            return  # no game, or a stale session carried over into the lobby
        old = self._game
        if old is not None and old.game_id == game.game_id:
            game = replace(game, ended=old.ended, outcome=old.outcome)
        if parsed.phase == Phase.END_OF_GAME and not game.ended:
            game = replace(game, ended=True, outcome=parsed.phase)
        self._game = game

    def _on_summoner(self, data: Any) -> None:
        player = None if data is None else parse_summoner(data)
        self._summoner = player
        if player is not None:
            self._names[player.puuid] = player

    def _on_lobby(self, data: Any) -> None:
        lobby = None if data is None else parse_lobby(data)
        if lobby is None and self._phase in _KEEP_PHASES:
            self._kept_lobby = self._lobby or self._kept_lobby
        elif lobby is not None:
            self._kept_lobby = None
        self._lobby = lobby

    def _on_comms(self, data: Any) -> None:
        if data is None:
            return
        for puuid, player in parse_comms(data).items():
            if player.game_name or puuid not in self._names:
                self._names[puuid] = player

    def _on_champ_select(self, data: Any) -> None:
        parsed = None if data is None else parse_champ_select(data)
        if parsed is None:
            last = self._cs
            starting = last is not None and last.info.timer_phase == "GAME_STARTING"
            if self._phase in GAME_PHASES or starting:  # going into the game, not a dodge
                self._kept_cs = self._cs or self._kept_cs
            self._skin_selector = None
        else:
            self._kept_cs = None
            for t in parsed.my_team:
                if t.puuid and t.game_name:
                    self._names[t.puuid] = Player(t.puuid, t.summoner_id, t.game_name, t.tag_line)
        self._cs = parsed

    def _on_skin_selector(self, data: Any) -> None:
        self._skin_selector = None if data is None else parse_skin_selector(data)

    def _on_carousel(self, data: Any) -> None:
        if data is not None:
            self._chroma_parent.update(parse_carousel(data))

    # -- derived state --

    def _player(self, puuid: str, summoner_id: int) -> Player:
        known = self._names.get(puuid)
        if known is None:
            return Player(puuid, summoner_id)
        return Player(puuid, summoner_id or known.summoner_id, known.game_name, known.tag_line)

    def _selection(self, champion: int, skin: int) -> LeaguePick | None:
        if champion <= 0:
            return None
        if skin <= 0:
            return LeaguePick(champion, champion * 1000)
        parent = self._chroma_parent.get(skin)
        if parent is not None:
            return LeaguePick(champion, parent, skin)
        return LeaguePick(champion, skin)

    def _current_game(self) -> Game | None:
        game = self._game
        if game is None or game.ended or self._phase not in GAME_PHASES:
            return None
        return game

    def _me(self, party: Lobby | None, cs: ParsedChampSelect | None) -> Player | None:
        if self._summoner is not None:
            return self._player(self._summoner.puuid, self._summoner.summoner_id)
        if party is not None and party.local_puuid:
            member = next((m for m in party.members if m.puuid == party.local_puuid), None)
            return self._player(party.local_puuid, member.summoner_id if member else 0)
        mine = next((t for t in cs.my_team if t.is_me), None) if cs else None
        if mine is not None and mine.puuid:
            return self._player(mine.puuid, mine.summoner_id)
        return None

    def _team(
        self, cs: ParsedChampSelect | None, premade: set[str], me: str | None
    ) -> tuple[SelectCell, ...]:
        if cs is not None:
            out = []
            for t in cs.my_team:
                name = self._names.get(t.puuid) if t.puuid else None
                out.append(
                    replace(
                        t,
                        is_premade=bool(t.puuid) and t.puuid in premade,
                        game_name=t.game_name or (name.game_name if name else ""),
                        tag_line=t.tag_line or (name.tag_line if name else ""),
                    )
                )
            return tuple(out)
        game = self._current_game()
        if game is None or me is None:
            return ()
        side = game.team_one if me in game.team_one else game.team_two
        picks = {s.puuid: s for s in game.selections}
        out = []
        for i, puuid in enumerate(side):
            pick = picks.get(puuid)
            name = self._player(puuid, 0)
            out.append(
                SelectCell(
                    cell_id=i,
                    puuid=puuid,
                    summoner_id=name.summoner_id,
                    champion_id=pick.champion_id if pick else 0,
                    champion_locked=pick is not None,
                    is_bot=False,
                    is_hidden=False,
                    skin_id=pick.skin_id if pick else 0,
                    is_me=puuid == me,
                    is_premade=puuid in premade,
                    game_name=name.game_name,
                    tag_line=name.tag_line,
                )
            )
        return tuple(out)

    def _my_selections(
        self, team: tuple[SelectCell, ...], cs: ParsedChampSelect | None, me: Player | None
    ) -> tuple[LeaguePick, ...]:
        """Champion select: my cell; in game: my pick; in a Swiftplay lobby: every player slot
        of mine (one champion each, first slot first)."""
        if cs is not None:
            mine = next((t for t in team if t.is_me), None)
            if mine is None or mine.champion_id <= 0:
                return ()
            skin = mine.skin_id
            if self._skin_selector and self._skin_selector[0] == mine.champion_id:
                skin = self._skin_selector[1] or skin
            return _some(self._selection(mine.champion_id, skin))
        game = self._current_game()
        if game is not None and me is not None:
            pick = next((s for s in game.selections if s.puuid == me.puuid), None)
            return _some(self._selection(pick.champion_id, pick.skin_id) if pick else None)
        if self._lobby is not None and me is not None:
            member = next((m for m in self._lobby.members if m.puuid == me.puuid), None)
            out: list[LeaguePick] = []
            for slot in member.slots if member is not None else ():
                sel = self._selection(slot.champion_id, slot.skin_id)
                if sel is not None and all(s.champion_id != sel.champion_id for s in out):
                    out.append(sel)
            return tuple(out)
        return ()

    def _derive(self, now: float) -> LeagueState:
        party = self._lobby or self._kept_lobby
        cs = self._cs or self._kept_cs
        me = self._me(party, cs)
        premade = (
            tuple(self._player(m.puuid, m.summoner_id) for m in party.members) if party else ()
        )
        team = self._team(cs, {p.puuid for p in premade}, me.puuid if me else None)
        game = self._current_game()
        queue_id: int | None = None
        if self._cs is not None:
            queue_id = self._cs.info.queue_id
        elif self._lobby is not None:
            queue_id = self._lobby.queue_id
        elif game is not None:
            queue_id = game.queue_id
        lobby = self._lobby
        mine = self._my_selections(team, cs, me)
        return LeagueState(
            phase=self._phase,
            me=me,
            premade=premade,
            lobby=lobby,
            champ_select=self._cs.info if self._cs else None,
            team=team,
            my_selection=mine[0] if mine else None,
            my_selections=mine,
            queue_id=queue_id,
            game_mode=lobby.game_mode if lobby else "",
            is_custom=(lobby.is_custom if lobby else bool(self._cs and self._cs.info.is_custom)),
            swiftplay=queue_id in SWIFTPLAY_QUEUES
            or any(m.slots for m in (lobby.members if lobby else ())),
            game=self._game,
            updated_at=now,
        )

    def _commit(self, now: float) -> list[TrackerEvent]:
        old = self._state
        new = self._derive(now)
        events = diff_states(old, new, now)
        self._state = new if events else replace(new, updated_at=old.updated_at)
        for event in events:
            log.debug("tracker: %s", event)
        return events


def _some(selection: LeaguePick | None) -> tuple[LeaguePick, ...]:
    return () if selection is None else (selection,)
