"""One UI message in, the replies and broadcasts out: the bridge's logic without a server.

``handle_ui_message(control, frame)`` runs on the party's event loop (``control`` is a
:class:`~webrtc_party.rose.control.PartyControl`). The aiohttp server in
``bridge_server`` is a thin shell around it; Rose's own bridge can call it the same way (through
``PartyManager.handle_ui_message_async`` when the party runs on its own thread).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from webrtc_party.errors import PartyError
from webrtc_party.rose.bridge_chat import encode_friend_forgotten, encode_league_chat_set
from webrtc_party.rose.bridge_messages import (
    BridgeMessageError,
    Json,
    Request,
    RequestType,
    decode_request,
    encode_disabled,
    encode_enabled,
    encode_error,
    encode_invite,
    encode_peer_removed,
    encode_state,
    encode_token_failure,
    encode_token_result,
    error_code,
)
from webrtc_party.rose.control import ChatInfo, PartyControl, PendingToken, PendingTokenKind
from webrtc_party.rose.errors import NotEnabledError

__all__ = ["Outgoing", "handle_ui_message", "reusable_invite"]

log = logging.getLogger(__name__)
REUSE_MIN_LEFT = 120  # seconds: an invite with less time left is not handed out again


@dataclass(frozen=True)
class Outgoing:
    """A message for the panel that asked (``broadcast=False``) or for every panel."""

    message: Json
    broadcast: bool = False


def reusable_invite(control: PartyControl, now: float) -> PendingToken | None:
    """Our newest pending invite if it still has a while to live (Rose's enable twice)."""
    invites = [p for p in control.snapshot().pending if p.kind is PendingTokenKind.INVITE]
    best = max(invites, key=lambda p: p.expires_at, default=None)
    return best if best is not None and best.expires_at - now >= REUSE_MIN_LEFT else None


async def _invite(control: PartyControl, *, reuse: bool) -> PendingToken:
    await control.enable()
    if reuse:
        found = reusable_invite(control, control.snapshot().timestamp)
        if found is not None:
            return found
    return await control.create_invite()


async def _dispatch(control: PartyControl, req: Request) -> list[Json]:
    rid = req.request_id
    kind = req.type
    if kind is RequestType.GET_STATE:
        return [encode_state(control.snapshot(), rid)]
    if kind is RequestType.ENABLE:
        try:
            # While on, Rose's panels ask again for the next friend: a fresh invite.
            token = await _invite(control, reuse=not control.enabled)
        except PartyError as exc:
            return [encode_enabled(None, exc, rid)]
        return [encode_enabled(token, None, rid)]
    if kind is RequestType.DISABLE:
        await control.disable()
        return [encode_disabled(rid)]
    if kind is RequestType.CREATE_INVITE:
        return [encode_invite(await _invite(control, reuse=False), rid)]
    if kind in (RequestType.PASTE_TOKEN, RequestType.ADD_PEER):
        mtype = "party-token-result" if kind is RequestType.PASTE_TOKEN else "party-peer-added"
        assert req.token is not None  # decode_request guarantees it
        try:
            await control.enable()
            outcome = await control.accept(req.token)
        except PartyError as exc:
            return [encode_token_failure(exc, mtype, rid)]
        return [encode_token_result(outcome, mtype, rid)]
    if kind in (RequestType.SET_LEAGUE_CHAT, RequestType.FORGET_FRIEND):
        return await _league_chat(control, req)
    assert kind is RequestType.REMOVE_PEER and req.member is not None
    if not control.enabled:
        return [encode_peer_removed(False, req.member, error=NotEnabledError(), request_id=rid)]
    removed = await control.remove(req.member)
    return [encode_peer_removed(removed, req.member, request_id=rid)]


@runtime_checkable
class LeagueChatControl(Protocol):
    """What a party service with League chat adds (``PartyService`` has it)."""

    async def set_league_chat(self, on: bool, explained: bool | None = None) -> ChatInfo: ...

    def forget_friend(self, puuid: str | None) -> int: ...


async def _league_chat(control: PartyControl, req: Request) -> list[Json]:
    if not isinstance(control, LeagueChatControl):
        raise BridgeMessageError(
            "league-chat-unavailable",
            "League chat is not available in this party service.",
            req.type.value,
            req.request_id,
        )
    if req.type is RequestType.SET_LEAGUE_CHAT:
        assert req.enabled is not None  # decode_request guarantees it
        info = await control.set_league_chat(req.enabled, req.explained)
        return [encode_league_chat_set(info, req.request_id)]
    puuid = None if req.forget_all else req.member
    return [encode_friend_forgotten(control.forget_friend(puuid), puuid, req.request_id)]


async def handle_ui_message(
    control: PartyControl, frame: str | bytes | Mapping[str, Any]
) -> list[Outgoing]:
    """Handle one panel message. Never raises for bad input or a refused action: those
    become ``party-error`` or a ``success: false`` reply. A change ends with a broadcast
    ``party-state``."""
    try:
        req = decode_request(frame)
    except BridgeMessageError as exc:
        log.info("bridge: refused a message (%s): %s", exc.code, exc)
        return [Outgoing(encode_error(exc))]
    try:
        replies = await _dispatch(control, req)
    except PartyError as exc:
        err = BridgeMessageError(error_code(exc), str(exc), req.type.value, req.request_id)
        return [Outgoing(encode_error(err))]
    except Exception as exc:
        log.exception("bridge: %s failed", req.type.value)
        err = BridgeMessageError(
            "internal", f"Something went wrong: {exc}", req.type.value, req.request_id
        )
        return [Outgoing(encode_error(err))]
    out = [Outgoing(m) for m in replies]
    if req.type is not RequestType.GET_STATE:
        out.append(Outgoing(encode_state(control.snapshot()), broadcast=True))
    return out
