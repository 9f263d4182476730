"""Builders of LCU bodies with the exact key sets of a 16.17 client (see tests/data/lcu).

Only values vary; every key a real body has is present, with the value types
the client uses. Bodies are plain JSON values (dict/list/str/int/bool/None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "NOT_FOUND_MESSAGES",
    "Account",
    "bot_member",
    "comms_members",
    "current_summoner",
    "invitation",
    "lobby",
    "lobby_member",
    "not_found",
]

Json = Any
NOT_FOUND_MESSAGES = {"/lol-lobby/v2/lobby": "LOBBY_NOT_FOUND"}


@dataclass(frozen=True)
class Account:
    puuid: str
    summoner_id: int
    game_name: str
    tag_line: str
    icon: int = 29
    level: int = 30
    account_id: int = 0


def not_found(uri: str) -> Json:
    """The client's 404 envelope: the normal "not in this phase" answer."""
    return {
        "errorCode": "RPC_ERROR",
        "httpStatus": 404,
        "implementationDetails": {},
        "message": NOT_FOUND_MESSAGES.get(uri, "No active delegate"),
    }


def current_summoner(acc: Account) -> Json:
    return {
        "accountId": acc.account_id or acc.summoner_id,
        "displayName": "",
        "gameName": acc.game_name,
        "internalName": "",
        "nameChangeFlag": False,
        "percentCompleteForNextLevel": 37,
        "privacy": "PUBLIC",
        "profileIconId": acc.icon,
        "puuid": acc.puuid,
        "rerollPoints": {
            "currentPoints": 250,
            "maxRolls": 2,
            "numberOfRolls": 1,
            "pointsCostToRoll": 250,
            "pointsToReroll": 0,
        },
        "summonerId": acc.summoner_id,
        "summonerLevel": acc.level,
        "tagLine": acc.tag_line,
        "unnamed": False,
        "xpSinceLastLevel": 1130,
        "xpUntilNextLevel": 3048,
    }


def _member_base() -> dict[str, Json]:
    return {
        "allowedChangeActivity": False,
        "allowedInviteOthers": True,
        "allowedKickOthers": False,
        "allowedStartActivity": False,
        "allowedToggleInvite": False,
        "autoFillEligible": False,
        "autoFillProtectedForPromos": False,
        "autoFillProtectedForRemedy": False,
        "autoFillProtectedForSoloing": False,
        "autoFillProtectedForStreaking": False,
        "botChampionId": 0,
        "botDifficulty": "NONE",
        "botId": "",
        "botPosition": "NONE",
        "botUuid": "",
        "fifthPositionPreference": None,
        "firstPositionPreference": "",
        "fourthPositionPreference": None,
        "intraSubteamPosition": None,
        "isBot": False,
        "isLeader": False,
        "isSpectator": False,
        "memberData": None,
        "playerSlots": [],
        "puuid": "",
        "ready": True,
        "secondPositionPreference": "",
        "showGhostedBanner": False,
        "strawberryMapId": None,
        "subteamIndex": None,
        "summonerIconId": -1,
        "summonerId": 0,
        "summonerInternalName": "",
        "summonerLevel": 0,
        "summonerName": "",
        "teamId": 0,
        "thirdPositionPreference": None,
    }


def lobby_member(
    acc: Account,
    *,
    leader: bool = False,
    spectator: bool = False,
    positions: tuple[str, str] = ("", ""),
    slots: list[Json] | None = None,
) -> Json:
    m = _member_base()
    m.update(
        allowedChangeActivity=leader,
        allowedKickOthers=leader,
        allowedStartActivity=leader,
        allowedToggleInvite=leader,
        firstPositionPreference=positions[0],
        isLeader=leader,
        isSpectator=spectator,
        memberData={"TFT.Tactician": acc.puuid[::-1]},
        playerSlots=slots or [],
        puuid=acc.puuid,
        secondPositionPreference=positions[1],
        summonerIconId=acc.icon,
        summonerId=acc.summoner_id,
        summonerLevel=acc.level,
    )
    return m


def bot_member(
    champion_id: int, position: str, uuid: str, difficulty: str = "RSINTERMEDIATE"
) -> Json:
    m = _member_base()
    m.update(
        allowedInviteOthers=False,
        botChampionId=champion_id,
        botDifficulty=difficulty,
        botId=uuid,
        botPosition=position,
        botUuid=uuid,
        isBot=True,
        ready=False,
    )
    return m


def invitation(acc: Account, state: str) -> Json:
    return {
        "invitationId": "",
        "invitationType": "invalid",
        "state": state,
        "timestamp": "0",
        "toPuuid": acc.puuid,
        "toSummonerId": acc.summoner_id,
        "toSummonerName": "",
    }


def lobby(
    *,
    party_id: str,
    queue_id: int,
    is_custom: bool,
    members: list[Json],
    local_member: Json,
    team100: list[Json],
    team200: list[Json],
    spectators: list[Json],
    invitations: list[Json],
    lobby_name: str = "",
    game_mode: str = "CLASSIC",
) -> Json:
    config = {
        "allowablePremadeSizes": list(range(1, 15)) if is_custom else [1, 2, 3, 5],
        "customLobbyName": lobby_name,
        "customMutatorName": "SimulPickStrategy" if is_custom else "",
        "customRewardsDisabledReasons": [],
        "customSpectatorPolicy": "AllAllowed" if is_custom else "NotAllowed",
        "customSpectators": spectators,
        "customTeam100": team100,
        "customTeam200": team200,
        "gameMode": game_mode,
        "isCustom": is_custom,
        "isLobbyFull": False,
        "isTeamBuilderManaged": not is_custom,
        "mapId": 11,
        "maxHumanPlayers": 0,
        "maxLobbySize": 14 if is_custom else 5,
        "maxLobbySpectatorCount": 4 if is_custom else 0,
        "maxTeamSize": 5,
        "numPlayersPerTeam": 5,
        "numberOfTeamsInLobby": 2 if is_custom else 1,
        "pickType": "",
        "premadeSizeAllowed": True,
        "queueId": queue_id,
        "shouldForceScarcePositionSelection": False,
        "showPositionSelector": not is_custom,
        "showQuickPlaySlotSelection": queue_id == 480,
    }
    return {
        "canStartActivity": True,
        "gameConfig": config,
        "invitations": invitations,
        "localMember": local_member,
        "members": members,
        "mucJwtDto": "[redacted]",
        "multiUserChatId": party_id,
        "multiUserChatPassword": "[redacted]",
        "partyId": party_id,
        "partyType": "open",
        "popularChampions": [],
        "restrictions": [],
        "scarcePositions": [],
        "warnings": [],
    }


def comms_members(party_id: str, accounts: list[Account], leader: str) -> Json:
    players = {
        acc.puuid: {
            "displayName": "",
            "gameName": acc.game_name,
            "partyId": party_id,
            "puuid": acc.puuid,
            "role": "LEADER" if acc.puuid == leader else "MEMBER",
            "summonerId": acc.summoner_id,
            "tagLine": acc.tag_line,
        }
        for acc in accounts
    }
    return {"commsEnabled": len(accounts) > 1, "partyId": party_id, "players": players}
