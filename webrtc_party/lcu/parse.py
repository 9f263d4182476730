"""Pure decoders of LCU JSON bodies into the tracker's types.

Only the fields the party needs are read; unknown keys are ignored and missing
optional keys take neutral values. A body of the wrong shape raises
``PayloadError`` (the tracker drops and counts it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webrtc_party.lcu.errors import LcuProtocolError
from webrtc_party.lcu.state import (
    Bot,
    ChampSelect,
    Game,
    GameSelection,
    LeaguePick,
    Lobby,
    LobbyMember,
    Player,
    SelectCell,
)

__all__ = [
    "ParsedChampSelect",
    "ParsedSession",
    "PayloadError",
    "parse_carousel",
    "parse_champ_select",
    "parse_comms",
    "parse_lobby",
    "parse_phase",
    "parse_session",
    "parse_skin_selector",
    "parse_summoner",
]

SWIFTPLAY_QUEUES = frozenset({480, 490})


class PayloadError(LcuProtocolError, ValueError):
    """An LCU body does not have the shape of its endpoint."""

    user_message = "The League client answered with data of an unexpected shape."


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadError(f"{what} is not a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{what} is not a JSON list")
    return value


def _int(d: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = d.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{key} is not an integer")
    return value


def _str(d: Mapping[str, Any], key: str, default: str = "") -> str:
    value = d.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise PayloadError(f"{key} is not a string")
    return value


def _bool(d: Mapping[str, Any], key: str) -> bool:
    return d.get(key) is True


def parse_phase(data: Any) -> str:
    if not isinstance(data, str) or not data:
        raise PayloadError("gameflow phase is not a string")
    return data


def parse_summoner(data: Any) -> Player:
    d = _obj(data, "current summoner")
    puuid = _str(d, "puuid")
    if not puuid:
        raise PayloadError("current summoner has no puuid")
    return Player(puuid, _int(d, "summonerId"), _str(d, "gameName"), _str(d, "tagLine"))


def _slots(member: Mapping[str, Any]) -> tuple[LeaguePick, ...]:
    out = []
    for raw in _list(member.get("playerSlots"), "playerSlots"):
        slot = _obj(raw, "player slot")
        champion = _int(slot, "championId")
        if champion > 0:
            out.append(LeaguePick(champion, _int(slot, "skinId") or champion * 1000))
    return tuple(out)


def parse_lobby(data: Any) -> Lobby:
    d = _obj(data, "lobby")
    config = _obj(d.get("gameConfig") or {}, "gameConfig")
    teams: dict[str, int] = {}
    bots: list[Bot] = []
    for team, key in ((100, "customTeam100"), (200, "customTeam200")):
        for raw in _list(config.get(key), key):
            entry = _obj(raw, key)
            if _bool(entry, "isBot"):
                bots.append(
                    Bot(
                        _int(entry, "botChampionId"),
                        team,
                        _str(entry, "botPosition"),
                        _str(entry, "botDifficulty"),
                    )
                )
            elif _str(entry, "puuid"):
                teams[_str(entry, "puuid")] = team
    members = []
    for raw in _list(d.get("members"), "members"):
        m = _obj(raw, "lobby member")
        puuid = _str(m, "puuid")
        if not puuid or _bool(m, "isBot"):
            continue
        spectator = _bool(m, "isSpectator")
        members.append(
            LobbyMember(
                puuid,
                _int(m, "summonerId"),
                _bool(m, "isLeader"),
                spectator,
                None if spectator else teams.get(puuid),
                _slots(m),
            )
        )
    in_party = {m.puuid for m in members}
    pending = []
    for raw in _list(d.get("invitations"), "invitations"):
        inv = _obj(raw, "invitation")
        puuid = _str(inv, "toPuuid")
        if puuid and puuid not in in_party and _str(inv, "state") == "Pending":
            pending.append(puuid)
    local = _obj(d.get("localMember") or {}, "localMember")
    return Lobby(
        party_id=_str(d, "partyId"),
        queue_id=_int(config, "queueId", -1),
        game_mode=_str(config, "gameMode"),
        is_custom=_bool(config, "isCustom"),
        members=tuple(members),
        bots=tuple(bots),
        pending_invites=tuple(pending),
        local_puuid=_str(local, "puuid"),
    )


def parse_comms(data: Any) -> dict[str, Player]:
    """``/lol-lobby/v2/comms/members``: Riot IDs of the party, keyed by puuid."""
    d = _obj(data, "comms members")
    players = _obj(d.get("players") or {}, "comms players")
    out: dict[str, Player] = {}
    for puuid, raw in players.items():
        p = _obj(raw, "comms player")
        out[puuid] = Player(puuid, _int(p, "summonerId"), _str(p, "gameName"), _str(p, "tagLine"))
    return out


@dataclass(frozen=True)
class ParsedChampSelect:
    info: ChampSelect
    my_team: tuple[SelectCell, ...]


def _cell_picks(actions: Any) -> tuple[dict[int, int], dict[int, int], set[int]]:
    """Per actor cell: locked champion, champion of an open pick, cells with a pick action."""
    locked: dict[int, int] = {}
    hovering: dict[int, int] = {}
    has_pick: set[int] = set()
    for group in _list(actions, "actions"):
        for raw in _list(group, "action group"):
            a = _obj(raw, "action")
            if _str(a, "type") != "pick":
                continue
            cell = _int(a, "actorCellId", -1)
            has_pick.add(cell)
            champion = _int(a, "championId")
            if _bool(a, "completed"):
                if champion:
                    locked[cell] = champion
            elif champion:
                hovering[cell] = champion
    return locked, hovering, has_pick


def _teammate(
    raw: Any, local_cell: int, picks: tuple[dict[int, int], dict[int, int], set[int]]
) -> SelectCell:
    p = _obj(raw, "champ select player")
    locked, hovering, has_pick = picks
    cell = _int(p, "cellId", -1)
    puuid = _str(p, "puuid")
    hidden = _str(p, "nameVisibilityType") == "HIDDEN"
    is_bot = _str(p, "playerType") == "BOT"
    reported = _int(p, "championId")
    intent = hovering.get(cell) or _int(p, "championPickIntent")
    if cell in has_pick:
        is_locked = cell in locked
        champion = locked.get(cell) or reported or intent
    else:  # no pick action for this cell (bots, all-random modes): a champion is final
        is_locked = reported > 0
        champion = reported or intent
    return SelectCell(
        cell_id=cell,
        puuid=puuid,
        summoner_id=_int(p, "summonerId"),
        champion_id=champion,
        champion_locked=is_locked,
        is_bot=is_bot,
        is_hidden=hidden or (not puuid and not is_bot),
        pick_intent=intent,
        skin_id=_int(p, "selectedSkinId"),
        is_me=cell == local_cell,
        game_name=_str(p, "gameName"),
        tag_line=_str(p, "tagLine"),
        position=_str(p, "assignedPosition"),
    )


def parse_champ_select(data: Any) -> ParsedChampSelect:
    d = _obj(data, "champ select session")
    local_cell = _int(d, "localPlayerCellId", -1)
    picks = _cell_picks(d.get("actions"))
    my_team = tuple(_teammate(p, local_cell, picks) for p in _list(d.get("myTeam"), "myTeam"))
    their = tuple(_teammate(p, local_cell, picks) for p in _list(d.get("theirTeam"), "theirTeam"))
    timer = _obj(d.get("timer") or {}, "timer")
    info = ChampSelect(
        game_id=_int(d, "gameId"),
        queue_id=_int(d, "queueId", -1),
        is_custom=_bool(d, "isCustomGame"),
        local_cell_id=local_cell,
        timer_phase=_str(timer, "phase"),
        their_team=their,
    )
    return ParsedChampSelect(info, my_team)


def parse_skin_selector(data: Any) -> tuple[int, int]:
    """``skin-selector-info``: (selected champion, selected skin or chroma id)."""
    d = _obj(data, "skin selector info")
    return _int(d, "selectedChampionId"), _int(d, "selectedSkinId")


def parse_carousel(data: Any) -> dict[int, int]:
    """``skin-carousel-skins``: chroma id -> parent skin id."""
    out: dict[int, int] = {}
    for raw in _list(data, "carousel"):
        skin = _obj(raw, "carousel skin")
        for child_raw in _list(skin.get("childSkins"), "childSkins"):
            child = _obj(child_raw, "chroma")
            out[_int(child, "id")] = _int(child, "parentSkinId") or _int(skin, "id")
    return out


@dataclass(frozen=True)
class ParsedSession:
    phase: str
    game: Game | None


def parse_session(data: Any) -> ParsedSession:
    d = _obj(data, "gameflow session")
    game_data = _obj(d.get("gameData") or {}, "gameData")
    queue = _obj(game_data.get("queue") or {}, "queue")
    game_id = _int(game_data, "gameId")
    game = None
    if game_id:
        selections = []
        for raw in _list(game_data.get("playerChampionSelections"), "playerChampionSelections"):
            s = _obj(raw, "player champion selection")
            if _str(s, "puuid") and _int(s, "championId") > 0:
                selections.append(
                    GameSelection(
                        _str(s, "puuid"), _int(s, "championId"), _int(s, "selectedSkinIndex")
                    )
                )
        teams = []
        for key in ("teamOne", "teamTwo"):
            teams.append(
                tuple(
                    _str(_obj(p, key), "puuid")
                    for p in _list(game_data.get(key), key)
                    if _str(_obj(p, key), "puuid")
                )
            )
        game = Game(
            game_id=game_id,
            queue_id=_int(queue, "id", -1),
            is_custom=_bool(game_data, "isCustomGame"),
            selections=tuple(selections),
            team_one=teams[0],
            team_two=teams[1],
        )
    return ParsedSession(_str(d, "phase", "None"), game)
