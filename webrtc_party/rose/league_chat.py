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
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from signaling.errors import UnknownInviteError
from webrtc_party.errors import PartyError
from webrtc_party.lcu.chat import (
    CHAT_TOPIC,
    ChatMessage,
    ChatUser,
    LeagueChat,
    message_uri,
    parse_message,
)
from webrtc_party.lcu.client import Credentials, LcuClient
from webrtc_party.lcu.errors import LcuError
from webrtc_party.lcu.wamp import EventType, LcuEvent
from webrtc_party.node import PartyNode
from webrtc_party.party import Reachability
from webrtc_party.rose.chat_handshake import (
    ANSWERED,
    MARK,
    NOT_IN_LOBBY,
    AcceptAnswer,
    AcceptInvite,
    ChatHandshake,
    ChatKind,
    Ignored,
    encode_chat,
)

if TYPE_CHECKING:
    from webrtc_party.rose.service import PartyService

__all__ = ["LINKED_VIA", "LeagueChatAgent"]

log = logging.getLogger(__name__)
LINKED_VIA = "league-chat"
IGNORED_KEPT = 64  # reasons kept in ``ignored`` (strangers can send any number of messages)


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
        allowed: Callable[[str], bool] | None = None,
        known_key: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self._service = service
        self._credentials = credentials
        self._cafile, self._verify = cafile, verify
        self._clock = clock
        self._poll, self._retry_delay = poll, retry_delay
        self._on_event = on_event
        self._allowed = allowed or (lambda _puuid: True)
        self._known_key = known_key or (lambda _puuid: None)  # a remembered friend's key
        self.refused: set[str] = set()  # friends refused this party (a remembered key differed)
        self.problem: str | None = None
        self.messages_sent = 0
        self.sessions = 0
        self.ignored: deque[str] = deque(maxlen=IGNORED_KEPT)  # why (the newest) were ignored
        self._friends: dict[str, ChatUser] = {}
        self._core: ChatHandshake | None = None
        self._node: PartyNode | None = None
        self._bound: dict[str, str] = {}  # link name -> the friend it must reach
        self._invite_links: dict[str, list[str]] = {}  # friend -> links of our invites
        self._answer_links: dict[str, str] = {}  # friend -> the link of our one answer
        self._newer: dict[str, ChatMessage] = {}  # friend -> an invite while answered already
        self._answering: set[str] = set()  # friends whose answer is being made right now
        self._catch_up = True
        self._deferred: dict[str, ChatMessage] = {}  # friend -> its newest message, lobby-early

    # -- what the panel shows ---------------------------------------------------------------

    def verified(self) -> dict[str, str]:
        """PUUID -> ``"league-chat"`` for members who said hello as that PUUID on a link a
        chat message bound to them (the node closes such a link otherwise). It holds for the
        party's life: the core pins the key of that hello, so every later link of the member
        (an introduction racing the chat, say) must show the same key."""
        node = self._service.node
        members = {m.member_id for m in node.members()} if node is not None else set()
        return {f: LINKED_VIA for f in self.identified() if f in members}

    def identified(self) -> frozenset[str]:
        """Friends who said hello on a chat-bound link this party (none refused)."""
        node = self._node
        if node is None or node is not self._service.node:
            return frozenset()
        return frozenset(node.hello_on_bound & set(self._bound.values()) - self.refused)

    def bound(self) -> dict[str, str]:
        """Link name -> the friend a chat message bound it to (this party)."""
        return dict(self._bound) if self._node is self._service.node else {}

    def _usable_friends(self) -> dict[str, ChatUser]:
        """My friends this agent may link with now (the service's rule; none refused)."""
        return {
            p: u for p, u in self._friends.items() if p not in self.refused and self._allowed(p)
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
                # the core (what we sent and answered) lives as long as the party, not the
                # chat session: a reconnect sends no new invites and answers nothing twice
                self._catch_up = True
                self._set_problem(None)
                log.info("league chat: %s, %d friends", me.name, len(self._friends))
                # not a TaskGroup: it would wrap the stream's LcuError in an ExceptionGroup
                drive = asyncio.get_running_loop().create_task(self._drive(chat))
                try:
                    async for event in events:
                        if drive.done():
                            break
                        await self._on_message(chat, event)
                finally:
                    drive.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await drive
                drive.result()  # the drive's own error (chat failing) ends the session

    def _current(self) -> tuple[PartyNode, ChatHandshake] | None:
        node = self._service.node
        if node is None:
            self._node, self._core = None, None
            return None
        if node is not self._node:
            self._bound, self._invite_links, self._deferred = {}, {}, {}
            self._answer_links, self._newer = {}, {}
        if node is not self._node or self._core is None:
            self._node = node
            self._core = ChatHandshake(node.identity.puuid, self._clock())
            self._catch_up = True
        return node, self._core

    def _lobby(self) -> set[str]:
        return {p.puuid.lower() for p in self._service.league.premade}

    async def _drive(self, chat: LeagueChat) -> None:
        while True:
            current = self._current()
            if current is not None:
                node, core = current
                # a friend counts as linked once it said hello on a chat-bound link and is
                # direct: a link an introduction made first does not stop the chat handshake
                # (it proves the PUUID; the core then keeps one of the two links)
                direct = {
                    m.member_id.lower()
                    for m in node.members()
                    if not m.is_local and m.status is Reachability.DIRECT
                }
                linked = set(self.identified()) & direct
                for friend in [f for f in core.open_invites() if f in linked]:
                    core.linked(friend)
                await self._answers_gone(chat, node, core)
                friends = self._usable_friends()
                for action in core.invites_to_send(friends, self._lobby(), linked):
                    await self._invite(chat, node, core, action.friend)
                if self._catch_up:
                    self._catch_up = False
                    await self._read_waiting(chat, core, linked)
                lobby = self._lobby()
                for sender in [f for f in self._deferred if f in lobby]:
                    await self._handle(chat, self._deferred.pop(sender))
            await asyncio.sleep(self._poll)

    async def _answers_gone(self, chat: LeagueChat, node: PartyNode, core: ChatHandshake) -> None:
        """A friend we answered may be answered again only once that answer's link is gone
        (closed, timed out, or dropped later): then the newest invite they sent meanwhile
        (their client restarted) gets its ONE answer. One link and one answer at a time.
        Likewise our open invite to a friend ends once its link is gone (expired unanswered):
        then one new invite may go."""
        alive = {p.peer for p in node.peers()}
        for friend in sorted(core.open_invites()):
            if not any(link in alive for link in self._invite_links.get(friend, [])):
                self._invite_links.pop(friend, None)
                core.failed(friend)
        for friend in sorted(core.answered()):
            if friend in self._answering or self._answer_links.get(friend) in alive:
                continue
            self._answer_links.pop(friend, None)
            core.failed(friend)
            newer = self._newer.pop(friend, None)
            if newer is not None:
                await self._handle(chat, newer)

    async def _read_waiting(self, chat: LeagueChat, core: ChatHandshake, linked: set[str]) -> None:
        """Messages that came before we listened (the party went on later, this agent started
        after the client, or the chat reconnected): the newest party message of each lobby
        friend who invites us, or who owes an answer to our open invite; the core's rules
        (not historical, not older than the party) still hold."""
        waiting = core.open_invites()
        for friend in sorted(self._lobby() - linked):
            user = self._friends.get(friend)
            if user is None or (core.invites(friend) and friend not in waiting):
                continue
            for msg in reversed(await chat.messages(user.pid)):
                if MARK in msg.body and msg.sender == friend:
                    await self._handle(chat, msg)
                    break

    async def _invite(
        self, chat: LeagueChat, node: PartyNode, core: ChatHandshake, friend: str
    ) -> None:
        user = self._friends[friend]
        try:
            made = await node.invite_for(friend, key=self._known_key(friend))
        except PartyError as exc:
            core.failed(friend)
            log.warning("league chat: no invite for %s: %s", user.name, exc)
            return
        self._bound[made.peer] = friend
        self._invite_links.setdefault(friend, []).insert(0, made.peer)
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
        await self._handle(chat, msg)

    async def _handle(self, chat: LeagueChat, msg: ChatMessage) -> None:
        current = self._current()
        if current is None:
            self.ignored.append("the party is off")
            return
        node, core = current
        kind = await chat.conversation_type(msg.conversation_id)
        action = core.receive(msg, kind, self._usable_friends(), self._lobby())
        if isinstance(action, Ignored):
            if action.reason == NOT_IN_LOBBY and msg.sender in self._friends:
                # my client may show the lobby a moment after theirs: try again when it does
                self._deferred[msg.sender] = msg
            elif action.reason == ANSWERED:
                self._newer[msg.sender] = msg  # handled once our answer's link is gone
            self.ignored.append(action.reason)
            log.debug("league chat: ignored a message from %s: %s", msg.sender, action.reason)
            return
        user = self._friends[action.friend]
        if isinstance(action, AcceptInvite):
            self._answering.add(action.friend)
        try:
            if isinstance(action, AcceptInvite):
                key = self._known_key(action.friend)
                made = await node.accept_from(action.token, action.friend, key=key)
                if made is None:
                    core.failed(action.friend)
                    return
                self._bound[made.peer] = action.friend
                self._answer_links[action.friend] = made.peer
                conversation = await chat.open_dm(user)
                await chat.send(conversation, encode_chat(ChatKind.ANSWER, made.text))
                self.messages_sent += 1
                self._say(f"answered {user.name}'s invite in a League chat DM")
            elif isinstance(action, AcceptAnswer):
                await self._complete(node, action)
                self._say(f"{user.name} answered in a League chat DM")
        except PartyError as exc:
            core.failed(action.friend)
            self.ignored.append(f"bad token: {exc}")
            log.warning("league chat: token from %s refused: %s", user.name, exc)
        finally:
            self._answering.discard(action.friend)

    async def _complete(self, node: PartyNode, action: AcceptAnswer) -> None:
        """The answer must complete one of OUR invites to this friend (newest first)."""
        links = self._invite_links.get(action.friend, [])
        last: Exception = UnknownInviteError()  # no invite of ours to this friend
        for link in links:
            try:
                key = self._known_key(action.friend)
                await node.accept_from(action.token, action.friend, answer_for=link, key=key)
            except UnknownInviteError as exc:
                last = exc
                continue
            links.remove(link)
            return
        raise last
