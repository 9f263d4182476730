"""Builders of champion select and gameflow bodies (16.17 key sets; see ``payloads``)."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from webrtc_party.lcu.emulator.payloads import Account

__all__ = [
    "BOT_SPELL",
    "champ_select_player",
    "champ_select_session",
    "gameflow_session",
    "pick_action",
    "skin_carousel",
    "skin_selector_info",
]

Json = Any
BOT_SPELL = 2**64 - 1  # allied bots' spell ids, kept as an integer


def champ_select_player(
    *,
    cell_id: int,
    team: int,
    acc: Account | None,
    visibility: str,
    champion_id: int = 0,
    pick_intent: int = 0,
    skin_id: int = 0,
    position: str = "",
    is_bot: bool = False,
    show_name: bool = False,
    spells: tuple[int, int] = (4, 14),
) -> Json:
    hidden = visibility == "HIDDEN" or acc is None
    return {
        "assignedPosition": position,
        "cellId": cell_id,
        "championId": champion_id,
        "championPickIntent": pick_intent,
        "gameName": acc.game_name if acc and show_name and not hidden else "",
        "internalName": "",
        "isAutofilled": False,
        "isHumanoid": False,
        "nameVisibilityType": visibility,
        "obfuscatedPuuid": "",
        "obfuscatedSummonerId": 0,
        "pickMode": 0,
        "pickTurn": 0,
        "playerAlias": "",
        "playerType": "BOT" if is_bot else "PLAYER",
        "puuid": "" if hidden else acc.puuid if acc else "",
        "selectedSkinId": skin_id,
        "spell1Id": BOT_SPELL if is_bot and team == 1 else spells[0],
        "spell2Id": BOT_SPELL if is_bot and team == 1 else spells[1],
        "summonerId": 0 if hidden else acc.summoner_id if acc else 0,
        "tagLine": acc.tag_line if acc and show_name and not hidden else "",
        "team": team,
        "wardSkinId": -1,
    }


def pick_action(
    action_id: int,
    cell: int,
    champion_id: int,
    *,
    completed: bool,
    in_progress: bool,
    ally: bool,
    turn: int,
    kind: str = "pick",
) -> Json:
    return {
        "actorCellId": cell,
        "championId": champion_id,
        "completed": completed,
        "id": action_id,
        "isAllyAction": ally,
        "isInProgress": in_progress,
        "pickTurn": turn,
        "type": kind,
    }


def champ_select_session(
    *,
    game_id: int,
    queue_id: int,
    is_custom: bool,
    local_cell: int,
    my_team: list[Json],
    their_team: list[Json],
    actions: list[list[Json]],
    timer_phase: str,
    now_ms: int,
    simultaneous_picks: bool,
    num_bans: int = 0,
) -> Json:
    chat = f"{game_id or 7418826118}-team1"
    return {
        "actions": actions,
        "allowBattleBoost": False,
        "allowDuplicatePicks": False,
        "allowLockedEvents": False,
        "allowPlayerPickSameChampion": False,
        "allowRerolling": False,
        "allowSkinSelection": True,
        "allowSubsetChampionPicks": False,
        "bans": {"myTeamBans": [], "numBans": num_bans, "theirTeamBans": []},
        "benchChampions": [],
        "benchEnabled": False,
        "boostableSkinCount": 1,
        "chatDetails": {
            "mucJwtDto": {
                "channelClaim": chat,
                "domain": "lol-champ-select",
                "jwt": "[redacted]",
                "targetRegion": "eu1",
            },
            "multiUserChatId": chat,
            "multiUserChatPassword": "[redacted]",
        },
        "counter": -1,
        "disallowBanningTeammateHoveredChampions": False,
        "gameId": game_id,
        "hasSimultaneousBans": num_bans > 0,
        "hasSimultaneousPicks": simultaneous_picks,
        "id": "",
        "isCustomGame": is_custom,
        "isLegacyChampSelect": is_custom,
        "isSpectating": False,
        "localPlayerCellId": local_cell,
        "lockedEventIndex": -1,
        "myTeam": my_team,
        "pickOrderSwaps": [],
        "positionSwaps": [],
        "queueId": queue_id,
        "rerollsRemaining": 0,
        "showQuitButton": is_custom,
        "skipChampionSelect": False,
        "theirTeam": their_team,
        "timer": {
            "adjustedTimeLeftInPhase": 30000,
            "internalNowInEpochMs": now_ms,
            "isInfinite": False,
            "phase": timer_phase,
            "totalTimeInPhase": 30000,
        },
        "trades": [],
    }


def skin_selector_info(champion_name: str, champion_id: int, skin_id: int) -> Json:
    return {
        "championName": champion_name,
        "isSkinGrantedFromBoost": False,
        "selectedChampionId": champion_id,
        "selectedSkinId": skin_id,
        "showSkinSelector": champion_id > 0,
        "skinSelectionDisabled": False,
    }


def _ownership(owned: bool) -> Json:
    return {
        "loyaltyReward": False,
        "owned": owned,
        "rental": {"rented": False},
        "xboxGPReward": False,
    }


def skin_carousel(champion_id: int, skins: list[tuple[int, str, list[tuple[int, str]]]]) -> Json:
    """Carousel for one champion: (skin id, name, [(chroma id, name)]) entries."""
    out = []
    assets = "/lol-game-data/assets/v1"
    for skin_id, name, chromas in skins:
        splash = f"{assets}/champion-splashes/{champion_id}/{skin_id}.jpg"
        tile = f"{assets}/champion-tiles/{champion_id}/{skin_id}.jpg"
        children = [
            {
                "championId": champion_id,
                "chromaPreviewPath": f"{assets}/champion-chroma-images/{champion_id}/{cid}.png",
                "colors": ["#E58BA5", "#E58BA5"],
                "disabled": False,
                "id": cid,
                "isBase": False,
                "isChampionUnlocked": True,
                "name": cname,
                "ownership": _ownership(True),
                "parentSkinId": skin_id,
                "shortName": cname.rsplit("(", 1)[-1].rstrip(")"),
                "skinAugments": {},
                "splashPath": splash,
                "splashVideoPath": None,
                "stage": 0,
                "stillObtainable": False,
                "tilePath": tile,
                "unlocked": True,
            }
            for cid, cname in chromas
        ]
        out.append(
            {
                "championId": champion_id,
                "childSkins": children,
                "chromaPreviewPath": None,
                "disabled": False,
                "emblems": [],
                "groupSplash": "",
                "id": skin_id,
                "isBase": skin_id % 1000 == 0,
                "isChampionUnlocked": True,
                "name": name,
                "ownership": _ownership(True),
                "productType": None,
                "rarityGemPath": "",
                "skinAugments": {},
                "splashPath": splash,
                "splashVideoPath": None,
                "stillObtainable": False,
                "tilePath": tile,
                "unlocked": True,
            }
        )
    return out


@functools.cache
def _blocks() -> dict[str, Json]:
    text = resources.files("webrtc_party.lcu").joinpath("data").joinpath("session-blocks.json")
    data: dict[str, Json] = json.loads(text.read_text("utf-8"))
    return data


def _queue_block(queue_id: int, is_custom: bool) -> Json:
    if queue_id <= 0:
        return copy.deepcopy(_blocks()["queue_none"])
    queue = copy.deepcopy(_blocks()["queue_custom_3100"])
    if not is_custom:
        name = {420: "Ranked Solo/Duo", 400: "Normal Draft", 480: "Swiftplay"}.get(
            queue_id, "Normal"
        )
        queue.update(
            category="PvP",
            description=name,
            detailedDescription=name,
            id=queue_id,
            isCustom=False,
            isRanked=queue_id == 420,
            name=name,
            shortName=name,
            type="RANKED_SOLO_5x5" if queue_id == 420 else "NORMAL",
        )
    return queue


def gameflow_session(
    *,
    phase: str,
    game_id: int = 0,
    queue_id: int = -1,
    is_custom: bool = False,
    selections: Sequence[tuple[Account, int, int]] = (),
    team_one: Sequence[tuple[Account, int]] = (),
    team_two: Sequence[tuple[Account, int]] = (),
    server_up: bool = False,
) -> Json:
    """``selections``: (account, champion, skin index); teams: (account, champion)."""
    active = game_id > 0

    def team_entry(i: int, acc: Account, champion: int) -> Json:
        return {
            "championId": champion,
            "lastSelectedSkinIndex": 0,
            "profileIconId": acc.icon,
            "puuid": acc.puuid,
            "selectedPosition": "NONE",
            "selectedRole": "",
            "summonerId": acc.summoner_id,
            "summonerInternalName": "",
            "summonerName": "",
            "teamOwner": False,
            "teamParticipantId": i + 1,
        }

    return {
        "gameClient": {
            "observerServerIp": "",
            "observerServerPort": 0,
            "running": server_up,
            "serverIp": "192.0.2.34" if server_up else "",
            "serverPort": 7155 if server_up else 0,
            "visible": server_up,
        },
        "gameData": {
            "gameId": game_id,
            "gameName": "",
            "isCustomGame": is_custom,
            "password": "[redacted]",
            "playerChampionSelections": [
                {
                    "championId": champion,
                    "puuid": acc.puuid,
                    "selectedSkinIndex": index,
                    "spell1Id": 4,
                    "spell2Id": 14,
                }
                for acc, champion, index in selections
            ],
            "queue": _queue_block(queue_id, is_custom),
            "spectatorKey": "[redacted]",
            "spectatorsAllowed": False,
            "teamOne": [team_entry(i, a, c) for i, (a, c) in enumerate(team_one)],
            "teamTwo": [team_entry(i + len(team_one), a, c) for i, (a, c) in enumerate(team_two)],
        },
        "gameDodge": {"dodgeIds": [], "phase": "None", "state": "Invalid"},
        "map": copy.deepcopy(_blocks()["map_sr" if active or queue_id > 0 else "map_none"]),
        "phase": phase,
    }
