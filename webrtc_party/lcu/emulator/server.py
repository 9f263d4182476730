"""``LcuEmulator``: an in-process League client API over HTTPS and WSS on 127.0.0.1.

It writes a lockfile, checks ``Authorization: Basic``, answers REST reads from a
uri -> body store (the real 404 envelope when absent), and publishes WAMP events
to catch-all and endpoint subscribers, answering each subscribe with an empty
frame first. ``restart()`` comes back on a new port with a new password, like
the real client; old credentials then fail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web

from webrtc_party.lcu.emulator.cert import EmulatorCert, make_cert
from webrtc_party.lcu.emulator.chat import CHAT_PREFIX, ChatHub
from webrtc_party.lcu.emulator.payloads import Account, not_found
from webrtc_party.lcu.emulator.scenarios import DEFAULT_ACCOUNTS, Step, build_scenario
from webrtc_party.lcu.emulator.world import World
from webrtc_party.lcu.lockfile import Lockfile, encode_lockfile
from webrtc_party.lcu.wamp import (
    CATCH_ALL,
    EventType,
    LcuEvent,
    WampError,
    decode_client_frame,
    encode_event,
    topic_for,
)

__all__ = ["LcuEmulator"]

log = logging.getLogger(__name__)
Json = Any
MY_SELECTION = "/lol-champ-select/v1/session/my-selection"
# Swiftplay: the client's own skin picker, and Rose's force_swiftplay_base_skins, PUT the whole
# list of the local member's player slots here (the shape is inferred from Rose's code: the
# 2023 API description predates Swiftplay).
PLAYER_SLOTS = "/lol-lobby/v1/lobby/members/localMember/player-slots"
CHAT_TOPIC = "OnJsonApiEvent_lol-chat_v1_conversations"  # covers every uri below it


def _listen(avoid: int) -> socket.socket:
    """A listening socket on a free loopback port other than ``avoid``. The kernel may hand
    a just-closed port straight back (a restart would then look like no restart), so a
    socket that got ``avoid`` is held open, listening, while the next one binds."""
    held: list[socket.socket] = []
    try:
        while True:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if os.name != "nt":  # as asyncio does (on Windows it would allow port stealing)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
            sock.listen(128)
            if sock.getsockname()[1] != avoid:
                return sock
            held.append(sock)
    finally:
        for s in held:
            s.close()


class LcuEmulator:
    """One emulated League client. Use ``async with`` or ``start()``/``stop()``."""

    def __init__(
        self,
        dir: Path,
        scenario: str = "idle",
        *,
        size: int = 3,
        local: int = 0,
        accounts: tuple[Account, ...] = DEFAULT_ACCOUNTS,
        logged_in: bool = True,
        cert: EmulatorCert | None = None,
    ) -> None:
        """``cert``: serve this certificate (another emulator's ``cert``: one CA for both);
        by default one is made at the first start."""
        self.dir = Path(dir)
        self.lockfile_path = self.dir / "lockfile"
        self.world = World(accounts, local)
        self.steps: list[Step] = build_scenario(scenario, self.world, size)
        self.position = 0
        self.logged_in = logged_in
        self.store: dict[str, Json] = {}
        self.password = ""
        self.port = 0
        self.restarts = 0
        self.events_sent = 0
        self._cert = cert
        self._runner: web.AppRunner | None = None
        self._sockets: dict[web.WebSocketResponse, set[str]] = {}
        self._lock = asyncio.Lock()
        self.chat: ChatHub | None = None  # set by ChatHub.attach

    # -- lifecycle --

    async def __aenter__(self) -> LcuEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def ca_path(self) -> Path:
        """The root certificate that signed this emulator's server certificate."""
        if self._cert is None:
            raise RuntimeError("emulator not started")
        return self._cert.ca_path

    @property
    def cert(self) -> EmulatorCert | None:
        """The certificate this emulator serves (None until the first start)."""
        return self._cert

    @property
    def lockfile(self) -> Lockfile:
        return Lockfile("LeagueClient", os.getpid(), self.port, self.password, "https")

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._cert is None:
            self._cert = await asyncio.to_thread(make_cert, self.dir)
        self.password = secrets.token_urlsafe(16)
        app = web.Application(middlewares=[self._auth])
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = _listen(avoid=self.port)
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock, ssl_context=self._cert.server_context())
        await site.start()
        self._render_into_store()
        text = encode_lockfile(self.lockfile)
        await asyncio.to_thread(self._write_lockfile, text)
        log.info("emulator %s: listening on 127.0.0.1:%d", self.dir.name, self.port)

    def _write_lockfile(self, text: str) -> None:
        tmp = self.lockfile_path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.lockfile_path)

    async def stop(self) -> None:
        """Close like the real client: sockets dropped, lockfile removed."""
        self.lockfile_path.unlink(missing_ok=True)
        for ws in list(self._sockets):
            await ws.close()
        self._sockets.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def restart(self) -> None:
        """Quit and start again: new port (never the old one, see ``_listen``), new
        password, new lockfile; state is kept."""
        await self.stop()
        self.restarts += 1
        await self.start()

    # -- driving the scenario --

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    async def step(self) -> str | None:
        """Run the next scenario step and publish what changed; None when the script is done."""
        if self.position >= len(self.steps):
            return None
        step = self.steps[self.position]
        self.position += 1
        step.apply(self.world)
        await self.sync()
        return step.name

    async def run_until(self, name: str) -> None:
        """Run steps up to and including the one called ``name``."""
        if name not in self.step_names[self.position :]:
            raise ValueError(f"no step {name!r} ahead (next: {self.step_names[self.position :]})")
        while await self.step() != name:
            pass

    async def play(self, delay: float = 0.0) -> None:
        while await self.step() is not None:
            if delay:
                await asyncio.sleep(delay)

    async def sync(self) -> list[LcuEvent]:
        """Publish the difference between the world and the store as events."""
        wanted = self._render()
        events = []
        for uri, body in wanted.items():
            if uri not in self.store:
                events.append(LcuEvent(CATCH_ALL, uri, EventType.CREATE, body))
            elif self.store[uri] != body:
                events.append(LcuEvent(CATCH_ALL, uri, EventType.UPDATE, body))
        for uri in list(self.store):
            if uri not in wanted and uri in _WORLD_URIS:
                events.append(LcuEvent(CATCH_ALL, uri, EventType.DELETE, None))
        for event in events:
            await self.publish(event.uri, event.event_type, event.data)
        return events

    def _render(self) -> dict[str, Json]:
        out = self.world.resources()
        if not self.logged_in:
            out.pop("/lol-summoner/v1/current-summoner", None)
        return out

    def _render_into_store(self) -> None:
        if not self.store:
            self.store.update(self._render())

    async def set_logged_in(self) -> None:
        self.logged_in = True
        await self.sync()

    async def publish(self, uri: str, event_type: EventType | str, data: Json) -> None:
        """Change the store (Create/Update upsert, Delete removes) and send the event."""
        kind = EventType(event_type)
        if kind is EventType.DELETE:
            self.store.pop(uri, None)
            data = None
        else:
            self.store[uri] = data
        async with self._lock:
            wanted = [CATCH_ALL, topic_for(uri)]
            if uri.startswith("/lol-chat/v1/conversations"):
                wanted.append(CHAT_TOPIC)
            for ws, topics in list(self._sockets.items()):
                for topic in wanted:
                    if topic in topics and not ws.closed:
                        await self._send(ws, encode_event(LcuEvent(topic, uri, kind, data)))

    async def _send(self, ws: web.WebSocketResponse, text: str) -> None:
        try:
            await ws.send_str(text)
            self.events_sent += 1
        except ConnectionError:
            self._sockets.pop(ws, None)

    # -- HTTP --

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        expected = self.lockfile.authorization
        if request.headers.get("Authorization") != expected:
            return web.json_response(
                {
                    "errorCode": "RPC_ERROR",
                    "httpStatus": 401,
                    "implementationDetails": {},
                    "message": "Invalid credentials",
                },
                status=401,
            )
        response: web.StreamResponse = await handler(request)
        return response

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/" and request.method == "GET":
            # The real client selects the "wamp" subprotocol when asked (Rose asks for it, and
            # websocket-client refuses a handshake that drops a requested subprotocol).
            ws = web.WebSocketResponse(autoping=True, protocols=("wamp",))
            if ws.can_prepare(request).ok:
                return await self._websocket(request, ws)
        uri = request.path
        if uri.startswith(CHAT_PREFIX) and self.chat is not None:
            try:
                body = await request.json() if request.can_read_body else None
            except ValueError:
                body = None
            status, answer = await self.chat.handle(self, request.method, uri, body)
            return _json(answer, status)
        if request.method == "GET":
            if uri in self.store:
                return _json(self.store[uri])
            return _json(not_found(uri), 404)
        if request.method == "PATCH" and uri == MY_SELECTION and self.world.cells is not None:
            try:
                body = await request.json()
            except ValueError:
                return _json(
                    {"errorCode": "RPC_ERROR", "httpStatus": 400, "message": "bad JSON"}, 400
                )
            skin = body.get("selectedSkinId") if isinstance(body, dict) else None
            if isinstance(skin, int):
                self.world.choose_skin(self.world.cell_of(self.world.me), skin)
                await self.sync()
            return web.Response(status=204)
        if request.method == "PUT" and uri == PLAYER_SLOTS and self.world.party_id:
            return await self._put_player_slots(request)
        return _json(not_found(uri), 404)

    async def _put_player_slots(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        slots = _player_slots(body)
        if slots is None:
            return _json(
                {"errorCode": "RPC_ERROR", "httpStatus": 400, "implementationDetails": {},
                 "message": "player slots must be a list of {championId, skinId, ...}"},
                400,
            )
        self.world.slots[self.world.me.puuid] = slots
        await self.sync()
        return web.Response(status=204)

    async def _websocket(
        self, request: web.Request, ws: web.WebSocketResponse
    ) -> web.StreamResponse:
        await ws.prepare(request)
        topics: set[str] = set()
        self._sockets[ws] = topics
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    opcode, topic = decode_client_frame(msg.data)
                except WampError:
                    log.debug("emulator: ignored client frame %.60r", msg.data)
                    continue
                async with self._lock:
                    if opcode == 5:
                        await ws.send_str("")  # the real client's empty acknowledgement
                        topics.add(topic)
                    else:
                        topics.discard(topic)
        finally:
            self._sockets.pop(ws, None)
        return ws


def _json(body: Json, status: int = 200) -> web.Response:
    text = json.dumps(body, separators=(",", ":"), sort_keys=True)
    return web.Response(text=text, status=status, content_type="application/json")


_WORLD_URIS = frozenset(
    {
        "/lol-summoner/v1/current-summoner",
        "/lol-lobby/v2/lobby",
        "/lol-lobby/v2/lobby/members",
        "/lol-lobby/v2/comms/members",
        "/lol-gameflow/v1/session",
        "/lol-gameflow/v1/gameflow-phase",
        "/lol-champ-select/v1/session",
        "/lol-champ-select/v1/skin-selector-info",
        "/lol-champ-select/v1/skin-carousel-skins",
    }
)


def _player_slots(body: Json) -> list[tuple[int, int]] | None:
    """(champion, skin) per slot of a player-slots PUT body, None if it is not one."""
    if not isinstance(body, list) or len(body) > 2:
        return None
    out = []
    for slot in body:
        if not isinstance(slot, dict):
            return None
        champion, skin = slot.get("championId"), slot.get("skinId")
        if not isinstance(champion, int) or not isinstance(skin, int):
            return None
        if isinstance(champion, bool) or isinstance(skin, bool):
            return None
        out.append((champion, skin))
    return out
