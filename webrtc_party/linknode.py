"""A node that holds many links: invites out, answers in, messages both ways.

This is the asyncio shell around ``signaling.handshake.Handshake`` and ``Link``;
``webrtc-party node --json`` drives it, and the party node builds on it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from signaling.handshake import AnswerInvite, CompleteInvite, Handshake, ResendAnswer
from signaling.token import Token, TokenKind, encode_token
from webrtc_party.config import LinkConfig
from webrtc_party.errors import LinkClosedError
from webrtc_party.link import Link
from webrtc_party.link_events import CloseCode, Closed, LinkState, Opened, PathKind, Received
from webrtc_party.tasks import EventQueue, TaskSet

__all__ = [
    "LinkNode",
    "NodeEvent",
    "PeerClosed",
    "PeerConnected",
    "PeerInfo",
    "PeerMessage",
    "TokenMade",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenMade:
    kind: TokenKind
    text: str
    expires_at: int
    peer: str


@dataclass(frozen=True)
class PeerConnected:
    peer: str
    path: PathKind
    open_ms: float


@dataclass(frozen=True)
class PeerMessage:
    peer: str
    text: str


@dataclass(frozen=True)
class PeerClosed:
    peer: str
    code: str
    reason: str


@dataclass(frozen=True)
class PeerInfo:
    peer: str
    state: LinkState
    path: PathKind | None
    rtt_ms: float | None


NodeEvent = PeerConnected | PeerMessage | PeerClosed


class LinkNode:
    def __init__(self, config: LinkConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._clock = clock
        self._handshake = Handshake()
        self._links: dict[str, Link] = {}
        self._by_ref: dict[bytes, str] = {}  # our invite's ref -> peer name
        self._by_answer: dict[bytes, str] = {}  # our answer's fingerprint -> peer name
        self._events: EventQueue[NodeEvent] = EventQueue()
        self._tasks = TaskSet("link node", logger)
        self._count = 0
        self._closing = False

    def _new_link(self, config: LinkConfig | None = None) -> tuple[str, Link]:
        if self._closing:
            raise LinkClosedError("the node is closing")
        self._count += 1
        name = f"peer{self._count}"
        link = Link(config or self.config, clock=self._clock)
        self._links[name] = link
        self._tasks.spawn(self._watch(name, link))
        return name, link

    def _made(self, name: str, token: Token) -> TokenMade:
        return TokenMade(token.kind, encode_token(token), token.expires, name)

    async def invite(self, *, ttl: int | None = None) -> TokenMade:
        """Create a link and its invite token (valid ``ttl`` seconds, default the config's)."""
        config = None if ttl is None else dataclasses.replace(self.config, token_ttl=ttl)
        name, link = self._new_link(config)
        try:
            token = await link.create_invite()
        except BaseException:
            await link.close("could not create the invite")
            raise
        self._handshake.invite_created(token)
        self._by_ref[token.ref] = name
        return self._made(name, token)

    async def accept(
        self, text: str, *, expect: TokenKind | None = None, for_link: str | None = None
    ) -> TokenMade | None:
        """Accept a pasted token. An invite gives back the answer to send.

        ``expect`` insists on one kind of token; ``for_link`` insists that an answer
        completes that link's invite (introductions are tied to their own link).
        """
        answer_for = None
        if for_link is not None:  # the ref of that link's invite (b"": it has none)
            answer_for = next((r for r, n in self._by_ref.items() if n == for_link), b"")
        action = self._handshake.classify(text, self._clock(), expect, answer_for=answer_for)
        if isinstance(action, ResendAnswer):
            # The handshake resends only answers still on file, and so is _by_answer.
            return self._made(self._by_answer[action.answer.fingerprint], action.answer)
        if isinstance(action, AnswerInvite):
            name, link = self._new_link()
            try:
                answer = await link.accept_invite(action.invite)
            except BaseException:
                await link.close("could not answer the invite")
                raise
            self._handshake.answer_created(answer)
            self._by_answer[answer.fingerprint] = name
            return self._made(name, answer)
        assert isinstance(action, CompleteInvite)
        name = self._by_ref[action.invite.ref]
        await self._links[name].accept_answer(action.answer)
        self._handshake.forget(action.invite)  # only once the answer was taken
        return None

    async def _watch(self, name: str, link: Link) -> None:
        async for event in link.events():
            if isinstance(event, Opened):
                # An open invite is used up; an answer stays on file so that the same
                # invite pasted again gets the same answer, not a second link.
                if link.local_token is not None and link.local_token.kind is TokenKind.INVITE:
                    self._handshake.forget(link.local_token)
                self._events.put(PeerConnected(name, event.path, event.open_ms))
            elif isinstance(event, Received):
                self._events.put(PeerMessage(name, event.text))
            elif isinstance(event, Closed):
                if link.local_token is not None:
                    self._handshake.forget(link.local_token)
                    self._by_ref.pop(link.local_token.ref, None)
                    self._by_answer.pop(link.local_token.fingerprint, None)
                self._links.pop(name, None)
                self._events.put(PeerClosed(name, event.code.value, event.reason))

    def send_to(self, name: str, text: str) -> bool:
        """Send to one peer; False if that link is not open (the text is dropped)."""
        link = self._links.get(name)
        if link is None or link.state is not LinkState.OPEN:
            return False
        link.send(text)
        return True

    def is_open(self, name: str) -> bool:
        link = self._links.get(name)
        return link is not None and link.state is LinkState.OPEN

    async def close_peer(self, name: str, reason: str, code: CloseCode = CloseCode.LOCAL) -> None:
        link = self._links.get(name)
        if link is not None:
            await link.close(reason, code)

    def send(self, text: str) -> int:
        """Send to every open link; returns how many got it."""
        sent = 0
        for link in self._links.values():
            if link.state is LinkState.OPEN:
                link.send(text)
                sent += 1
        return sent

    def peers(self) -> list[PeerInfo]:
        return [
            PeerInfo(name, link.state, link.opened.path if link.opened else None, link.rtt_ms)
            for name, link in self._links.items()
        ]

    def events(self) -> AsyncIterator[NodeEvent]:
        return self._events.stream()

    def drain_events(self) -> list[NodeEvent]:
        """The events queued but not yet read, without waiting."""
        return self._events.drain()

    async def close(self) -> None:
        self._closing = True
        await asyncio.gather(
            *(link.close() for link in list(self._links.values())), return_exceptions=True
        )
        await self._tasks.cancel()

    # -- read-only taps for diagnostics and the test kit ------------------------

    def link(self, name: str) -> Link | None:
        """The link behind peer ``name``, if there is one."""
        return self._links.get(name)

    @property
    def links_made(self) -> int:
        """How many links this node has made over its life (for invites and answers)."""
        return self._count
