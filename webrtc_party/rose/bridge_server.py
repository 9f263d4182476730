"""The UI bridge server: aiohttp WebSocket + HTTP on 127.0.0.1 around ``handle_ui_message``.

Routes and rules are in docs/bridge.md. Every connected panel has a queue and a writer task
owned by its handler; a change of the party is put on every queue (``party-state``, and
``phase-change`` when the League phase moved).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from importlib import resources

from aiohttp import WSCloseCode, WSMsgType, web
from yarl import URL

from signaling.errors import TokenError
from signaling.qr import qr_svg
from signaling.token import parse_token
from webrtc_party.errors import ConfigError
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

__all__ = ["DEFAULT_PORT", "BridgeServer", "is_loopback_origin"]

log = logging.getLogger(__name__)
DEFAULT_PORT = 50000
PORT_TRIES = 11  # 50000 .. 50010, like the panel's probe
_ASSET = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback_origin(origin: str | None) -> bool:
    """No Origin, ``null``, or an origin whose host is a loopback name or address."""
    if origin is None or origin == "null":
        return True
    try:
        host = URL(origin).host
    except ValueError:
        return False
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BridgeServer:
    """``async with BridgeServer(control) as bridge:`` then ``bridge.port``."""

    def __init__(
        self, control: PartyControl, *, port: int = DEFAULT_PORT, tries: int = PORT_TRIES
    ) -> None:
        self.control = control
        self._first_port = port
        self._tries = tries if port else 1
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._clients: set[asyncio.Queue[str]] = set()
        self._sockets: set[web.WebSocketResponse] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._phase: str | None = None

    async def __aenter__(self) -> BridgeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._origin_guard])
        app.router.add_get("/bridge-port", self._bridge_port)
        app.router.add_get("/", self._websocket)
        app.router.add_get("/ws", self._websocket)
        app.router.add_get("/party/qr.svg", self._qr)
        app.router.add_get("/asset/{name}", self._asset)
        self._runner = web.AppRunner(app, access_log=None)
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
        self._phase = self.control.snapshot().phase
        self._unsubscribe = self.control.subscribe(self._on_change)
        log.info("bridge on 127.0.0.1:%d", self.port)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        # Close the panels' sockets first; otherwise aiohttp waits out its shutdown timeout.
        await asyncio.gather(
            *(
                ws.close(code=WSCloseCode.GOING_AWAY, message=b"bridge stopping")
                for ws in list(self._sockets)
            ),
            return_exceptions=True,
        )
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def clients(self) -> int:
        return len(self._clients)

    # -- broadcasting ---------------------------------------------------------------------

    def _on_change(self, snap: PartySnapshot) -> None:
        if snap.phase != self._phase:
            self._phase = snap.phase
            self.broadcast(dumps(encode_phase_change(snap.phase)))
        self.broadcast(dumps(encode_state(snap)))

    def broadcast(self, text: str) -> None:
        for queue in list(self._clients):
            queue.put_nowait(text)

    # -- routes ---------------------------------------------------------------------------

    @web.middleware
    async def _origin_guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not is_loopback_origin(origin):
            log.warning("bridge: refused a request from origin %r", origin[:100] if origin else "")
            return web.Response(status=403, text="forbidden origin\n")
        response = await handler(request)
        if origin and origin != "null" and not response.prepared:
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

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not _ASSET.fullmatch(name) or ".." in name:
            raise web.HTTPNotFound()
        folder = resources.files("webrtc_party.rose").joinpath("assets")
        entry = folder.joinpath(name)
        if not entry.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=entry.read_bytes(), content_type=_content_type(name))

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=4 * MAX_FRAME)
        if not ws.can_prepare(request).ok:
            return web.Response(text="webrtc-party bridge: connect with a WebSocket\n")
        await ws.prepare(request)
        self._sockets.add(ws)
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._clients.add(queue)
        writer = asyncio.get_running_loop().create_task(self._write(ws, queue))
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._handle(msg.data, queue)
                elif msg.type is WSMsgType.BINARY:
                    err = BridgeMessageError("not-an-object", "Send text frames of JSON.")
                    queue.put_nowait(dumps(encode_error(err)))
        finally:
            self._clients.discard(queue)
            self._sockets.discard(ws)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _handle(self, frame: str, own: asyncio.Queue[str]) -> None:
        if len(frame) > MAX_FRAME:
            err = BridgeMessageError("too-large", f"A message is at most {MAX_FRAME} bytes.")
            own.put_nowait(dumps(encode_error(err)))
            return
        for out in await handle_ui_message(self.control, frame):
            text = dumps(out.message)
            if out.broadcast:
                self.broadcast(text)
            else:
                own.put_nowait(text)

    @staticmethod
    async def _write(ws: web.WebSocketResponse, queue: asyncio.Queue[str]) -> None:
        while True:
            text = await queue.get()
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {
        "woff2": "font/woff2",
        "woff": "font/woff",
        "ttf": "font/ttf",
        "otf": "font/otf",
        "svg": "image/svg+xml",
        "png": "image/png",
        "css": "text/css",
        "js": "text/javascript",
    }.get(ext, "application/octet-stream")
