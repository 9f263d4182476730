"""The party node: links (``LinkNode``) + the pure party core (``PartyCore``).

The node feeds the core what its links do (open, text, close) and the clock,
and carries out what the core asks: send texts, close abusive links, and make
the introductions that give every member a direct link to every other after
one manual handshake. Introduction tokens travel over party links; nobody
pastes them (the node's side of introductions is node_intros.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.token import TokenKind
from webrtc_party.config import LinkConfig
from webrtc_party.errors import LinkClosedError
from webrtc_party.link_events import CloseCode, PathKind
from webrtc_party.linknode import (
    LinkNode,
    PeerClosed,
    PeerConnected,
    PeerInfo,
    PeerMessage,
    TokenMade,
)
from webrtc_party.node_intros import IntroLinks
from webrtc_party.party import (
    CloseLink,
    CloseReason,
    GamePhase,
    IntroAnswerReceived,
    IntroCancelled,
    IntroExpired,
    IntroNeeded,
    IntroOfferReceived,
    LinkIdentified,
    MemberChanged,
    MemberId,
    MemberIdentity,
    MemberView,
    PartyConfig,
    PartyCore,
    Selection,
)
from webrtc_party.party.links import KEY_NOT_REMEMBERED
from webrtc_party.tasks import EventQueue, TaskSet

__all__ = ["ChatReceived", "MemberPaths", "PartyNode", "PartyNodeEvent"]

logger = logging.getLogger(__name__)
_CHAT_MAX = 2000  # characters; chat rides beside the party protocol, not inside it
_CHAT_WIRE_MAX = 4 * _CHAT_MAX + 64  # a chat message on the wire (JSON escapes included)
_EARLY_MAX = 8  # texts kept per link until the node sees it open
_EARLY_TEXT_MAX = 16_384


@dataclass(frozen=True)
class ChatReceived:
    member: MemberId | None  # None until the peer said hello
    peer: str
    text: str


PartyNodeEvent = MemberChanged | ChatReceived | PeerConnected | PeerClosed
MemberPaths = dict[MemberId, PathKind]


class PartyNode:
    """One member of a party. Use ``async with PartyNode(...) as node:``."""

    def __init__(
        self,
        identity: MemberIdentity,
        link_config: LinkConfig,
        party_config: PartyConfig | None = None,
        *,
        key: Ed25519PrivateKey | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.identity = identity
        self._now = monotonic
        self._links = LinkNode(link_config, clock=clock)
        self.core = PartyCore(
            identity,
            key or Ed25519PrivateKey.generate(),
            now=monotonic(),
            incarnation=int(clock() * 1000),
            config=party_config,
        )
        self._member_of: dict[str, MemberId] = {}  # link name -> member, after hello
        self._up: set[str] = set()  # links the core knows (PeerConnected seen)
        self._early: dict[str, list[str]] = {}  # texts that came before their link's open
        self._buffer_early = True
        self._expect: dict[str, MemberId] = {}  # intro link name -> the member it must reach
        self._intros = IntroLinks(self._links, self.core, self._expect, monotonic, self._flush)
        self._bound: dict[str, MemberId] = {}  # link made by invite_for/accept_from -> member
        self.hello_on_bound: set[MemberId] = set()
        """Members who said hello on a link ``invite_for``/``accept_from`` bound to them."""
        self._keyed: dict[str, tuple[MemberId, bytes]] = {}  # bound link -> member, its key
        self.key_refused: set[MemberId] = set()
        """Members whose bound link said hello with another key than the ``key`` given."""
        self._events: EventQueue[PartyNodeEvent] = EventQueue()
        self._tasks = TaskSet(f"party node {identity.puuid}", logger)
        self._wake = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._closed = False

    async def __aenter__(self) -> PartyNode:
        self._pump = self._spawn(self._pump_links())
        self._spawn(self._ticker())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.leave()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return self._tasks.spawn(coro)

    # -- the manual handshake --------------------------------------------------

    async def create_invite(self) -> TokenMade:
        """An invite for a new member (one manual handshake per joiner)."""
        return await self._links.invite()

    async def accept(self, text: str) -> TokenMade | None:
        """Any pasted token: an invite gives back the answer to send; an answer completes."""
        return await self._links.accept(text)

    async def invite_for(self, member: MemberId, *, key: bytes | None = None) -> TokenMade:
        """An invite sent to ``member`` over an authenticated channel (League chat): the
        link it makes must say hello as ``member``, or it is closed (impersonation);
        ``key``: and with that key (remembered), before any of our state goes out on it."""
        made = await self._links.invite()
        self._expect[made.peer] = self._bound[made.peer] = member
        if key is not None:
            self._keyed[made.peer] = member, key
        return made

    async def accept_from(
        self,
        text: str,
        member: MemberId,
        *,
        answer_for: str | None = None,
        key: bytes | None = None,
    ) -> TokenMade | None:
        """A token ``member`` sent over an authenticated channel; the link is bound to them.
        ``answer_for``: the link whose invite this must answer (None: it must be an invite)."""
        kind = TokenKind.ANSWER if answer_for is not None else TokenKind.INVITE
        made = await self._links.accept(text, expect=kind, for_link=answer_for)
        if made is not None:
            self._expect[made.peer] = self._bound[made.peer] = member
            if key is not None:
                self._keyed[made.peer] = member, key
        return made

    async def close_peer_link(self, peer: str, reason: str) -> None:
        await self._links.close_peer(peer, reason)

    # -- what this member does -------------------------------------------------

    def set_selection(self, selection: Selection | Sequence[Selection] | None) -> None:
        """What this member will inject: one pick, several (Swiftplay: one per champion,
        first pick first, at most ``MAX_SELECTIONS``; else ``FieldError``) or None."""
        self.core.set_selection(selection, self._now())
        self._wake.set()

    def set_phase(self, phase: GamePhase) -> None:
        self.core.set_phase(phase, self._now())
        self._wake.set()

    def send_chat(self, text: str) -> int:
        """A line of chat on every open link; returns how many got it."""
        return self._links.send(json.dumps({"type": "chat", "text": text[:_CHAT_MAX]}))

    async def remove(self, member: MemberId) -> bool:
        """Stop dealing with ``member`` (local, for this run): close its links, ignore it.

        Other members keep it. False if it was not a member.
        """
        known = any(m.member_id == member and not m.is_local for m in self.members())
        self.core.remove(member, self._now())
        self._flush()
        return known

    def members(self) -> tuple[MemberView, ...]:
        return self.core.members(self._now())

    def paths(self) -> MemberPaths:
        """How each directly linked member is reached (host/srflx/prflx/relay)."""
        paths: MemberPaths = {}
        for info in self._links.peers():
            member = self._member_of.get(info.peer)
            if member is not None and info.path is not None:
                paths[member] = info.path
        return paths

    def peers(self) -> list[PeerInfo]:
        """Every link, with its state, path and round trip."""
        return self._links.peers()

    @property
    def link_node(self) -> LinkNode:
        """The links under this node, for diagnostics and tests (a test plays a member that
        misbehaves by sending raw text with ``link_node.send_to``)."""
        return self._links

    def link_name_of(self, member: MemberId) -> str | None:
        """The name of the link on which ``member`` said hello here, if any."""
        return next((name for name, m in self._member_of.items() if m == member), None)

    def events(self) -> AsyncIterator[PartyNodeEvent]:
        return self._events.stream()

    def drain_events(self) -> list[PartyNodeEvent]:
        """The events queued but not yet read, without waiting."""
        return self._events.drain()

    async def leave(self) -> None:
        """Say goodbye to everyone and close every link."""
        if self._closed:
            return
        self._closed = True
        self.core.leave(self._now())
        self._flush()
        await asyncio.sleep(0.05)  # let the goodbyes leave before the links close
        # Stop the ticker and any introduction in progress first, so that no new
        # link starts while the others close; the pump keeps reporting closes.
        await self._tasks.cancel(keep=[self._pump])
        await self._links.close()
        await asyncio.sleep(0)  # the pump reads the last closes
        await self._tasks.cancel()

    # -- plumbing ----------------------------------------------------------------

    async def _pump_links(self) -> None:
        async for event in self._links.events():
            now = self._now()
            if isinstance(event, PeerConnected):
                # A link made for an introduction must lead to the member introduced.
                keyed = self._keyed.get(event.peer)
                self.core.link_up(
                    event.peer,
                    now,
                    expect=self._expect.pop(event.peer, None),
                    expect_key=keyed[1] if keyed is not None else None,
                )
                self._up.add(event.peer)
                self._events.put(event)
                for text in self._early.pop(event.peer, []):
                    self._on_text(PeerMessage(event.peer, text), now)
            elif isinstance(event, PeerMessage):
                if event.peer in self._up:
                    self._on_text(event, now)
                elif self._buffer_early:
                    # the peer's hello can beat our own "open" by a moment: keep a few
                    early = self._early.setdefault(event.peer, [])
                    if len(early) < _EARLY_MAX and len(event.text) <= _EARLY_TEXT_MAX:
                        early.append(event.text)
            elif isinstance(event, PeerClosed):
                self._up.discard(event.peer)
                self._early.pop(event.peer, None)
                self.core.link_down(event.peer, now)
                self._member_of.pop(event.peer, None)
                self._expect.pop(event.peer, None)
                self._bound.pop(event.peer, None)
                self._keyed.pop(event.peer, None)
                self._intros.forget_link(event.peer)
                self._events.put(event)
            self._flush()

    def _on_text(self, event: PeerMessage, now: float) -> None:
        if not self._maybe_chat(event):
            self.core.receive(event.peer, event.text, now)

    def _maybe_chat(self, event: PeerMessage) -> bool:
        if not event.text.startswith('{"type": "chat"'):
            return False
        # chat is under the link's budget like every party message, and size-capped
        if not self.core.admit(event.peer, event.text, self._now(), _CHAT_WIRE_MAX):
            return True
        with contextlib.suppress(ValueError, TypeError, RecursionError):
            obj = json.loads(event.text)
            if isinstance(obj, dict) and isinstance(obj.get("text"), str):
                member = self._member_of.get(event.peer)
                self._events.put(ChatReceived(member, event.peer, obj["text"][:_CHAT_MAX]))
                return True
        return False

    async def _ticker(self) -> None:
        while not self._closed:
            now = self._now()
            self.core.tick(now)
            self._flush()
            # The core says when it next needs a tick (at most 1 s when idle); anything
            # sooner (a selection to send) sets _wake.
            delay = max(0.02, self.core.next_tick(now) - now)
            self._wake.clear()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the wait ends, and then leave() would hang.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    def _flush(self) -> None:
        for name, text in self.core.data_to_send():
            with contextlib.suppress(LinkClosedError):
                self._links.send_to(name, text)
        for event in self.core.events_received():
            self._handle(event)

    def _handle(self, event: object) -> None:
        if isinstance(event, MemberChanged):
            self._events.put(event)
            return
        elif isinstance(event, LinkIdentified):
            self._member_of[event.link_id] = event.member_id
            if self._bound.pop(event.link_id, None) == event.member_id:
                self.hello_on_bound.add(event.member_id)
        elif isinstance(event, CloseLink):
            keyed = self._keyed.get(event.link_id)
            if keyed is not None and event.detail == KEY_NOT_REMEMBERED:
                self.key_refused.add(keyed[0])
            if event.reason is CloseReason.PEER_LEFT:
                closing = self._links.close_peer(event.link_id, event.detail, CloseCode.PEER_CLOSED)
            elif event.reason is CloseReason.REMOVED:
                closing = self._links.close_peer(event.link_id, "removed from the party")
            else:
                logger.warning(
                    "closing link %s: %s (%s)", event.link_id, event.reason, event.detail
                )
                closing = self._links.close_peer(event.link_id, f"{event.reason}: {event.detail}")
            self._spawn(closing)
        elif isinstance(
            event,
            IntroNeeded | IntroOfferReceived | IntroAnswerReceived | IntroExpired | IntroCancelled,
        ):
            logger.info("%s: %s", self.identity.puuid, event)
        if isinstance(event, IntroNeeded):
            self._spawn(self._offer_intro(event))
        elif isinstance(event, IntroOfferReceived):
            self._spawn(self._answer_intro(event))
        elif isinstance(event, IntroAnswerReceived):
            self._spawn(self._intros.complete(event))
        elif isinstance(event, IntroExpired):
            if (name := self._intros.drop_offer(event.intro_id)) is not None:
                self._spawn(self._links.close_peer(name, "introduction expired"))
        elif isinstance(event, IntroCancelled):
            if (name := self._intros.drop_answer(event.origin, event.intro_id)) is not None:
                self._spawn(self._links.close_peer(name, "introduction over"))

    # -- introductions (node_intros.py; the hooks a test or bench may replace) -----

    async def _offer_intro(self, event: IntroNeeded) -> None:
        await self._intros.offer(event)

    async def _answer_intro(self, event: IntroOfferReceived) -> None:
        await self._intros.answer(event)
