"""The UI bridge server: aiohttp WebSocket + HTTP on 127.0.0.1 around ``handle_ui_message``.

Routes and rules are in docs/bridge.md; who may connect is ``bridge_guard``. Every connected
panel has a bounded outbox and a writer task owned by its handler; a change of the party is
put on every outbox (``party-state``, and ``phase-change`` when the League phase moved). A
panel whose outbox overflows (it does not read) is dropped.

The per-launch key reaches the plugin out of band: ``key_dir`` (the installed plugin folder)
gets ``bridge-key.json`` with the port and the key, which Pengu Loader serves to the League
client's page only (``https://plugins/ROSE-PartyMode/bridge-key.json``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import WSCloseCode, WSMsgType, web

from signaling.errors import TokenError
from signaling.qr import qr_svg
from signaling.token import parse_token
from webrtc_party.errors import ConfigError
from webrtc_party.rose.bridge_guard import KEY_PARAM, BridgePolicy, new_key
from webrtc_party.rose.bridge_handler import handle_ui_message
from webrtc_party.rose.bridge_messages import (
    MAX_FRAME,
    MAX_TOKEN,
    BridgeMessageError,
    dumps,
    encode_error,
    encode_phase_change,
    encode_state,
)
from webrtc_party.rose.control import PartyControl, PartySnapshot
from webrtc_party.rose.private_file import write_private
from webrtc_party.tasks import TaskSet

__all__ = ["DEFAULT_PORT", "KEY_FILE", "KEY_PLACEHOLDER", "BridgeServer", "PanelOutbox"]

log = logging.getLogger(__name__)
DEFAULT_PORT = 50000
PORT_TRIES = 11  # 50000 .. 50010, like the panel's probe
KEY_FILE = "bridge-key.json"
KEY_PLACEHOLDER: dict[str, object] = {"version": 1, "port": None, "key": None}
HEADER_TIMEOUT = 10.0  # seconds to send a whole request (and idle keep-alive)
HEARTBEAT = 30.0  # WebSocket ping; no pong within half of it closes the socket
MAX_CLIENTS = 32
OUTBOX_MESSAGES = 256
OUTBOX_BYTES = 4 * 1024 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PanelOutbox:
    """A panel's queue of text frames, bounded in count and bytes. ``put`` returns False
    (and the outbox is closed) when the bound is hit: the caller drops that panel."""

    def __init__(self, max_messages: int = OUTBOX_MESSAGES, max_bytes: int = OUTBOX_BYTES) -> None:
        self._items: deque[str] = deque()
        self._bytes = 0
        self._max_messages = max_messages
        self._max_bytes = max_bytes
        self._ready = asyncio.Event()
        self.overflowed = False

    def __len__(self) -> int:
        return len(self._items)

    @property
    def queued_bytes(self) -> int:
        return self._bytes

    def put(self, text: str) -> bool:
        if self.overflowed:
            return False
        size = len(text)
        if len(self._items) >= self._max_messages or self._bytes + size > self._max_bytes:
            self.overflowed = True
            self._items.clear()
            self._bytes = 0
            self._ready.set()
            return False
        self._items.append(text)
        self._bytes += size
        self._ready.set()
        return True

    async def get(self) -> str | None:
        """The next frame, or None once the outbox overflowed."""
        while not self._items:
            if self.overflowed:
                return None
            self._ready.clear()
            await self._ready.wait()
        if self.overflowed:
            return None
        text = self._items.popleft()
        self._bytes -= len(text)
        return text

    def drain(self) -> list[str]:
        """Every frame queued, oldest first, without waiting; the outbox is then empty."""
        texts = list(self._items)
        self._items.clear()
        self._bytes = 0
        return texts


@dataclass(frozen=True)
class _Panel:
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None


class BridgeServer:
    """``async with BridgeServer(control, key_dir=plugin_folder) as bridge:`` then
    ``bridge.port`` and ``bridge.key``. ``allowed_origins``: loopback pages of our own that
    may connect besides the League client (tests, a local tool)."""

    def __init__(
        self,
        control: PartyControl,
        *,
        port: int = DEFAULT_PORT,
        tries: int = PORT_TRIES,
        key: str | None = None,
        key_dir: Path | None = None,
        allowed_origins: Iterable[str] = (),
        header_timeout: float = HEADER_TIMEOUT,
        heartbeat: float = HEARTBEAT,
        max_clients: int = MAX_CLIENTS,
        outbox_messages: int = OUTBOX_MESSAGES,
        outbox_bytes: int = OUTBOX_BYTES,
    ) -> None:
        self.control = control
        self.key = key or new_key()
        self.key_dir = key_dir
        self._allowed = tuple(allowed_origins)
        BridgePolicy.make(0, self.key, self._allowed)  # a bad origin fails here, not at start
        self._policy = BridgePolicy.make(0, self.key)
        self._first_port = port
        self._tries = tries if port else 1
        self._header_timeout = header_timeout
        self._heartbeat = heartbeat
        self._max_clients = max_clients
        self._outbox_limits = (outbox_messages, outbox_bytes)
        self.port = 0
        self.dropped = 0  # panels dropped for not reading
        self._runner: web.AppRunner | None = None
        self._clients: dict[PanelOutbox, _Panel] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._phase: str | None = None
        self._tasks = TaskSet("bridge", log)  # one writer per panel

    async def __aenter__(self) -> BridgeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def key_file(self) -> Path | None:
        return None if self.key_dir is None else self.key_dir / KEY_FILE

    async def start(self) -> None:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/bridge-port", self._bridge_port)
        app.router.add_get("/", self._websocket)
        app.router.add_get("/ws", self._websocket)
        app.router.add_get("/party/qr.svg", self._qr)
        # keepalive_timeout also bounds the wait for a first request (aiohttp arms it at
        # connection_made): a socket that trickles its headers is closed after it.
        self._runner = web.AppRunner(
            app, access_log=None, keepalive_timeout=self._header_timeout, handle_signals=False
        )
        await self._runner.setup()
        last: OSError | None = None
        for port in range(self._first_port, self._first_port + self._tries):
            site = web.TCPSite(self._runner, "127.0.0.1", port)
            try:
                await site.start()
            except OSError as exc:
                last = exc
                continue
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            break
        else:
            await self._runner.cleanup()
            self._runner = None
            end = self._first_port + self._tries - 1
            raise ConfigError(f"no free port for the bridge in {self._first_port}-{end}: {last}")
        self._policy = BridgePolicy.make(self.port, self.key, self._allowed)
        self._write_key_file()
        self._phase = self.control.snapshot().phase
        self._unsubscribe = self.control.subscribe(self._on_change)
        log.info("bridge on 127.0.0.1:%d", self.port)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._remove_key_file()
        # Close the panels' sockets first; otherwise aiohttp waits out its shutdown timeout.
        await asyncio.gather(
            *(
                panel.ws.close(code=WSCloseCode.GOING_AWAY, message=b"bridge stopping")
                for panel in list(self._clients.values())
            ),
            return_exceptions=True,
        )
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._tasks.cancel()

    @property
    def clients(self) -> int:
        return len(self._clients)

    # -- the key file ---------------------------------------------------------------------

    def _write_key_file(self) -> None:
        path = self.key_file
        if path is None:
            return
        try:
            _write_private(path, {"version": 1, "port": self.port, "key": self.key})
        except OSError as exc:
            raise ConfigError(f"cannot write the bridge key into {path.parent}: {exc}") from None
        log.info("bridge key written to %s", path)

    def _remove_key_file(self) -> None:
        """Back to the placeholder the plugin ships with (so its request never 404s)."""
        path = self.key_file
        if path is None:
            return
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if json.loads(path.read_text(encoding="utf-8")).get("key") == self.key:
                _write_private(path, KEY_PLACEHOLDER)

    # -- broadcasting ---------------------------------------------------------------------

    def _on_change(self, snap: PartySnapshot) -> None:
        if snap.phase != self._phase:
            self._phase = snap.phase
            self.broadcast(dumps(encode_phase_change(snap.phase)))
        self.broadcast(dumps(encode_state(snap)))

    def broadcast(self, text: str) -> None:
        for outbox in list(self._clients):
            self._put(outbox, text)

    def _put(self, outbox: PanelOutbox, text: str) -> None:
        if outbox.put(text):
            return
        panel = self._clients.pop(outbox, None)
        if panel is None:
            return
        self.dropped += 1
        log.warning("bridge: dropped a panel that does not read its messages")
        # Its writer may be stuck in a send that never drains: cut the connection.
        if panel.transport is not None:
            panel.transport.abort()

    # -- routes ---------------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        need_key = request.path != "/bridge-port"
        refusal = self._policy.check(
            request.headers, request.query.get(KEY_PARAM), need_key=need_key
        )
        if refusal is not None:
            shown = request.headers.get("Origin", "")
            log.warning(
                "bridge: refused %s (%s, origin %r)", request.path, refusal.reason, shown[:100]
            )
            return web.Response(status=refusal.status, text=f"{refusal.reason}\n")
        response = await handler(request)
        origin = request.headers.get("Origin")
        if origin is not None and not response.prepared:
            # The panel runs in the League client's page: let it read our answers.
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    async def _bridge_port(self, request: web.Request) -> web.Response:
        return web.Response(text=str(self.port), content_type="text/plain")

    async def _qr(self, request: web.Request) -> web.Response:
        token = request.query.get("token", "").strip()
        if not token or len(token) > MAX_TOKEN:
            return web.Response(status=400, text="no party token\n")
        try:
            parse_token(token)
        except TokenError as exc:
            return web.Response(status=400, text=f"{exc}\n")
        svg = qr_svg(token)
        return web.Response(text=svg, content_type="image/svg+xml")

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=self._heartbeat, max_msg_size=4 * MAX_FRAME)
        if not ws.can_prepare(request).ok:
            return web.Response(text="webrtc-party bridge: connect with a WebSocket\n")
        if len(self._clients) >= self._max_clients:
            return web.Response(status=503, text="too many panels\n")
        await ws.prepare(request)
        outbox = PanelOutbox(*self._outbox_limits)
        transport = request.transport
        self._clients[outbox] = _Panel(
            ws, transport if isinstance(transport, asyncio.Transport) else None
        )
        writer = self._tasks.spawn(self._write(ws, outbox))
        try:
            async for msg in ws:
                if outbox.overflowed:
                    break
                if msg.type is WSMsgType.TEXT:
                    await self.handle_frame(msg.data, outbox)
                elif msg.type is WSMsgType.BINARY:
                    err = BridgeMessageError("not-an-object", "Send text frames of JSON.")
                    self._put(outbox, dumps(encode_error(err)))
        finally:
            self._clients.pop(outbox, None)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def handle_frame(self, frame: str, own: PanelOutbox) -> None:
        """One frame from a panel, its replies put in ``own`` (the websocket's own path;
        the bridge fuzz drives it without a socket)."""
        if len(frame) > MAX_FRAME:
            err = BridgeMessageError("too-large", f"A message is at most {MAX_FRAME} bytes.")
            self._put(own, dumps(encode_error(err)))
            return
        try:
            replies = await handle_ui_message(self.control, frame)
        except (RecursionError, ValueError, TypeError, UnicodeError) as exc:
            # The codec raises only its own error; this is the last line, never a traceback.
            log.info("bridge: undecodable message: %s", type(exc).__name__)
            err = BridgeMessageError("bad-json", f"The message cannot be decoded: {exc}")
            self._put(own, dumps(encode_error(err)))
            return
        for out in replies:
            text = dumps(out.message)
            if out.broadcast:
                self.broadcast(text)
            else:
                self._put(own, text)

    @staticmethod
    async def _write(ws: web.WebSocketResponse, outbox: PanelOutbox) -> None:
        while True:
            text = await outbox.get()
            if text is None:  # overflowed: the connection is being cut
                return
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return


def _write_private(path: Path, content: dict[str, object]) -> None:
    write_private(path, json.dumps(content))
