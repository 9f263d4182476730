"""One WebRTC link to one peer: aiortc underneath, tokens on the outside.

The offerer calls ``create_invite()`` then ``accept_answer()``; the answerer calls
``accept_invite()``. Either side then awaits ``wait_open()``, reads ``events()``
and ``send()``s text. A link is used once: a dead link is replaced by a new one.

What this adds to aiortc (see docs/link.md; the ICE parts are in link_ice.py):
- ICE servers always explicit; the STUN server is the first of a list to answer;
- tokens instead of SDP; the ICE ufrag comes from the DTLS fingerprint and the ICE
  passwords from an X25519 agreement whose public keys are in the tokens, so an
  onlooker who saw both tokens cannot sign a check (docs/link.md);
- late answers connect (``_aioice_patch``), and the offerer's NAT mapping is
  refreshed while its invite waits;
- a connect deadline, a heartbeat (heartbeat.py, beat_channel.py) that reports a
  vanished peer within ``heartbeat_timeout`` (+ one interval), and a goodbye on clean close;
- moves between states only as ``link_states.LINK_TABLE`` allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from signaling.errors import TokenError
from signaling.handshake import check_answer
from signaling.sdp import IcePasswords, sdp_from_token, token_from_sdp
from signaling.token import MappingHint, Token, TokenKind, check_fresh, check_kind
from webrtc_party import _aioice_patch as patch
from webrtc_party.beat_channel import BeatChannel
from webrtc_party.config import LinkConfig
from webrtc_party.errors import ConnectError, LinkClosedError, LocalError
from webrtc_party.heartbeat import Bye
from webrtc_party.link_events import (
    CloseCode,
    Closed,
    LinkEvent,
    LinkState,
    Opened,
    Received,
    describe_pair,
)
from webrtc_party.link_ice import (
    NO_TURN_HINT,
    ice_passwords,
    ice_servers,
    keep_mapping_alive,
    own_fingerprint,
    prepare_ice,
    punch_when_stuck,
    rtc_configuration,
)
from webrtc_party.link_states import LINK_TABLE
from webrtc_party.nat.mapping import MappingSense
from webrtc_party.punch import settings_from_env
from webrtc_party.tasks import TaskSet

__all__ = ["MAX_TEXT", "Link"]

logger = logging.getLogger(__name__)
MAX_TEXT = 60_000  # bytes of UTF-8; aiortc's floor for a peer's max-message-size is 64 KiB
_ids = itertools.count(1)


class Link:
    """``clock``: the link's only clock (Unix seconds), for tokens and for timing."""

    def __init__(self, config: LinkConfig, *, clock: Callable[[], float] = time.time) -> None:
        patch.install()
        self.config = config
        self.id = next(_ids)
        self._clock = clock
        self._state = LinkState.NEW
        self._pc: RTCPeerConnection | None = None
        self._data: RTCDataChannel | None = None
        self._beats: BeatChannel | None = None  # the heartbeat, on channel 1
        self._options: patch.ConnectionOptions | None = None
        self._ice_key = X25519PrivateKey.generate()  # this link's only: new key, new link
        self._ice_public = self._ice_key.public_key().public_bytes_raw()
        self.local_token: Token | None = None
        self.remote_token: Token | None = None
        self.opened: Opened | None = None
        self.closed: Closed | None = None
        self._events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._settled = asyncio.Event()  # set on open or close
        self._teardown: asyncio.Task[None] | None = None
        self._tasks = TaskSet(f"link {self.id}", logger)
        self._applied_at: float | None = None
        self.mapping = MappingSense(MappingHint.STABLE, detail="not probed")
        self.punch_settings = settings_from_env()

    def __repr__(self) -> str:
        return f"<Link {self.id} {self._state.value}>"

    @property
    def state(self) -> LinkState:
        return self._state

    @property
    def rtt_ms(self) -> float | None:
        """The last heartbeat round trip, once one came back."""
        return None if self._beats is None else self._beats.rtt_ms

    def _set_state(self, state: LinkState) -> None:
        """Move to ``state``; a move ``LINK_TABLE`` does not list raises ``TransitionError``."""
        LINK_TABLE.check(self._state, state)
        logger.info("link %d: %s -> %s", self.id, self._state.value, state.value)
        self._state = state

    # -- setup ------------------------------------------------------------

    async def _setup(self) -> None:
        if self._state is not LinkState.NEW:
            raise LocalError(f"this link is already in use ({self._state.value})")
        self._set_state(LinkState.GATHERING)
        servers, mapping = await ice_servers(self.config, self.id)
        self.mapping = mapping or self.mapping
        self._ensure_alive()
        pc = self._pc = RTCPeerConnection(rtc_configuration(self.config, servers))
        self._data = pc.createDataChannel("party", negotiated=True, id=0, ordered=True)
        beat = pc.createDataChannel(
            "heartbeat", negotiated=True, id=1, ordered=False, maxRetransmits=0
        )
        self._beats = BeatChannel(beat, self._clock, self._on_bye)
        self._options = prepare_ice(pc, self.config)
        self._data.on("open", self._on_open)
        self._data.on("message", self._on_data)
        self._data.on("close", lambda: self._close_soon(CloseCode.PEER_CLOSED, "peer closed"))
        pc.on("connectionstatechange", self._on_connection_state)

    def _ensure_alive(self) -> None:
        """Raise if the link was closed while a setup step was awaiting."""
        if self._state is LinkState.CLOSED:
            raise LinkClosedError("the link was closed while it was being set up")

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._tasks.spawn(coro)

    # -- the handshake ----------------------------------------------------

    async def create_invite(self) -> Token:
        """Gather candidates and return the invite (offer) token."""
        await self._setup()
        assert self._pc is not None and self._options is not None
        self._options.hold_checks = True  # until accept_answer knows our password
        await self._pc.setLocalDescription(await self._pc.createOffer())
        self._ensure_alive()
        self.local_token = token_from_sdp(
            self._pc.localDescription.sdp,
            kind=TokenKind.INVITE,
            created=int(self._clock()),
            ttl=self.config.token_ttl,
            ice_key=self._ice_public,
            mapping=self.mapping.hint,
        )
        self._set_state(LinkState.WAITING)
        conn, every = patch.ice_connection(self._pc), self.config.mapping_keepalive
        self._spawn(keep_mapping_alive(conn, every, lambda: self._state is LinkState.WAITING))
        self._spawn(self._expire(self.local_token))
        return self.local_token

    async def accept_invite(self, invite: Token) -> Token:
        """Answer an invite; return the answer token. Connecting starts at once."""
        check_kind(invite, TokenKind.INVITE)
        check_fresh(invite, self._clock())
        await self._setup()
        assert self._pc is not None and self._options is not None
        remaining = invite.expires - self._clock()
        ttl = int(max(30, min(self.config.token_ttl, remaining)))
        loop = asyncio.get_running_loop()
        # Keep checking (and our NAT pinholes open) until the answer expires.
        self._options.checks_until = loop.time() + ttl + self.config.connect_timeout
        self.remote_token = invite
        passwords = await self._passwords(
            (invite.fingerprint, invite.ice_key), (own_fingerprint(self._pc), self._ice_public)
        )
        conn = patch.ice_connection(self._pc)
        patch.set_local_credentials(conn, conn.local_username, passwords.answer)
        async with self._applying("the invite"):
            await self._pc.setRemoteDescription(
                RTCSessionDescription(sdp_from_token(invite, passwords.invite), "offer")
            )
            await self._pc.setLocalDescription(await self._pc.createAnswer())
        self._ensure_alive()
        self.local_token = token_from_sdp(
            self._pc.localDescription.sdp,
            kind=TokenKind.ANSWER,
            created=int(self._clock()),
            ttl=ttl,
            ice_key=self._ice_public,
            invite_ref=invite.ref,
            mapping=self.mapping.hint,
        )
        self._applied_at = self._clock()
        self._set_state(LinkState.CONNECTING)
        self._spawn(self._deadline(ttl + self.config.connect_timeout, CloseCode.EXPIRED))
        self._spawn(self._punch_when_stuck(invite.mapping))
        return self.local_token

    async def accept_answer(self, answer: Token) -> None:
        """Apply the friend's answer to our invite; connecting starts at once."""
        check_kind(answer, TokenKind.ANSWER)
        invite = self.local_token
        if self._state is not LinkState.WAITING or invite is None:
            raise LocalError("this link is not waiting for an answer")
        check_answer(answer, invite)
        check_fresh(answer, self._clock())
        check_fresh(invite, self._clock(), skew=0)
        assert self._pc is not None and self._options is not None
        loop = asyncio.get_running_loop()
        # The app's connect deadline decides, not ICE: checks outlive it a little.
        self._options.checks_until = loop.time() + self.config.connect_timeout + 2.0
        passwords = await self._passwords(
            (invite.fingerprint, invite.ice_key), (answer.fingerprint, answer.ice_key)
        )
        self.remote_token = answer
        self._applied_at = self._clock()
        self._set_state(LinkState.CONNECTING)
        conn = patch.ice_connection(self._pc)
        patch.set_local_credentials(conn, conn.local_username, passwords.invite)
        patch.release_checks(conn)  # the answerer's early checks, now verifiable
        async with self._applying("the answer"):
            await self._pc.setRemoteDescription(
                RTCSessionDescription(sdp_from_token(answer, passwords.answer), "answer")
            )
        self._spawn(self._deadline(self.config.connect_timeout, CloseCode.CONNECT_TIMEOUT))
        self._spawn(self._punch_when_stuck(answer.mapping))

    async def _passwords(
        self, invite: tuple[bytes, bytes], answer: tuple[bytes, bytes]
    ) -> IcePasswords:
        """Both ICE passwords from (fingerprint, ice_key) of each side; a bad key closes."""
        try:
            return ice_passwords(self._ice_key, invite, answer)
        except TokenError as exc:
            await self._finish(CloseCode.FAILED, str(exc))
            raise

    @contextlib.asynccontextmanager
    async def _applying(self, what: str) -> AsyncIterator[None]:
        """aiortc refusing a description (a peer's odd token) closes the link, never leaks it."""
        try:
            yield
        except (LinkClosedError, asyncio.CancelledError):
            raise
        except Exception as exc:
            logger.warning("link %d: aiortc refused %s: %r", self.id, what, exc)
            await self._finish(CloseCode.FAILED, f"{what} could not be used: {exc}")
            raise ConnectError(f"{what} could not be used ({exc})") from None

    # -- watchers ---------------------------------------------------------

    async def _expire(self, invite: Token) -> None:
        await asyncio.sleep(max(0.0, invite.expires - self._clock()))
        if self._state is LinkState.WAITING:
            await self._finish(CloseCode.EXPIRED, "the invite expired before an answer came back")

    async def _punch_when_stuck(self, remote: MappingHint) -> None:
        """Punch if one side is hard and no pair came (link_ice.punch_when_stuck)."""
        if self._pc is None or self._options is None:
            return
        failed = await punch_when_stuck(
            patch.ice_connection(self._pc),
            self._options,
            (self.mapping.hint, remote),
            (self.local_token, self.remote_token),
            self.punch_settings,
            lambda: self._state is LinkState.CONNECTING,
            self.id,
        )
        if failed is not None:
            await self._finish(CloseCode.FAILED, failed)

    async def _deadline(self, seconds: float, code: CloseCode) -> None:
        """Close with ``code`` if the link is still connecting after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._settled.wait()  # opened or closed: nothing left to do
        if self._state is LinkState.CONNECTING:
            if code is CloseCode.CONNECT_TIMEOUT:
                reason = f"no connection within {seconds:g} s. {NO_TURN_HINT}"
            else:
                reason = "the host did not apply our answer before it expired"
            await self._finish(code, reason)

    async def _heartbeat(self, beats: BeatChannel) -> None:
        vanished = await beats.watch()
        await self._finish(CloseCode.VANISHED, vanished.reason)

    # -- aiortc callbacks -------------------------------------------------

    def _on_open(self) -> None:
        if self._state is LinkState.CLOSED or self._pc is None:
            return
        path, local, remote = describe_pair(patch.selected_pair(patch.ice_connection(self._pc)))
        now = self._clock()
        started = self._applied_at if self._applied_at is not None else now
        self.opened = Opened(path, round(max(0.0, now - started) * 1000, 1), local, remote)
        self._set_state(LinkState.OPEN)
        self._settled.set()
        self._events.put_nowait(self.opened)
        if self._beats is not None:
            self._beats.start(self.config.heartbeat_interval, self.config.heartbeat_timeout)
            self._spawn(self._heartbeat(self._beats))

    def _on_data(self, message: str | bytes) -> None:
        if self._state is LinkState.CLOSED:
            return
        if self._beats is not None:
            self._beats.heard()
        if isinstance(message, str):
            self._events.put_nowait(Received(message))

    def _on_bye(self) -> None:
        self._close_soon(CloseCode.PEER_CLOSED, "the peer closed the link")

    def _on_connection_state(self) -> None:
        if self._pc is not None and self._pc.connectionState == "failed":
            self._close_soon(CloseCode.FAILED, f"the connection failed. {NO_TURN_HINT}")

    def _close_soon(self, code: CloseCode, reason: str) -> None:
        if self._state is not LinkState.CLOSED:
            self._spawn(self._finish(code, reason))

    # -- public use -------------------------------------------------------

    async def wait_open(self) -> Opened:
        """Wait until the channel is open; raise ``ConnectError`` if the link closes first."""
        await self._settled.wait()
        if self.opened is not None and self._state is LinkState.OPEN:
            return self.opened
        reason = self.closed.reason if self.closed else "closed"
        raise ConnectError(f"could not connect: {reason}")

    def send(self, text: str) -> None:
        if self._state is not LinkState.OPEN or self._data is None:
            raise LinkClosedError(f"the link is {self._state.value}, not open")
        if len(text.encode()) > MAX_TEXT:
            raise LocalError(f"message too large (over {MAX_TEXT} bytes)")
        self._data.send(text)

    async def events(self) -> AsyncIterator[LinkEvent]:
        """Opened, Received..., then Closed (always last)."""
        while True:
            event = await self._events.get()
            yield event
            if isinstance(event, Closed):
                return

    async def close(
        self, reason: str = "closed locally", code: CloseCode = CloseCode.LOCAL
    ) -> None:
        """Close the link; ``code`` says why (e.g. PEER_CLOSED when the peer said goodbye)."""
        await self._finish(code, reason)

    async def _finish(self, code: CloseCode, reason: str) -> None:
        """Close once. The bookkeeping is synchronous and the teardown runs in one
        shielded task, so a caller cancelled mid-close leaves no half-closed link."""
        if self._teardown is None:
            opened = self._state is LinkState.OPEN
            if code in (CloseCode.LOCAL, CloseCode.PEER_CLOSED) and opened and self._beats:
                self._beats.send(Bye())
            self._set_state(LinkState.CLOSED)
            self.closed = Closed(code, reason)
            logger.info("link %d closed (%s): %s", self.id, code.value, reason)
            self._settled.set()
            if self._pc is not None:
                self._pc.remove_all_listeners()
            if self._data is not None:
                self._data.remove_all_listeners()
            if self._beats is not None:
                self._beats.detach()
            self._events.put_nowait(self.closed)
            self._teardown = self._tasks.spawn(self._tear_down())  # spared by its own cancel
        await asyncio.shield(self._teardown)

    async def _tear_down(self) -> None:
        await asyncio.sleep(0)  # let a goodbye leave before SCTP shuts down
        await self._tasks.cancel()
        if self._pc is not None:
            await self._pc.close()

    # -- read-only taps for diagnostics and the test kit --------------------

    @property
    def peer_connection(self) -> RTCPeerConnection | None:
        """The aiortc peer connection under this link (None until the first token is
        made): for diagnostics and tests that look at ICE; never change it."""
        return self._pc

    @property
    def ice_options(self) -> patch.ConnectionOptions | None:
        """This link's ICE hardening settings (None until the first token is made)."""
        return self._options
