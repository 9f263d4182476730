"""``ChatSwitch``: League-chat party mode inside a ``PartyService``.

It runs the :class:`~webrtc_party.rose.league_chat.LeagueChatAgent` while the setting is on
and the party is on, turns the party on by itself when a remembered friend is in my premade
lobby, remembers every friend linked by chat or by pasted tokens (PUUID, party key, name), and
refuses a remembered friend whose chat-made link says hello with another key. The service calls
``sync()`` after every change; everything runs on the service's loop. docs/league-chat.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from webrtc_party.errors import LocalError, PartyError
from webrtc_party.lcu.client import Credentials
from webrtc_party.party import Reachability
from webrtc_party.party.signing import public_key_bytes
from webrtc_party.rose.chat_store import ChatStore, RememberedFriend
from webrtc_party.rose.control import ChatFriend, ChatInfo, PartySnapshot
from webrtc_party.rose.league_chat import LeagueChatAgent
from webrtc_party.tasks import TaskSet

if TYPE_CHECKING:
    import asyncio

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from webrtc_party.node import PartyNode
    from webrtc_party.rose.service import PartyService

__all__ = ["ChatNotAvailableError", "ChatSetup", "ChatSwitch"]

log = logging.getLogger(__name__)


class ChatNotAvailableError(LocalError):
    """This party service was started without a League client to chat through."""

    user_message = (
        "League chat is not available here (no League client to chat through); "
        "friends can still join by pasting tokens."
    )

    code = "league-chat-unavailable"


@dataclass(frozen=True)
class ChatSetup:
    """How a service reaches the League client's chat, and where it keeps what it learns."""

    credentials: Credentials
    store: ChatStore
    cafile: Path | None = None
    verify: bool = True
    override: bool | None = None  # the CLI flag or env var for this run (None: the setting)
    poll: float = 0.25
    retry_delay: float = 2.0
    on_event: Callable[[str], None] | None = None


class ChatSwitch:
    def __init__(self, service: PartyService, setup: ChatSetup | None) -> None:
        self._service = service
        self.setup = setup
        self._tasks = TaskSet("league chat", log)
        self._task: asyncio.Task[None] | None = None
        self.agent: LeagueChatAgent | None = None
        self.auto = False
        self._suppressed = False  # the user turned the party off: no auto-on in this lobby
        self._manual: set[str] = set()  # links made from pasted tokens (this party)
        self._by_hand: set[str] = set()  # members met on such a link (this party)
        self._checked: set[str] = set()  # members whose key was compared with the remembered
        self._node: PartyNode | None = None
        self._warnings: dict[str, str] = {}  # puuid -> why its link was refused
        self._node_key: Ed25519PrivateKey | None = None
        self._key_saved = False  # the running party's key is the one in the data dir

    # -- the setting ------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        if self.setup is None:
            return False
        if self.setup.override is not None:
            return self.setup.override
        return self.setup.store.settings.league_chat

    def set_enabled(self, on: bool, explained: bool | None = None) -> None:
        if self.setup is None:
            raise ChatNotAvailableError(
                "League chat is not available here: this party service has no League client."
            )
        self.setup.store.set_league_chat(on, explained=explained)
        if on and self._node_key is not None:  # on during a party: save its key if none is
            self._key_saved = self._saved(self.setup.store, self._node_key)
        self.setup = replace(self.setup, override=None)  # the user's choice wins from now
        log.info("league chat setting: %s", "on" if on else "off")

    def party_key(self, current: Ed25519PrivateKey) -> Ed25519PrivateKey:
        """The key for a new party: the saved one while the setting is on (the first time,
        ``current`` is saved), else ``current``: friends remember only a saved key."""
        if self.setup is None or not self.enabled:
            return current
        return self.setup.store.party_key(current)

    def node_key(self, key: Ed25519PrivateKey) -> None:
        """The running party's key; friends are remembered only while it is the saved one."""
        self._node_key = key
        self._key_saved = False
        if self.setup is not None and self.enabled:
            self._key_saved = self._saved(self.setup.store, key)

    @staticmethod
    def _saved(store: ChatStore, key: Ed25519PrivateKey) -> bool:
        """``key`` is the party key in the data dir (saved now if there was none)."""
        return _same(store.party_key(key), key) and store.key_saved

    def forget(self, puuid: str | None) -> int:
        if self.setup is None:
            return 0
        return self.setup.store.forget(puuid)

    def info(self) -> ChatInfo:
        store = self.setup.store if self.setup is not None else None
        agent = self.agent if self._task is not None else None
        remembered = tuple(store.friends.values()) if store is not None else ()
        return ChatInfo(
            available=self.setup is not None,
            enabled=self.enabled,
            explained=store is not None and store.settings.explained,
            running=agent is not None,
            auto=self.auto and self._service.node is not None,
            problem=agent.problem if agent is not None else None,
            remembered=tuple(
                ChatFriend(f.puuid, f.name, f.linked_at)
                for f in sorted(remembered, key=lambda f: -f.linked_at)
            ),
            refused=tuple(sorted(self._warnings)),
        )

    def warnings(self) -> tuple[str, ...]:
        out = list(self.setup.store.warnings) if self.setup is not None else []
        out += self._warnings.values()
        if self.agent is not None and self._task is not None and self.agent.problem:
            out.append(self.agent.problem)
        return tuple(out)

    def verified(self) -> frozenset[str]:
        if self.agent is None or self._task is None:
            return frozenset()
        return frozenset(set(self.agent.verified()) & self._checked - set(self._warnings))

    # -- what the service tells us ----------------------------------------------------------

    def made_by_hand(self, link: str) -> None:
        self._manual.add(link)

    def user_enabled(self) -> None:
        self.auto, self._suppressed = False, False

    def user_disabled(self) -> None:
        self.auto, self._suppressed = False, True

    def allows(self, puuid: str) -> bool:
        """Whom the agent may link with: any lobby friend when the user turned the party on;
        only remembered friends when a remembered friend turned it on."""
        return not self.auto or (self.setup is not None and puuid in self.setup.store.friends)

    def wants_auto_on(self) -> bool:
        """A remembered friend is in my premade lobby, the setting is on and the party off."""
        if not self.enabled or self.setup is None or self._service.node is not None:
            return False
        lobby = {p.puuid.lower() for p in self._service.league.premade}
        remembered = lobby & set(self.setup.store.friends)
        if not remembered:
            self._suppressed = False  # a new lobby: a remembered friend may turn it on again
            return False
        return not self._suppressed

    async def auto_on(self, enable: Callable[[], Awaitable[None]]) -> None:
        log.info("a remembered friend is in the lobby: party on (League chat)")
        try:
            await enable()
        except PartyError as exc:
            log.warning("party not turned on for a remembered friend: %s", exc)
        else:
            self.auto = True

    def decorate(self, snap: PartySnapshot) -> PartySnapshot:
        """``snap`` with ``verified`` members and the ``league_chat`` info."""
        verified = self.verified()
        members = tuple(
            replace(m, verified=True) if m.puuid in verified else m for m in snap.members
        )
        return replace(snap, members=members, league_chat=self.info())

    async def sync(self) -> None:
        """Start or stop the agent; remember friends; refuse a changed key. Never raises."""
        node = self._service.node
        if node is not self._node:
            self._node, self._checked, self._warnings = node, set(), {}
            self._by_hand = set()
            if node is None:
                self._manual = set()
        want = node is not None and self.enabled and self.setup is not None
        if want and self._task is None:
            self._start()
        elif not want and self._task is not None:
            await self.stop()
        if want and node is not None and self.setup is not None:
            # the changed-key check runs whenever the setting is on; only the write of a
            # friend's memory waits for our own key to be the saved one
            await self._remember(node, self.setup.store, write=self._key_saved)

    def _known_key(self, puuid: str) -> bytes | None:
        """A remembered friend's key: a chat-made link to them must say hello with it
        before it gets any of our state (the node closes it otherwise)."""
        friend = self.setup.store.friends.get(puuid) if self.setup is not None else None
        return friend.key if friend is not None else None

    def _start(self) -> None:
        setup = self.setup
        assert setup is not None
        self.agent = LeagueChatAgent(
            self._service,
            setup.credentials,
            cafile=setup.cafile,
            verify=setup.verify,
            poll=setup.poll,
            retry_delay=setup.retry_delay,
            on_event=setup.on_event,
            allowed=self.allows,
            known_key=self._known_key,
        )
        self._task = self._tasks.spawn(self.agent.run())
        log.info("league chat: agent started")

    async def stop(self) -> None:
        if self._task is not None:
            self._task = None
            await self._tasks.cancel()
            log.info("league chat: agent stopped")

    async def _remember(self, node: PartyNode, store: ChatStore, *, write: bool) -> None:
        """Per member, once a party: a friend who said hello on a chat-bound link, or on a
        link made from pasted tokens, is remembered (only when ``write``: our running key is
        the saved one); a remembered one with another key, on chat, is refused (always).
        Members only introduced by other members are not remembered."""
        for member in sorted(node.key_refused - set(self._warnings)):
            old = store.friends.get(member)
            if old is not None:  # its chat-made link closed at hello: none of our state went
                self._checked.add(member)
                await self._refuse(node, member, old)
        running = self.agent is not None and self._task is not None
        by_chat = self.agent.identified() if self.agent is not None and running else frozenset()
        for link in node.core.links(time.monotonic()):
            if link.link_id in self._manual and link.member_id is not None:
                self._by_hand.add(link.member_id)
        views = {v.member_id: v for v in node.members() if not v.is_local}
        for member in sorted((by_chat | self._by_hand) - self._checked):
            view = views.get(member)
            key = node.core.key_of(member)
            if view is None or not view.vouched or view.status is not Reachability.DIRECT:
                continue
            if key is None:
                continue
            old = store.friends.get(member)
            if old is not None and old.key != key and member in by_chat:
                self._checked.add(member)
                await self._refuse(node, member, old)
                continue
            if not write:
                continue  # compared, not remembered: checked again once our key is saved
            self._checked.add(member)
            if old is not None and old.key != key:
                log.warning("league chat: %s has a new party key (pasted by hand): kept", member)
            store.remember(member, key, view.identity.riot_id, time.time())

    async def _refuse(self, node: PartyNode, member: str, old: RememberedFriend) -> None:
        text = (
            f"{old.name}'s party key is not the one remembered: their League chat link was "
            "refused. If they reinstalled party mode, forget them in the panel and connect "
            "again (or paste tokens)."
        )
        log.warning("league chat: %s", text)
        self._warnings[member] = text
        if self.agent is not None:
            self.agent.refused.add(member)
        await node.remove(member)
        self._service._changed()


def _same(a: Ed25519PrivateKey, b: Ed25519PrivateKey) -> bool:
    return public_key_bytes(a) == public_key_bytes(b)
