"""Rose's plugin bridge for the browser tests: the Rose re-creation of tests/rose/rose_like.py
behind a real loopback WebSocket server, served the way Rose's ``pengu/core/websocket_server``
serves it (written from reading Rose 59922fc, not copied):

- the ``websockets`` library's ``serve`` on Rose's loop thread, ``ping_interval=20``,
  ``ping_timeout=20``, with a ``process_request`` hook that refuses a WebSocket upgrade from a
  non-loopback ``Origin`` (403) and answers ``GET /bridge-port`` with the port as text, with
  ``Access-Control-Allow-Origin`` for loopback origins (Rose's ``HTTPHandler``);
- every text frame is handed to the message handler synchronously on that loop;
- every broadcast goes to every connected socket.

``ROSE_BRIDGE_JS`` is the page side: ``window.__roseBridge`` as ROSE-SkinMonitor publishes it
(see rose_bridge.js).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from websockets.legacy.server import WebSocketServer, WebSocketServerProtocol, serve

from tests.rose.rose_like import RoseLikeRose
from tests.ui.harness import free_port

__all__ = ["ROSE_BRIDGE_JS", "RoseBridge"]

ROSE_BRIDGE_JS = Path(__file__).with_name("rose_bridge.js").read_text(encoding="utf-8")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_HttpReply = tuple[int, list[tuple[str, str]], bytes]


def _loopback_origin(origin: str | None) -> bool:
    """Rose's rule (utils/core/security.py): http(s) and a loopback host name."""
    if not origin:
        return False
    parsed = urlparse(origin)
    return parsed.scheme in ("http", "https") and (parsed.hostname or "").lower() in _LOOPBACK


class RoseBridge:
    """``RoseBridge(rose)``: ``start()`` then ``port``; ``stop()`` before ``rose.close()``."""

    def __init__(self, rose: RoseLikeRose) -> None:
        self.rose = rose
        self.port = 0
        self.http_paths: list[str] = []  # every plain HTTP path asked for
        self.received: list[str] = []  # the type of every frame a panel sent
        self.frames: list[object] = []  # every frame a panel sent, decoded
        self._server: WebSocketServer | None = None
        self._sockets: set[WebSocketServerProtocol] = set()

    def start(self) -> RoseBridge:
        self.port = free_port()
        self._server = self.rose.server.run(self._serve())
        self.rose.server.sinks.append(self._broadcast)
        return self

    def stop(self) -> None:
        if self._broadcast in self.rose.server.sinks:
            self.rose.server.sinks.remove(self._broadcast)
        if self._server is not None:
            self.rose.server.run(self._close())
            self._server = None

    async def _serve(self) -> WebSocketServer:
        return await serve(
            self._handler,
            "127.0.0.1",
            self.port,
            ping_interval=20,
            ping_timeout=20,
            process_request=self._http,
        )

    async def _close(self) -> None:
        assert self._server is not None
        for ws in list(self._sockets):
            await ws.close()
        self._server.close()
        await self._server.wait_closed()

    async def _http(
        self, path: str, headers: Any
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        origin = headers.get("Origin")
        upgrade = (headers.get("Upgrade") or "").lower()
        if upgrade == "websocket" and origin and not _loopback_origin(origin):
            return (403, [("Content-Type", "text/plain")], b"Forbidden")
        if origin and not _loopback_origin(origin):
            return (403, [("Content-Type", "text/plain")], b"Forbidden")
        cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] if origin else []
        clean = urlparse(path).path
        if upgrade != "websocket":
            self.http_paths.append(clean)
        if clean in ("/bridge-port", "/port"):
            return (200, [("Content-Type", "text/plain"), *cors], str(self.port).encode())
        return None  # Rose lets the WebSocket handshake go on (and fail for plain HTTP)

    async def _handler(self, ws: WebSocketServerProtocol) -> None:
        self._sockets.add(ws)
        try:
            async for message in ws:
                handler = self.rose.server.message_handler
                if isinstance(message, str):
                    with contextlib.suppress(ValueError, AttributeError):
                        self.frames.append(json.loads(message))
                        self.received.append(str(json.loads(message).get("type")))
                if handler is not None and isinstance(message, str):
                    handler(message)  # synchronously, on this loop, as Rose does
        except Exception:
            pass
        finally:
            self._sockets.discard(ws)

    async def _broadcast(self, message: str) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.send(message)

    def sent_types(self) -> list[str]:
        return [str(m.get("type")) for m in self.rose.server.sent]


async def in_thread(fn: Any, *args: Any) -> Any:
    """Run a blocking Rose-side call (they wait on other threads) off the test's loop."""
    return await asyncio.to_thread(fn, *args)
