"""Pure decoder of the UI bridge's requests (docs/bridge.md): one panel frame -> a ``Request``.

No I/O and no clock. ``decode_request`` raises only :class:`BridgeMessageError`, whose
``code`` is one of the spec's; ``bridge_messages`` encodes the other direction.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webrtc_party.errors import RemoteError

__all__ = [
    "BRIDGE_VERSION",
    "MAX_FRAME",
    "MAX_ID",
    "MAX_PASTE",
    "MAX_TOKEN",
    "PUUID_TEXT",
    "BridgeMessageError",
    "Json",
    "Request",
    "RequestType",
    "decode_request",
]

BRIDGE_VERSION = 1
MAX_FRAME = 64 * 1024  # characters of one text frame
MAX_TOKEN = 200  # a bare token (QR codes)
MAX_PASTE = 4000  # a pasted chat message with a token inside (two Discord messages)
MAX_ID = 64
PUUID_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
Json = dict[str, Any]


class RequestType(enum.StrEnum):
    ENABLE = "party-enable"
    DISABLE = "party-disable"
    CREATE_INVITE = "party-create-invite"
    PASTE_TOKEN = "party-paste-token"
    ADD_PEER = "party-add-peer"
    REMOVE_PEER = "party-remove-peer"
    GET_STATE = "party-get-state"
    SET_LEAGUE_CHAT = "party-set-league-chat"
    FORGET_FRIEND = "party-forget-friend"


class BridgeMessageError(RemoteError):
    """A message from a panel could not be accepted; ``code`` is from docs/bridge.md."""

    user_message = "The panel sent a message that could not be accepted."

    def __init__(
        self,
        code: str,
        message: str,
        request_type: str | None = None,
        request_id: str | int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.request_type = request_type
        self.request_id = request_id


@dataclass(frozen=True)
class Request:
    """One validated UI request. ``member`` (remove) is a puuid or a summoner id as text;
    for ``party-forget-friend`` a puuid, or None with ``forget_all``."""

    type: RequestType
    request_id: str | int | None = None
    token: str | None = None
    member: str | None = None
    enabled: bool | None = None  # party-set-league-chat
    explained: bool | None = None
    forget_all: bool = False


def _request_id(obj: Mapping[str, Any], kind: str | None) -> str | int | None:
    rid = obj.get("id")
    if rid is None:
        return None
    if isinstance(rid, bool) or not isinstance(rid, str | int):
        raise BridgeMessageError("bad-field", "'id' must be a string or an integer", kind)
    if len(str(rid)) > MAX_ID:
        raise BridgeMessageError("bad-field", f"'id' is longer than {MAX_ID} characters", kind)
    return rid


def _token(obj: Mapping[str, Any], kind: str, rid: str | int | None) -> str:
    if "token" not in obj or obj["token"] is None:
        raise BridgeMessageError("missing-field", "Paste a token first.", kind, rid)
    token = obj["token"]
    if not isinstance(token, str):
        raise BridgeMessageError("bad-field", "'token' must be text", kind, rid)
    token = token.strip()
    if not token:
        raise BridgeMessageError("bad-field", "The token is empty: paste it again.", kind, rid)
    if len(token) > MAX_PASTE:
        raise BridgeMessageError(
            "bad-field",
            f"This paste is too long ({len(token)} characters): paste just the token.",
            kind,
            rid,
        )
    return token


def _member(obj: Mapping[str, Any], kind: str, rid: str | int | None) -> str:
    sid = obj.get("summoner_id")
    if sid is not None:
        if isinstance(sid, bool):
            raise BridgeMessageError("bad-field", "'summoner_id' must be a number", kind, rid)
        if isinstance(sid, int) and sid >= 0:
            return str(sid)
        if isinstance(sid, str) and sid.isdigit() and sid.isascii() and len(sid) <= 20:
            return str(int(sid))
        raise BridgeMessageError(
            "bad-field", "'summoner_id' must be a non-negative integer", kind, rid
        )
    puuid = obj.get("puuid")
    if puuid is None:
        raise BridgeMessageError("missing-field", "Say whom to remove: summoner_id", kind, rid)
    if not isinstance(puuid, str) or not 1 <= len(puuid) <= 100:
        raise BridgeMessageError("bad-field", "'puuid' must be 1..100 characters", kind, rid)
    return puuid


def _flag(obj: Mapping[str, Any], name: str, kind: str, rid: str | int | None) -> bool | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, bool):
        raise BridgeMessageError("bad-field", f"'{name}' must be true or false", kind, rid)
    return value


def _league_chat(obj: Mapping[str, Any], kind: str, rid: str | int | None) -> Request:
    on = _flag(obj, "enabled", kind, rid)
    if on is None:
        raise BridgeMessageError("missing-field", "Say 'enabled': true or false.", kind, rid)
    explained = _flag(obj, "explained", kind, rid)
    return Request(RequestType.SET_LEAGUE_CHAT, rid, enabled=on, explained=explained)


def _forget(obj: Mapping[str, Any], kind: str, rid: str | int | None) -> Request:
    every, puuid = _flag(obj, "all", kind, rid), obj.get("puuid")
    if every is False:
        raise BridgeMessageError("bad-field", "'all' is only ever true", kind, rid)
    if every and puuid is not None:
        raise BridgeMessageError("bad-field", "Give 'puuid' or 'all', not both.", kind, rid)
    if every:
        return Request(RequestType.FORGET_FRIEND, rid, forget_all=True)
    if puuid is None:
        raise BridgeMessageError("missing-field", "Say whom to forget: puuid", kind, rid)
    if not isinstance(puuid, str) or not PUUID_TEXT.match(puuid):
        raise BridgeMessageError("bad-field", "'puuid' must be 1..100 [A-Za-z0-9_-]", kind, rid)
    return Request(RequestType.FORGET_FRIEND, rid, member=puuid.lower())


def decode_request(frame: str | bytes | Mapping[str, Any]) -> Request:
    """Validate one message from a panel. Raises only :class:`BridgeMessageError`."""
    if isinstance(frame, Mapping):
        obj: Any = frame
    else:
        if len(frame) > MAX_FRAME:
            raise BridgeMessageError("too-large", f"A message is at most {MAX_FRAME} bytes.")
        try:
            obj = json.loads(frame)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BridgeMessageError("bad-json", f"The message is not JSON: {exc}") from None
    if not isinstance(obj, Mapping) or not isinstance(obj.get("type"), str):
        raise BridgeMessageError("not-an-object", 'A message is a JSON object with a "type".')
    raw_type = obj["type"]
    kind = raw_type[:64]
    rid = _request_id(obj, kind)
    if raw_type not in RequestType._value2member_map_:
        raise BridgeMessageError("unknown-type", f"Unknown message type {kind!r}.", kind, rid)
    rtype = RequestType(raw_type)
    if rtype in (RequestType.PASTE_TOKEN, RequestType.ADD_PEER):
        return Request(rtype, rid, token=_token(obj, kind, rid))
    if rtype is RequestType.REMOVE_PEER:
        return Request(rtype, rid, member=_member(obj, kind, rid))
    if rtype is RequestType.SET_LEAGUE_CHAT:
        return _league_chat(obj, kind, rid)
    if rtype is RequestType.FORGET_FRIEND:
        return _forget(obj, kind, rid)
    return Request(rtype, rid)
