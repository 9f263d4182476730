"""``LeagueChatAgent``: the League-chat handshake's shell, beside a ``PartyService``.

While the party is on it talks to the League client's chat (its own HTTPS + WAMP session,
credentials from the lockfile or Rose's ``lcu``), feeds :class:`ChatHandshake` what the client
shows, and carries out its actions: an invite made for one friend (``PartyNode.invite_for``:
the link must say hello as that friend) sent in a DM, an incoming invite accepted as bound to
its sender and answered with ONE DM, an answer completing our invite's link. When the chat API
is missing or failing, ``problem`` says so and tokens still work. See docs/league-chat.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

from signaling.errors import TokenError
from webrtc_party.errors import PartyError
from webrtc_party.lcu.chat import (
    CHAT_TOPIC,
    ChatUser,
    LeagueChat,
    message_uri,
    parse_message,
)
from webrtc_party.lcu.client import Credentials, LcuClient
from webrtc_party.lcu.errors import LcuError
from webrtc_party.lcu.wamp import EventType, LcuEvent
from webrtc_party.link_events import LinkState
from webrtc_party.node import PartyNode
from webrtc_party.rose.chat_handshake import (
    MARK,
    AcceptAnswer,
    AcceptInvite,
    ChatHandshake,
    ChatKind,
    Ignored,
    encode_chat,
)
from webrtc_party.rose.service import PartyService

__all__ = ["LINKED_VIA", "LeagueChatAgent"]

log = logging.getLogger(__name__)
LINKED_VIA = "league-chat"


class LeagueChatAgent:
    """Run ``await agent.run()`` in a task next to the service; cancel it to stop."""

    def __init__(
        self,
        service: PartyService,
        credentials: Credentials,
        *,
        cafile: Path | None = None,
        verify: bool = True,
        clock: Callable[[], float] = time.time,
        poll: float = 0.25,
        retry_delay: float = 2.0,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self._service = service
        self._credentials = credentials
        self._cafile, self._verify = cafile, verify
        self._clock = clock
        self._poll, self._retry_delay = poll, retry_delay
        self._on_event = on_event
        self.problem: str | None = None
        self.messages_sent = 0
        self.sessions = 0
        self.ignored: list[str] = []  # why each party-format message was ignored
        self._friends: dict[str, ChatUser] = {}
        self._core: ChatHandshake | None = None
        self._node: PartyNode | None = None
        self._bound: dict[str, str] = {}  # link name -> the friend it must reach
        self._invite_links: dict[str, str] = {}  # friend -> link name of our open invite

    # -- what the panel shows ---------------------------------------------------------------

    def verified(self) -> dict[str, str]:
        """PUUID -> ``"league-chat"`` for members whose link the chat bound and who said
        hello as that PUUID (the node closes the link otherwise)."""
        node = self._node
        if node is None or node is not self._service.node:
            return {}
        open_links = {p.peer for p in node.peers() if p.state is LinkState.OPEN}
        members = {m.member_id for m in node.members() if not m.is_local}
        return {
            friend: LINKED_VIA
            for peer, friend in self._bound.items()
            if peer in open_links and friend in members
        }

    # -- the session ------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            try:
                await self._session()
            except (LcuError, OSError) as exc:
                self._set_problem(
                    f"League chat unavailable ({exc}); friends can still join by pasting tokens."
                )
            await asyncio.sleep(self._retry_delay)

    def _set_problem(self, text: str | None) -> None:
        if text != self.problem:
            if text is not None:
                log.warning("league chat: %s", text)
            self.problem = text
            self._service._changed()

    def _say(self, text: str) -> None:
        log.info("league chat: %s", text)
        if self._on_event is not None:
            self._on_event(text)

    async def _session(self) -> None:
        lock = await asyncio.to_thread(self._credentials)
        async with LcuClient(lock, cafile=self._cafile, verify=self._verify) as client:
            chat = LeagueChat(client)
            async with client.subscribe([CHAT_TOPIC]) as events:
                me = await chat.me()
                self._friends = await chat.friends()
                self.sessions += 1
                self._core = None  # a new chat session: our open invites are gone
                self._set_problem(None)
                log.info("league chat: %s, %d friends", me.name, len(self._friends))
                async with asyncio.TaskGroup() as tasks:
                    tasks.create_task(self._drive(chat))
                    async for event in events:
                        await self._on_message(chat, event)

    def _current(self) -> tuple[PartyNode, ChatHandshake] | None:
        node = self._service.node
        if node is None:
            self._node, self._core = None, None
            return None
        if node is not self._node or self._core is None:
            self._node = node
            self._core = ChatHandshake(node.identity.puuid, self._clock())
            self._bound, self._invite_links = {}, {}
        return node, self._core

    def _lobby(self) -> set[str]:
        return {p.puuid.lower() for p in self._service.league.premade}

    async def _drive(self, chat: LeagueChat) -> None:
        while True:
            current = self._current()
            if current is not None:
                node, core = current
                linked = {m.member_id.lower() for m in node.members() if not m.is_local}
                for friend in [f for f in core.open_invites() if f in linked]:
                    core.linked(friend)
                for action in core.invites_to_send(self._friends, self._lobby(), linked):
                    await self._invite(chat, node, core, action.friend)
            await asyncio.sleep(self._poll)

    async def _invite(
        self, chat: LeagueChat, node: PartyNode, core: ChatHandshake, friend: str
    ) -> None:
        user = self._friends[friend]
        try:
            made = await node.invite_for(friend)
        except PartyError as exc:
            core.failed(friend)
            log.warning("league chat: no invite for %s: %s", user.name, exc)
            return
        self._bound[made.peer] = friend
        self._invite_links[friend] = made.peer
        try:
            conversation = await chat.open_dm(user)
            await chat.send(conversation, encode_chat(ChatKind.INVITE, made.text))
        except LcuError:
            core.failed(friend)
            await node.close_peer_link(made.peer, "the chat invite could not be sent")
            raise
        self.messages_sent += 1
        self._say(f"invite sent to {user.name} in a League chat DM")

    async def _on_message(self, chat: LeagueChat, event: LcuEvent) -> None:
        if event.event_type is not EventType.CREATE:
            return
        ids = message_uri(event.uri)
        msg = parse_message(ids[0], event.data) if ids is not None else None
        if msg is None or MARK not in msg.body:
            return
        current = self._current()
        if current is None:
            self.ignored.append("the party is off")
            return
        node, core = current
        kind = await chat.conversation_type(msg.conversation_id)
        action = core.receive(msg, kind, self._friends, self._lobby())
        if isinstance(action, Ignored):
            self.ignored.append(action.reason)
            log.debug("league chat: ignored a message from %s: %s", msg.sender, action.reason)
            return
        user = self._friends[action.friend]
        try:
            if isinstance(action, AcceptInvite):
                made = await node.accept_from(action.token, action.friend)
                if made is None:
                    return
                self._bound[made.peer] = action.friend
                conversation = await chat.open_dm(user)
                await chat.send(conversation, encode_chat(ChatKind.ANSWER, made.text))
                self.messages_sent += 1
                self._say(f"answered {user.name}'s invite in a League chat DM")
            elif isinstance(action, AcceptAnswer):
                link = self._invite_links.pop(action.friend, None)
                await node.accept_from(action.token, action.friend, answer_for=link)
                self._say(f"{user.name} answered in a League chat DM")
        except (TokenError, PartyError) as exc:
            core.failed(action.friend)
            self.ignored.append(f"bad token: {exc}")
            log.warning("league chat: token from %s refused: %s", user.name, exc)
