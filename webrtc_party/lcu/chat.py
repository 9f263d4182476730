"""The League client's chat, as far as party mode needs it: who I am, my friends, DMs.

Pure parsing (``parse_message``, ``message_uri``, ``puuid_of``) and a thin shell,
:class:`LeagueChat`, over an :class:`~webrtc_party.lcu.client.LcuClient`: read ``/lol-chat/v1/me``
and ``/lol-chat/v1/friends``, open a direct conversation (``POST /lol-chat/v1/conversations``),
send one message (``POST .../messages``), and tell a conversation's type. Incoming messages
arrive as WAMP events on :data:`CHAT_TOPIC` at
``/lol-chat/v1/conversations/<url-encoded id>/messages/<id>`` (``Create``).
Unknown keys are ignored; newer clients' ``fromPuuid`` is used when present.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from webrtc_party.lcu.client import LcuClient, NotInPhase
from webrtc_party.lcu.errors import LcuProtocolError

__all__ = [
    "CHAT_TOPIC",
    "ChatMessage",
    "ChatUnavailableError",
    "ChatUser",
    "LeagueChat",
    "message_uri",
    "parse_message",
    "parse_user",
    "puuid_of",
]

Json = Any
CHAT_TOPIC = "OnJsonApiEvent_lol-chat_v1_conversations"
CONVERSATIONS = "/lol-chat/v1/conversations"
_MESSAGE_URI = re.compile(r"^/lol-chat/v1/conversations/([^/]+)/messages/([^/]+)$")
MAX_BODY = 4000  # characters we accept in one incoming message


class ChatUnavailableError(LcuProtocolError):
    """This League client has no usable chat API (an older client, or chat is down)."""

    user_message = "This League client has no usable chat (an older client, or chat is down)."


@dataclass(frozen=True)
class ChatUser:
    puuid: str
    pid: str  # the chat id: <puuid>@<platform>.pvp.net
    name: str  # Riot id (game name#tag) as the chat shows it


@dataclass(frozen=True)
class ChatMessage:
    conversation_id: str
    id: str
    body: str
    sender: str  # puuid
    type: str  # chat, groupchat, system, information, celebration
    is_historical: bool
    timestamp: float | None  # seconds since the epoch; None if unreadable


def puuid_of(pid: str) -> str:
    """``<puuid>@<platform>.pvp.net`` -> ``<puuid>`` (a bare puuid stays as it is)."""
    return pid.split("@", 1)[0].strip().lower()


def message_uri(uri: str) -> tuple[str, str] | None:
    """The conversation id and message id of a message event's uri, or None."""
    match = _MESSAGE_URI.match(uri)
    if match is None:
        return None
    return unquote(match.group(1)), unquote(match.group(2))


def _timestamp(text: object) -> float | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when.timestamp()


def parse_message(conversation_id: str, data: Json) -> ChatMessage | None:
    """A message body as the client sends it; None when it is not a readable message."""
    if not isinstance(data, dict):
        return None
    body, msg_id, kind = data.get("body"), data.get("id"), data.get("type")
    if not isinstance(body, str) or not isinstance(kind, str) or len(body) > MAX_BODY:
        return None
    sender = data.get("fromPuuid")
    if not isinstance(sender, str) or not sender:
        sender = data.get("fromPid") or data.get("fromId")
    if not isinstance(sender, str) or not sender:
        return None
    return ChatMessage(
        conversation_id,
        str(msg_id),
        body,
        puuid_of(sender),
        kind,
        data.get("isHistorical") is True,
        _timestamp(data.get("timestamp")),
    )


def parse_user(data: Json) -> ChatUser | None:
    if not isinstance(data, dict):
        return None
    pid = data.get("pid") or data.get("id")
    puuid = data.get("puuid") or (puuid_of(pid) if isinstance(pid, str) else "")
    if not isinstance(pid, str) or not isinstance(puuid, str) or not puuid:
        return None
    name, tag = data.get("gameName"), data.get("gameTag")
    label = f"{name}#{tag}" if isinstance(name, str) and name and tag else str(name or puuid[:8])
    return ChatUser(puuid.lower(), pid, label)


class LeagueChat:
    """The chat endpoints of one League client run (wraps an entered ``LcuClient``)."""

    def __init__(self, client: LcuClient) -> None:
        self.client = client
        self._types: dict[str, str] = {}

    async def _call(self, method: str, uri: str, body: Json = None) -> Json:
        result = await self.client.request(method, uri, body)
        if isinstance(result, NotInPhase):
            raise ChatUnavailableError(
                f"the League client has no chat API here ({method} {uri}: {result.message})"
            )
        return result

    async def me(self) -> ChatUser:
        user = parse_user(await self._call("GET", "/lol-chat/v1/me"))
        if user is None:
            raise ChatUnavailableError("the League client's chat did not say who you are")
        return user

    async def friends(self) -> dict[str, ChatUser]:
        listed = await self._call("GET", "/lol-chat/v1/friends")
        if not isinstance(listed, list):
            raise ChatUnavailableError("the League client's friend list is not a list")
        users = (parse_user(f) for f in listed)
        return {u.puuid: u for u in users if u is not None}

    async def open_dm(self, friend: ChatUser) -> str:
        """Open (or find) the direct conversation with ``friend``; its id."""
        conv = await self._call("POST", CONVERSATIONS, {"type": "chat", "pid": friend.pid})
        conv_id = conv.get("id") if isinstance(conv, dict) else None
        if not isinstance(conv_id, str) or not conv_id:
            raise ChatUnavailableError("the League client did not open the conversation")
        self._types[conv_id] = "chat"
        return conv_id

    async def send(self, conversation_id: str, body: str) -> None:
        uri = f"{CONVERSATIONS}/{quote(conversation_id, safe='')}/messages"
        await self._call("POST", uri, {"body": body, "type": "chat"})

    async def messages(self, conversation_id: str) -> list[ChatMessage]:
        """A conversation's messages as the client holds them ([] if there is none)."""
        uri = f"{CONVERSATIONS}/{quote(conversation_id, safe='')}/messages"
        result = await self.client.get(uri)
        if not isinstance(result, list):
            return []
        parsed = (parse_message(conversation_id, m) for m in result)
        self._types.setdefault(conversation_id, "chat")
        return [m for m in parsed if m is not None]

    async def conversation_type(self, conversation_id: str) -> str:
        """``chat`` for a direct conversation; a group room's type otherwise ("" unknown)."""
        known = self._types.get(conversation_id)
        if known is not None:
            return known
        result = await self.client.get(f"{CONVERSATIONS}/{quote(conversation_id, safe='')}")
        kind = result.get("type") if isinstance(result, dict) else None
        kind = kind if isinstance(kind, str) else ""
        if kind:
            self._types[conversation_id] = kind
        return kind
