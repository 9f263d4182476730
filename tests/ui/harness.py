"""Browser harness for the party panel: Debian's chromium driven by Playwright (async API).

- ``ClientPageServer`` serves the test page that reproduces the League client's social bar and
  a few League client asset paths (``/lol-game-data/assets/...``) so skin previews load; the
  others 404 like a client that has no such image. Loopback only.
- ``ClientPage`` is one League client window: its own browser context (own localStorage, so
  each member's plugin finds its own bridge). Like Pengu Loader, it serves the plugin folder at
  ``https://plugins/ROSE-PartyMode/`` (``index.js`` as it is on disk, never a copy, imported as
  a module; ``bridge-key.json`` from the folder a bridge wrote it into, else the placeholder the
  plugin ships with; anything else 404s with ``Access-Control-Allow-Origin: *``, as Pengu's
  handler does). Every other request that is not for 127.0.0.1 is aborted and recorded; page
  errors, console errors and every HTTP answer of 400 or more are recorded.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Route

__all__ = [
    "CHROMIUM",
    "LAUNCH_ARGS",
    "PLUGIN",
    "PLUGIN_DIR",
    "ClientPage",
    "ClientPageServer",
    "chromium_missing_reason",
    "free_port",
    "png",
]

CHROMIUM = "/usr/bin/chromium"
# Verified in ../shared/reference/browser-testing.md: root, closed network, no GPU.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
PLUGIN_DIR = ROOT / "webrtc_party" / "rose" / "plugin" / "ROSE-PartyMode"
PLUGIN = PLUGIN_DIR / "index.js"
PENGU_PLUGINS = "https://plugins/"
PAGE = Path(__file__).with_name("client.html")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
VIEWPORT = {"width": 1280, "height": 720}  # the League client's default window


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


def free_port() -> int:
    """A loopback TCP port nobody listens on (closed again at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A small vertical-gradient PNG (stand-in for a skin tile), no imaging library needed."""
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows.append(b"\x00" + pixel * width)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class ClientPageServer:
    """The test page, the plugin and some League client assets, on 127.0.0.1."""

    def __init__(self, tiles: dict[tuple[int, int], bytes] | None = None) -> None:
        self.tiles = dict(tiles or {})  # (champion id, skin id) -> PNG
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def origin(self) -> str:
        """The test page's origin: a loopback page of our own the bridge must be told of."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ClientPageServer:
        app = web.Application()
        app.router.add_get("/", self._page)
        app.router.add_get("/lol-game-data/assets/v1/champion-tiles/{champion}/{skin}", self._tile)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(body=PAGE.read_bytes(), content_type="text/html")

    async def _tile(self, request: web.Request) -> web.Response:
        try:
            champion = int(request.match_info["champion"])
            skin = int(request.match_info["skin"].removesuffix(".jpg"))
        except ValueError:
            raise web.HTTPNotFound() from None
        body = self.tiles.get((champion, skin))
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="image/png")


@dataclass
class ClientPage:
    """One League client window with the plugin loaded."""

    context: BrowserContext
    page: Page
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # requests that left loopback
    failed: list[str] = field(default_factory=list)  # "404 url": answers of 400 or more
    key_dir: Path | None = None  # where a bridge wrote bridge-key.json for this client

    @classmethod
    async def open(
        cls,
        browser: Browser,
        server: ClientPageServer,
        *,
        bridge_port: int | None = None,
        options: dict[str, Any] | None = None,
        key_dir: Path | None = None,
        init_script: str = "",
    ) -> ClientPage:
        """``bridge_port`` goes into ``localStorage.rose_bridge_port`` (what Rose remembers);
        ``options`` into ``window.__rosePartyModeOptions`` before the plugin runs; ``key_dir``
        is the plugin folder our bridge wrote its key into; ``init_script`` runs before the
        page's own scripts (e.g. a stand-in for another plugin)."""
        context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        page = await context.new_page()
        client = cls(context, page, key_dir=key_dir)
        await context.route("**/*", client._route)
        page.on("pageerror", lambda exc: client.page_errors.append(str(exc)))
        page.on("console", client._console)
        page.on("response", client._response)
        script = init_script + "\n"
        if bridge_port is not None:
            script += f"localStorage.setItem('rose_bridge_port', '{int(bridge_port)}');\n"
        if options:
            import json

            script += f"window.__rosePartyModeOptions = {json.dumps(options)};\n"
        if script:
            await context.add_init_script(script=script)
        await page.goto(server.url)
        return client

    async def _route(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if url.startswith(PENGU_PLUGINS):
            await self._pengu(route, parts.path)
        elif parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOOPBACK_HOSTS:
            await route.continue_()
        elif parts.scheme in ("data", "blob"):
            await route.continue_()
        else:
            self.blocked.append(url)
            await route.abort()

    async def _pengu(self, route: Route, path: str) -> None:
        """Pengu Loader's ``https://plugins/`` handler for our one plugin folder."""
        cors = {"Access-Control-Allow-Origin": "*"}
        if path == "/ROSE-PartyMode/index.js":
            body = PLUGIN.read_bytes()
            await route.fulfill(body=body, content_type="text/javascript", headers=cors)
            return
        if path == "/ROSE-PartyMode/bridge-key.json":
            folder = self.key_dir if self.key_dir is not None else PLUGIN_DIR
            await route.fulfill(
                body=(folder / "bridge-key.json").read_bytes(),
                content_type="application/json",
                headers=cors,
            )
            return
        await route.fulfill(status=404, body=b"", headers=cors)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")

    def unexpected_console_errors(self, *, bridge_without_cors: bool = False) -> list[str]:
        """Console errors other than the expected ones: League client images that 404 (the
        test page has few), ports probed where no bridge listens. ``bridge_without_cors``:
        also the browser's complaint that a bridge's ``/bridge-port`` answer has no
        ``Access-Control-Allow-Origin`` (the plugin then trusts the WebSocket handshake)."""
        out = []
        for error in self.console_errors:
            if "/lol-game-data/assets/" in error:
                continue
            if "/bridge-port" in error and (
                "ERR_CONNECTION_REFUSED" in error
                or (bridge_without_cors and ("CORS policy" in error or "ERR_FAILED" in error))
            ):
                continue
            out.append(error)
        return out

    def failed_requests(self, *, allow_tiles: bool = False) -> list[str]:
        """Answers of 400 or more; ``allow_tiles``: not counting the League client's skin
        tiles the test page does not have (the client's own images, not ours)."""
        return [f for f in self.failed if not (allow_tiles and "/lol-game-data/assets/" in f)]

    def assert_clean(self, *, bridge_without_cors: bool = False, allow_tiles: bool = True) -> None:
        """No uncaught exception, no request off loopback, no unexpected console error, no
        request answered 4xx/5xx (League client tiles aside when ``allow_tiles``)."""
        assert self.page_errors == [], self.page_errors
        assert self.blocked == [], f"requests left loopback: {self.blocked}"
        assert self.failed_requests(allow_tiles=allow_tiles) == [], self.failed
        unexpected = self.unexpected_console_errors(bridge_without_cors=bridge_without_cors)
        assert unexpected == [], unexpected

    async def close(self) -> None:
        await self.context.close()
