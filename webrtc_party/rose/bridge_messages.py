"""Pure codec of the UI bridge (docs/bridge.md): decode UI requests, encode Python messages.

No I/O and no clock: ``decode_request`` validates one frame from a panel and raises
:class:`BridgeMessageError` (with a ``code`` from the spec) for anything it cannot accept;
the ``encode_*`` functions build the flat JSON objects the panel reads.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from signaling.errors import TokenError
from webrtc_party.errors import ConnectError, PartyError
from webrtc_party.rose.control import (
    ChatInfo,
    MemberInfo,
    PartySnapshot,
    PendingToken,
    PendingTokenKind,
    TokenOutcome,
)
from webrtc_party.rose.party_view import party_phase

__all__ = [
    "BRIDGE_VERSION",
    "MAX_FRAME",
    "MAX_PASTE",
    "MAX_TOKEN",
    "BridgeMessageError",
    "Request",
    "RequestType",
    "decode_request",
    "dumps",
    "encode_disabled",
    "encode_enabled",
    "encode_error",
    "encode_invite",
    "encode_league_chat",
    "encode_member",
    "encode_peer_removed",
    "encode_phase_change",
    "encode_result",
    "encode_state",
    "encode_state_fields",
    "encode_token_failure",
    "encode_token_result",
    "error_code",
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


class BridgeMessageError(PartyError):
    """A message from a panel could not be accepted; ``code`` is from docs/bridge.md."""

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


# -- Python -> UI ------------------------------------------------------------------------


def dumps(message: Mapping[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def error_code(exc: BaseException) -> str:
    """The spec's error code for an exception raised while handling a request."""
    code = getattr(exc, "code", None)
    if isinstance(exc, TokenError | BridgeMessageError) or isinstance(code, str):
        return str(code)
    if isinstance(exc, ConnectError):
        return "connect"
    return "internal"


def _tag(message: Json, request_id: str | int | None) -> Json:
    if request_id is not None:
        message["id"] = request_id
    return message


def encode_member(info: MemberInfo) -> Json:
    return asdict(info)


def _peer(info: MemberInfo) -> Json:
    """A member in the shape of Rose's own panel (party/core/party_state.py at 59922fc)."""
    sel = None
    if info.champion_id is not None:
        sel = {
            "champion_id": info.champion_id,
            "skin_id": info.skin_id,
            "chroma_id": info.chroma_id,
            "custom_mod": info.custom_mod,
        }
    return {
        "summoner_id": info.summoner_id,
        "summoner_name": info.riot_id,
        "connected": info.status in ("direct", "relayed"),
        "connection_state": info.status,
        "in_lobby": info.in_lobby,
        "skin_selection": sel,
    }


def _pending(p: PendingToken) -> Json:
    return {"kind": p.kind.value, "token": p.token, "expires_at": p.expires_at}


def _newest(snap: PartySnapshot, kind: PendingTokenKind) -> PendingToken | None:
    tokens = [p for p in reversed(snap.pending) if p.kind is kind]  # the latest wins a tie
    return max(tokens, key=lambda p: p.expires_at, default=None)


def encode_result(ok: bool, kind: str, at: float, error: BaseException | str | None = None) -> Json:
    """``last_result`` of the state: what the last pasted token did.

    ``kind``: ``answer`` (an invite was pasted: our answer is in ``my_answer``), ``completed``
    (an answer finished one of our invites) or ``error``."""
    code = None
    if isinstance(error, BaseException):
        code = error_code(error)
    elif error is not None:
        code = "internal"
    text = None if error is None else str(error)
    return {"ok": ok, "kind": kind, "error": text, "code": code, "at": at}


def encode_state_fields(snap: PartySnapshot, last_result: Json | None = None) -> Json:
    """The party state without ``type``/``timestamp``: Rose's ``get_state_dict()`` (Rose
    spreads it into its own ``party-state`` message and adds its timestamp)."""
    invite = _newest(snap, PendingTokenKind.INVITE)
    answer = _newest(snap, PendingTokenKind.ANSWER)
    me = snap.me
    return {
        "bridge_version": BRIDGE_VERSION,
        "enabled": snap.enabled,
        "phase": snap.phase,
        "party_phase": party_phase(snap.phase).value,
        "my_token": None if invite is None else invite.token,
        "my_token_expires_at": None if invite is None else invite.expires_at,
        "my_answer": None if answer is None else answer.token,
        "my_answer_expires_at": None if answer is None else answer.expires_at,
        "pending": [_pending(p) for p in snap.pending],
        "my_puuid": None if me is None else me.puuid,
        "my_summoner_id": None if me is None else me.summoner_id,
        "my_summoner_name": None if me is None else me.riot_id,
        "me": None if me is None else encode_member(me),
        "members": [encode_member(m) for m in snap.members],
        "peers": [_peer(m) for m in snap.members],
        "last_result": last_result,
        "warnings": list(snap.warnings),
        "league_chat": encode_league_chat(snap.league_chat),
    }


def encode_league_chat(info: ChatInfo) -> Json:
    """The ``league_chat`` object of the state (docs/bridge.md)."""
    return asdict(info) | {
        "remembered": [asdict(f) for f in info.remembered],
        "refused": list(info.refused),
    }


def encode_state(
    snap: PartySnapshot, request_id: str | int | None = None, last_result: Json | None = None
) -> Json:
    fields = encode_state_fields(snap, last_result)
    return _tag({"type": "party-state", **fields, "timestamp": snap.timestamp}, request_id)


def encode_enabled(
    token: PendingToken | None,
    error: BaseException | None = None,
    request_id: str | int | None = None,
) -> Json:
    if error is not None or token is None:
        text = str(error) if error is not None else "No invite could be made."
        code = "internal" if error is None else error_code(error)
        return _tag(
            {"type": "party-enabled", "success": False, "error": text, "code": code}, request_id
        )
    msg = {"type": "party-enabled", "success": True}
    msg |= {"token": token.token, "expires_at": token.expires_at}
    return _tag(msg, request_id)


def encode_disabled(request_id: str | int | None = None) -> Json:
    return _tag({"type": "party-disabled"}, request_id)


def encode_invite(token: PendingToken, request_id: str | int | None = None) -> Json:
    msg = {"type": "party-invite", "token": token.token, "expires_at": token.expires_at}
    return _tag(msg, request_id)


def encode_token_result(
    outcome: TokenOutcome, message_type: str, request_id: str | int | None = None
) -> Json:
    """``message_type``: ``party-token-result`` or Rose's ``party-peer-added``."""
    if outcome.answer is not None:
        msg: Json = {"type": message_type, "success": True, "kind": "answer"}
        msg |= {"answer": outcome.answer.token, "expires_at": outcome.answer.expires_at}
    else:
        msg = {"type": message_type, "success": outcome.completed, "kind": "completed"}
    return _tag(msg, request_id)


def encode_token_failure(
    error: BaseException, message_type: str, request_id: str | int | None = None
) -> Json:
    msg = {"type": message_type, "success": False, "error": str(error), "code": error_code(error)}
    return _tag(msg, request_id)


def encode_peer_removed(
    success: bool,
    member: str,
    *,
    error: BaseException | None = None,
    request_id: str | int | None = None,
) -> Json:
    msg: Json = {"type": "party-peer-removed", "success": success}
    if member.isdigit():
        msg["summoner_id"] = int(member)
    else:
        msg["puuid"] = member
    if error is not None:
        msg |= {"error": str(error), "code": error_code(error)}
    elif not success:
        msg |= {"error": "No party member by that id.", "code": "unknown-member"}
    return _tag(msg, request_id)


def encode_phase_change(phase: str) -> Json:
    return {"type": "phase-change", "phase": phase, "party_phase": party_phase(phase).value}


def encode_error(error: BaseException) -> Json:
    rtype = error.request_type if isinstance(error, BridgeMessageError) else None
    rid = error.request_id if isinstance(error, BridgeMessageError) else None
    msg = {"type": "party-error", "error": str(error), "code": error_code(error)}
    return _tag(msg | {"request_type": rtype}, rid)
