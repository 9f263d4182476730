"""``ChatHub``: the League chat shared by several emulated clients (one per account).

The real client's chat plugin (``/lol-chat/v1/...``) as a friend sees it: ``me``, the friend
list, direct conversations (id ``<puuid>@<platform>.pvp.net``), the lobby's group room (id =
the lobby's ``multiUserChatId``), and messages with the key set of the client's schema plus
the newer ``fromPuuid``. A message sent by one client is stored in both ends' histories and
published as a ``Create`` event at ``/lol-chat/v1/conversations/<url-encoded id>/messages/<id>``
to the sender (its own echo) and to the recipient (if its emulator runs). ``broken`` makes one
account's chat answer an HTTP error (an older client without the plugin: 404).
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from webrtc_party.lcu.emulator.payloads import Account, not_found

if TYPE_CHECKING:
    from webrtc_party.lcu.emulator.server import LcuEmulator

__all__ = ["CHAT_PREFIX", "ChatHub", "SentMessage"]

Json = Any
CHAT_PREFIX = "/lol-chat/v1/"
CONVERSATIONS = "/lol-chat/v1/conversations"


@dataclass(frozen=True)
class SentMessage:
    """One message as the hub saw it (for tests: who wrote what to whom)."""

    sender: str  # puuid
    conversation: str  # the id as the recipient sees it
    recipient: str  # puuid, or "" for a group room
    body: str
    type: str


@dataclass
class _Client:
    account: Account
    emulator: LcuEmulator | None = None
    conversations: dict[str, Json] = field(default_factory=dict)  # id -> conversation body
    messages: dict[str, list[Json]] = field(default_factory=dict)  # id -> messages


class ChatHub:
    """One chat server for every emulated client built on the same accounts."""

    def __init__(
        self,
        accounts: Iterable[Account],
        *,
        platform: str = "eu1",
        friends: Iterable[tuple[str, str]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.platform = platform
        self._clock = clock
        self._clients = {a.puuid: _Client(a) for a in accounts}
        everyone = list(self._clients)
        pairs = (
            friends
            if friends is not None
            else ((a, b) for a, b in itertools.combinations(everyone, 2))
        )
        self.friends: set[frozenset[str]] = {frozenset(p) for p in pairs}
        self.sent: list[SentMessage] = []
        self.broken: dict[str, int] = {}  # puuid -> HTTP status its chat answers with
        self._seq = 0

    # -- setup ------------------------------------------------------------------------------

    def attach(self, emulator: LcuEmulator) -> None:
        """Serve ``/lol-chat`` for this emulator (its world's local account)."""
        me = emulator.world.me.puuid
        if me not in self._clients:
            self._clients[me] = _Client(emulator.world.me)
        self._clients[me].emulator = emulator
        emulator.chat = self

    def pid(self, puuid: str) -> str:
        return f"{puuid}@{self.platform}.pvp.net"

    def unfriend(self, a: str, b: str) -> None:
        self.friends.discard(frozenset((a, b)))

    def received_by(self, puuid: str) -> list[SentMessage]:
        return [m for m in self.sent if m.recipient == puuid]

    def sent_by(self, puuid: str) -> list[SentMessage]:
        return [m for m in self.sent if m.sender == puuid]

    def mark_historical(self, puuid: str) -> None:
        """What a client restart does: every message it loads again is historical."""
        for history in self._clients[puuid].messages.values():
            for msg in history:
                msg["isHistorical"] = True

    # -- bodies -----------------------------------------------------------------------------

    def _user(self, acc: Account) -> Json:
        return {
            "availability": "chat",
            "gameName": acc.game_name,
            "gameTag": acc.tag_line,
            "icon": acc.icon,
            "id": self.pid(acc.puuid),
            "lastSeenOnlineTimestamp": None,
            "lol": {"gameStatus": "outOfGame"},
            "name": acc.game_name,
            "patchline": "live",
            "pid": self.pid(acc.puuid),
            "platformId": self.platform.upper(),
            "product": "league_of_legends",
            "productName": "League of Legends",
            "puuid": acc.puuid,
            "statusMessage": "",
            "summary": "",
            "summonerId": acc.summoner_id,
            "time": 0,
        }

    def _friend(self, acc: Account) -> Json:
        body = self._user(acc)
        body.update(
            {
                "displayGroupId": 0,
                "displayGroupName": "**Default",
                "groupId": 0,
                "groupName": "**Default",
                "isP2PConversationMuted": False,
                "note": "",
            }
        )
        return body

    def _conversation(self, conv_id: str, kind: str, other: Account | None) -> Json:
        return {
            "gameName": other.game_name if other else "",
            "gameTag": other.tag_line if other else "",
            "id": conv_id,
            "inviterId": "",
            "isMuted": False,
            "lastMessage": None,
            "name": other.game_name if other else "",
            "password": "",
            "pid": self.pid(other.puuid) if other else conv_id,
            "targetRegion": self.platform,
            "type": kind,
            "unreadMessageCount": 0,
        }

    def _message(self, sender: Account, body: str, kind: str) -> Json:
        self._seq += 1
        now = self._clock()
        stamp = datetime.datetime.fromtimestamp(now, datetime.UTC)
        return {
            "body": body,
            "fromId": self.pid(sender.puuid),
            "fromObfuscatedSummonerId": 0,
            "fromPid": self.pid(sender.puuid),
            "fromPuuid": sender.puuid,
            "fromSummonerId": sender.summoner_id,
            "id": f"{int(now * 1000)}:{self._seq}",
            "isHistorical": False,
            "timestamp": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "type": kind,
        }

    # -- requests ---------------------------------------------------------------------------

    async def handle(
        self, emulator: LcuEmulator, method: str, uri: str, body: Json
    ) -> tuple[int, Json]:
        """One ``/lol-chat`` request from ``emulator``: (HTTP status, JSON body)."""
        me = self._clients[emulator.world.me.puuid]
        status = self.broken.get(me.account.puuid)
        if status is not None:
            if status == 404:
                return 404, not_found(uri)
            return status, {"errorCode": "RPC_ERROR", "httpStatus": status, "message": "chat"}
        self._sync_group(me, emulator)
        if method == "GET" and uri == "/lol-chat/v1/me":
            return 200, self._user(me.account)
        if method == "GET" and uri == "/lol-chat/v1/friends":
            return 200, [self._friend(self._clients[p].account) for p in self._friends_of(me)]
        if uri == CONVERSATIONS:
            if method == "GET":
                return 200, list(me.conversations.values())
            if method == "POST":
                return self._open(me, body)
        parts = uri[len(CONVERSATIONS) + 1 :].split("/") if uri.startswith(CONVERSATIONS) else []
        if parts and parts[0]:
            conv_id = unquote(parts[0])
            if conv_id not in me.conversations:
                return 404, not_found(uri)
            if len(parts) == 1 and method == "GET":
                return 200, me.conversations[conv_id]
            if parts[1:] == ["messages"] and method == "GET":
                return 200, list(me.messages.get(conv_id, []))
            if parts[1:] == ["messages"] and method == "POST":
                return await self._post(me, conv_id, body)
        return 404, not_found(uri)

    def _friends_of(self, me: _Client) -> list[str]:
        mine = me.account.puuid
        return [p for p in self._clients if p != mine and frozenset((mine, p)) in self.friends]

    def _sync_group(self, me: _Client, emulator: LcuEmulator) -> None:
        """The lobby's group room exists while the client is in a lobby."""
        world = emulator.world
        for conv_id in [c for c, v in me.conversations.items() if v["type"] != "chat"]:
            if conv_id != world.party_id:
                del me.conversations[conv_id]
        if world.party_id and world.party_id not in me.conversations:
            kind = "customGame" if world.is_custom else "lobby"
            me.conversations[world.party_id] = self._conversation(world.party_id, kind, None)

    def _open(self, me: _Client, body: Json) -> tuple[int, Json]:
        pid = body.get("pid") if isinstance(body, dict) else None
        if not isinstance(pid, str) or body.get("type", "chat") != "chat":
            return 400, {"errorCode": "RPC_ERROR", "httpStatus": 400, "message": "bad request"}
        other = self._clients.get(pid.split("@", 1)[0])
        if other is None:
            return 404, not_found(CONVERSATIONS)
        if pid not in me.conversations:
            me.conversations[pid] = self._conversation(pid, "chat", other.account)
        return 200, me.conversations[pid]

    async def _post(self, me: _Client, conv_id: str, body: Json) -> tuple[int, Json]:
        text = body.get("body") if isinstance(body, dict) else None
        kind = body.get("type", "chat") if isinstance(body, dict) else None
        if not isinstance(text, str) or kind not in ("chat", "groupchat", "celebration"):
            return 400, {"errorCode": "RPC_ERROR", "httpStatus": 400, "message": "bad message"}
        conv = me.conversations[conv_id]
        msg = self._message(me.account, text, "groupchat" if conv["type"] != "chat" else kind)
        await self._deliver(me, conv_id, msg)
        if conv["type"] == "chat" and kind != "celebration":  # celebration stays local
            other = self._clients.get(conv_id.split("@", 1)[0])
            if other is not None and frozenset((me.account.puuid, other.account.puuid)) in (
                self.friends
            ):
                mine = self.pid(me.account.puuid)
                if mine not in other.conversations:
                    other.conversations[mine] = self._conversation(mine, "chat", me.account)
                sent = SentMessage(me.account.puuid, mine, other.account.puuid, text, kind)
                self.sent.append(sent)
                await self._deliver(other, mine, dict(msg))
        elif conv["type"] != "chat":
            self.sent.append(SentMessage(me.account.puuid, conv_id, "", text, "groupchat"))
            for other in self._clients.values():
                emu = other.emulator
                if other is not me and emu is not None and emu.world.party_id == conv_id:
                    self._sync_group(other, emu)
                    await self._deliver(other, conv_id, dict(msg))
        return 200, msg

    async def _deliver(self, client: _Client, conv_id: str, msg: Json) -> None:
        client.messages.setdefault(conv_id, []).append(msg)
        client.conversations[conv_id]["lastMessage"] = msg
        emu = client.emulator
        if emu is not None and emu.port and emu.running:
            uri = f"{CONVERSATIONS}/{quote(conv_id, safe='')}/messages/{msg['id']}"
            await emu.publish(uri, "Create", msg)
