"""The bridge's replies to the League-chat requests (docs/bridge.md): pure encoders.

``party-set-league-chat`` and ``party-forget-friend`` are decoded with every other request
in :mod:`webrtc_party.rose.bridge_messages`; their replies are built here.
"""

from __future__ import annotations

from webrtc_party.rose.bridge_messages import Json
from webrtc_party.rose.control import ChatInfo

__all__ = ["encode_friend_forgotten", "encode_league_chat_set"]


def _tag(message: Json, request_id: str | int | None) -> Json:
    if request_id is not None:
        message["id"] = request_id
    return message


def encode_league_chat_set(info: ChatInfo, request_id: str | int | None = None) -> Json:
    msg = {"type": "party-league-chat", "success": True, "enabled": info.enabled}
    return _tag(msg | {"explained": info.explained}, request_id)


def encode_friend_forgotten(
    count: int, puuid: str | None, request_id: str | int | None = None
) -> Json:
    msg: Json = {"type": "party-friend-forgotten", "success": count > 0, "count": count}
    msg |= {"all": True} if puuid is None else {"puuid": puuid}
    if count == 0 and puuid is not None:
        msg |= {"error": "No remembered friend by that PUUID.", "code": "unknown-friend"}
    return _tag(msg, request_id)
