"""Pure codec of the UI bridge (docs/bridge.md): the Python -> UI messages, and (re-exported
from ``bridge_requests``) the decoder of UI requests.

No I/O and no clock: ``decode_request`` validates one frame from a panel and raises
:class:`BridgeMessageError` (with a ``code`` from the spec) for anything it cannot accept;
the ``encode_*`` functions build the flat JSON objects the panel reads.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from signaling.errors import TokenError
from webrtc_party.errors import ConnectError
from webrtc_party.rose.bridge_requests import (
    BRIDGE_VERSION,
    MAX_FRAME,
    MAX_ID,
    MAX_PASTE,
    MAX_TOKEN,
    PUUID_TEXT,
    BridgeMessageError,
    Json,
    Request,
    RequestType,
    decode_request,
)
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
    "MAX_ID",
    "MAX_PASTE",
    "MAX_TOKEN",
    "PUUID_TEXT",
    "BridgeMessageError",
    "Json",
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

log = logging.getLogger(__name__)

# -- Python -> UI ------------------------------------------------------------------------


def dumps(message: Mapping[str, Any]) -> str:
    """One frame for the panel: strict JSON, never NaN or Infinity (``JSON.parse`` rejects
    them). A message holding one is not sent: the panel gets an ``internal`` party-error
    naming the message type instead, and the Python side logs it."""
    try:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:  # a non-finite number somewhere in the message
        kind = message.get("type")
        log.error("bridge: %r message not sent: %s", kind, exc)
        err = BridgeMessageError(
            "internal", f"A {kind!r} message held a number JSON cannot carry; it was not sent."
        )
        return json.dumps(encode_error(err), separators=(",", ":"), ensure_ascii=False)


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
    out = asdict(info)
    out["selections"] = [asdict(s) for s in info.selections]  # a JSON list, not a tuple
    return out


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
        "skin_selections": [
            {
                "champion_id": s.champion_id,
                "skin_id": s.skin_id,
                "chroma_id": s.chroma_id,
                "custom_mod": s.custom_mod,
            }
            for s in info.selections
        ],
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
