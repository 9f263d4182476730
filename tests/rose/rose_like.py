"""A re-creation of how Rose 1.2.14 (commit 59922fc) drives its party manager, for CI.

Written from reading Rose's code, not copied from it. What it reproduces, with Rose's names:

- ``RoseLikeServer``: Rose's ``WebSocketServer`` as the party code sees it: an asyncio loop on
  its own thread (``.loop``), a set of ``.connections`` (the broadcaster sends nothing while it
  is empty) and ``async broadcast(message)``. Every message goes to ``.sent`` (decoded) and to
  the callables in ``.sinks`` (the panel tests put a real WebSocket there). Rose calls its
  message handler synchronously ON that loop for every frame: ``deliver(text)`` does the same.
- ``RoseLikeHandler``: the five party handlers of ``pengu/communication/message_handler.py``
  (2653-2866): the manager is built lazily on the loop thread as
  ``PartyManager(lcu, shared_state, injection_manager)``, ``set_callbacks(on_state_change=lambda
  state: broadcaster.broadcast_party_state())``, then ``await enable()`` / ``await disable()`` /
  ``success, error = await add_peer(token)`` / ``await remove_peer(int(summoner_id))`` run as
  coroutines handed to the loop with ``run_coroutine_threadsafe``; ``get_state_dict()`` is spread
  into ``{"type": "party-state", **d, "timestamp": ms}``. Replies go through ``_send_response``
  (a broadcast hop onto the loop), like Rose's.
- ``RoseLikeBroadcaster``: ``broadcast_party_state`` (broadcaster.py 323-365): reads
  ``get_state_dict()`` in the CALLER's thread (the party's, via on_state_change), then hops to
  the server loop.
- ``RoseLikeState``: the ``SharedState`` fields the party reads (state/core/shared_state.py).
- ``RoseLikeLcu``: Rose's ``lcu`` object as the party sees it (lcu/core/lcu_connection.py):
  ``ok``, ``port``, ``pw``, ``base``, ``refresh_if_needed(force=False)``, here reading an
  emulator's lockfile (``name:pid:port:password:protocol``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

__all__ = [
    "EmulatorThread",
    "RoseLikeBroadcaster",
    "RoseLikeHandler",
    "RoseLikeInjectionManager",
    "RoseLikeLcu",
    "RoseLikeRose",
    "RoseLikeServer",
    "RoseLikeState",
    "rose_party",
]

Json = dict[str, Any]
Sink = Callable[[str], Any]  # may return an awaitable (run on the server loop)


@dataclass
class RoseLikeState:
    """The SharedState fields party mode reads or writes, with Rose's names and defaults."""

    phase: str | None = None
    hovered_champ_id: int | None = None
    locked_champ_id: int | None = None
    last_hovered_skin_id: int | None = None
    selected_skin_id: int | None = None  # the OWNED skin the client shows
    owned_skin_ids: set[int] = field(default_factory=set)
    selected_chroma_id: int | None = None
    selected_form_path: str | None = None
    is_swiftplay_mode: bool = False
    swiftplay_skin_tracking: dict[int, int] = field(default_factory=dict)
    swiftplay_lock: threading.Lock = field(default_factory=threading.Lock)
    random_skin_name: str | None = None
    random_skin_id: int | None = None
    random_mode_active: bool = False
    historic_mode_active: bool = False
    historic_skin_id: int | str | None = None
    selected_custom_mod: dict[str, Any] | None = None
    party_mode_enabled: bool = False
    party_token: str | None = None
    party_manager: Any = None


class RoseLikeLcu:
    """Rose's ``lcu``: credentials from a lockfile, re-read by ``refresh_if_needed``."""

    def __init__(self, lockfile: Path) -> None:
        self._path = lockfile
        self._mtime = 0.0
        self._lock = threading.RLock()
        self.ok = False
        self.port: int | None = None
        self.pw: str | None = None
        self.base: str | None = None
        self.refreshes = 0
        self._read()

    def _read(self) -> None:
        try:
            text = self._path.read_text(encoding="utf-8").strip()
            self._mtime = self._path.stat().st_mtime
            _name, _pid, port, pw, _proto = text.split(":")
            self.port, self.pw = int(port), pw
            self.base = f"https://127.0.0.1:{self.port}"
            self.ok = True
        except (OSError, ValueError):
            self.ok, self.port, self.pw, self.base = False, None, None, None

    def refresh_if_needed(self, force: bool = False) -> None:
        with self._lock:
            self.refreshes += 1
            try:
                mtime = self._path.stat().st_mtime
            except OSError:
                self.ok, self.port, self.pw, self.base = False, None, None, None
                return
            if force or not self.ok or mtime != self._mtime:
                self._read()


@dataclass
class RoseLikeInjector:
    zips_dir: Path
    mods_dir: Path


class RoseLikeInjectionManager:
    """What the manager may read of Rose's InjectionManager: ``zips_dir`` and ``injector``."""

    def __init__(self, zips_dir: Path, mods_dir: Path) -> None:
        self.zips_dir = zips_dir
        self.mods_dir = mods_dir
        self.injector: RoseLikeInjector | None = RoseLikeInjector(zips_dir, mods_dir)


class RoseLikeServer:
    """Rose's WebSocketServer seen from the party code: a loop thread and ``broadcast``."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.connections: set[object] = {"panel"}  # the broadcaster needs one to send
        self.sent: list[Json] = []
        self.sinks: list[Sink] = []
        self.message_handler: Callable[[str], None] | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self.loop.run_forever, name="rose-ws", daemon=True)
        self._thread.start()

    async def broadcast(self, message: str) -> None:
        with self._cond:
            self.sent.append(json.loads(message))
            self._cond.notify_all()
        for sink in list(self.sinks):
            result = sink(message)
            if asyncio.iscoroutine(result):
                await result

    def deliver(self, text: str) -> None:
        """A frame from a panel: Rose calls its handler synchronously on the loop thread."""

        def run() -> None:
            if self.message_handler is not None:
                self.message_handler(text)

        self.loop.call_soon_threadsafe(run)

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def wait_for(self, check: Callable[[Json], bool], within: float = 30.0, start: int = 0) -> Json:
        """The first message at index >= ``start`` that passes ``check``."""
        deadline = time.monotonic() + within
        with self._cond:
            while True:
                for msg in self.sent[start:]:
                    if check(msg):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    kinds = [m.get("type") for m in self.sent[start:]]
                    raise AssertionError(f"no such message in time; got {kinds}")
                self._cond.wait(min(left, 0.2))

    def mark(self) -> int:
        with self._cond:
            return len(self.sent)

    def stop(self) -> None:
        async def settle() -> None:
            await asyncio.sleep(0.1)

        if self.loop.is_running():
            self.run(settle())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        self.loop.close()


class RoseLikeBroadcaster:
    def __init__(self, server: RoseLikeServer, shared_state: Any) -> None:
        self.websocket_server = server
        self.shared_state = shared_state
        self.party_broadcasts = 0
        self.caller_threads: set[str] = set()  # who called broadcast_party_state

    def broadcast_party_state(self) -> None:
        if not self.websocket_server.loop or not self.websocket_server.connections:
            return
        self.caller_threads.add(threading.current_thread().name)
        manager = getattr(self.shared_state, "party_manager", None)
        if not manager:
            payload: Json = {"type": "party-state", "enabled": False, "my_token": None}
            payload |= {"peers": [], "timestamp": int(time.time() * 1000)}
        else:
            state = manager.get_state_dict()  # in the caller's thread, as Rose does
            payload = {"type": "party-state", **state, "timestamp": int(time.time() * 1000)}
        self.party_broadcasts += 1
        self._send_message(json.dumps(payload))

    def _send_message(self, message: str) -> None:
        server = self.websocket_server
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is server.loop:
            server.loop.create_task(server.broadcast(message))
        else:
            asyncio.run_coroutine_threadsafe(server.broadcast(message), server.loop)


class RoseLikeHandler:
    """The five party handlers, with Rose's awaits, tuple unpacking and dict spreading."""

    def __init__(
        self,
        server: RoseLikeServer,
        shared_state: Any,
        lcu: Any,
        injection_manager: Any,
        broadcaster: RoseLikeBroadcaster,
        manager_class: Callable[[Any, Any, Any], Any] | None = None,
    ) -> None:
        self.websocket_server = server
        self.shared_state = shared_state
        self.lcu = lcu
        self.injection_manager = injection_manager
        self.broadcaster = broadcaster
        self._manager_class = manager_class
        self.errors: list[str] = []  # what Rose would log at ERROR
        server.message_handler = self.handle_message

    def handle_message(self, message: str) -> None:
        payload = json.loads(message)
        kind = payload.get("type")
        handlers: dict[str, Callable[[Json], None]] = {
            "party-enable": self._handle_party_enable,
            "party-disable": self._handle_party_disable,
            "party-add-peer": self._handle_party_add_peer,
            "party-remove-peer": self._handle_party_remove_peer,
            "party-get-state": self._handle_party_get_state,
        }
        handler = handlers.get(kind)
        if handler is not None:
            handler(payload)

    def _send_response(self, message: str) -> None:
        self.broadcaster._send_message(message)

    def _schedule(self, coro: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.websocket_server.loop)

    def _manager_type(self) -> Callable[[Any, Any, Any], Any]:
        if self._manager_class is not None:
            return self._manager_class
        from webrtc_party.rose.manager import PartyManager  # Rose's one-line file

        return PartyManager

    def _handle_party_enable(self, payload: Json) -> None:
        try:
            manager = getattr(self.shared_state, "party_manager", None)
            if not manager:
                if not self.lcu:
                    msg = {"type": "party-enabled", "success": False}
                    msg["error"] = "LCU not available - is League client running?"
                    self._send_response(json.dumps(msg))
                    return
                manager = self._manager_type()(self.lcu, self.shared_state, self.injection_manager)
                self.shared_state.party_manager = manager
                manager.set_callbacks(
                    on_state_change=lambda state: self.broadcaster.broadcast_party_state()
                )

            async def do_enable() -> None:
                try:
                    token = await manager.enable()
                    self.shared_state.party_mode_enabled = True
                    self.shared_state.party_token = token
                    msg = {"type": "party-enabled", "success": True, "token": token}
                    self._send_response(json.dumps(msg))
                    _ = token[:30]  # Rose logs the token's start: it must be text
                except Exception as e:
                    self.errors.append(f"enable: {e}")
                    msg = {"type": "party-enabled", "success": False, "error": str(e)}
                    self._send_response(json.dumps(msg))

            self._schedule(do_enable())
        except Exception as e:
            self.errors.append(f"enable handler: {e}")
            msg = {"type": "party-enabled", "success": False, "error": str(e)}
            self._send_response(json.dumps(msg))

    def _handle_party_disable(self, payload: Json) -> None:
        manager = getattr(self.shared_state, "party_manager", None)
        if not manager:
            self._send_response(json.dumps({"type": "party-disabled", "success": True}))
            return

        async def do_disable() -> None:
            try:
                await manager.disable()
                self.shared_state.party_mode_enabled = False
                self.shared_state.party_token = None
                self._send_response(json.dumps({"type": "party-disabled", "success": True}))
            except Exception as e:
                self.errors.append(f"disable: {e}")
                msg = {"type": "party-disabled", "success": False, "error": str(e)}
                self._send_response(json.dumps(msg))

        self._schedule(do_disable())

    def _handle_party_add_peer(self, payload: Json) -> None:
        token = payload.get("token", "")
        if not token:
            msg = {"type": "party-peer-added", "success": False, "error": "No token provided"}
            self._send_response(json.dumps(msg))
            return
        manager = getattr(self.shared_state, "party_manager", None)
        if not manager or not manager.enabled:
            msg = {"type": "party-peer-added", "success": False}
            msg["error"] = "Party mode not enabled"
            self._send_response(json.dumps(msg))
            return

        async def do_add_peer() -> None:
            try:
                success, error = await manager.add_peer(token)
                msg = {"type": "party-peer-added", "success": success, "error": error}
                self._send_response(json.dumps(msg))
            except Exception as e:
                self.errors.append(f"add peer: {e}")
                msg = {"type": "party-peer-added", "success": False, "error": str(e)}
                self._send_response(json.dumps(msg))

        self._schedule(do_add_peer())

    def _handle_party_remove_peer(self, payload: Json) -> None:
        summoner_id = payload.get("summoner_id")
        if not summoner_id:
            return
        manager = getattr(self.shared_state, "party_manager", None)
        if not manager:
            return

        async def do_remove_peer() -> None:
            try:
                await manager.remove_peer(int(summoner_id))
                msg = {"type": "party-peer-removed", "success": True}
                msg["summoner_id"] = summoner_id
                self._send_response(json.dumps(msg))
            except Exception as e:
                self.errors.append(f"remove peer: {e}")

        self._schedule(do_remove_peer())

    def _handle_party_get_state(self, payload: Json) -> None:
        try:
            manager = getattr(self.shared_state, "party_manager", None)
            if not manager:
                msg: Json = {"type": "party-state", "enabled": False, "my_token": None}
                msg |= {"peers": [], "timestamp": int(time.time() * 1000)}
            else:
                state = manager.get_state_dict()
                msg = {"type": "party-state", **state, "timestamp": int(time.time() * 1000)}
            self._send_response(json.dumps(msg))
        except Exception as e:
            self.errors.append(f"get state: {e}")


class RoseLikeRose:
    """One Rose: server loop, shared state, lcu, injection manager, broadcaster, handler.

    ``state`` and ``lcu`` may be Rose's real ``SharedState`` and ``LCU`` (under ROSE_SRC)."""

    def __init__(
        self,
        lockfile: Path | None,
        data_dir: Path,
        manager_class: Callable[[Any, Any, Any], Any] | None = None,
        *,
        state: Any = None,
        lcu: Any = None,
    ) -> None:
        self.server = RoseLikeServer()
        self.state: Any = state if state is not None else RoseLikeState()
        if lcu is None and lockfile is not None:
            lcu = RoseLikeLcu(lockfile)
        self.lcu: Any = lcu
        skins, mods = data_dir / "skins", data_dir / "mods" / "skins"
        skins.mkdir(parents=True, exist_ok=True)
        mods.mkdir(parents=True, exist_ok=True)
        self.injection_manager = RoseLikeInjectionManager(skins, data_dir / "injection" / "mods")
        self.broadcaster = RoseLikeBroadcaster(self.server, self.state)
        self.handler = RoseLikeHandler(
            self.server,
            self.state,
            self.lcu,
            self.injection_manager,
            self.broadcaster,
            manager_class,
        )

    def send(self, payload: Json) -> None:
        """A panel message, delivered as Rose's server would (on its loop thread)."""
        self.server.deliver(json.dumps(payload))

    def request(self, payload: Json, reply_type: str, within: float = 40.0) -> Json:
        """Send ``payload`` and wait for the next message of ``reply_type``."""
        start = self.server.mark()
        self.send(payload)
        return self.server.wait_for(lambda m: m.get("type") == reply_type, within, start)

    @property
    def manager(self) -> Any:
        return self.state.party_manager

    def close(self) -> None:
        manager = self.state.party_manager
        if manager is not None and hasattr(manager, "close"):
            manager.close()
        self.server.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EmulatorThread:
    """A League-client emulator on its own loop thread (Rose's world has no test loop).
    A context manager, so a fixture's ``ExitStack`` stops it however the test ends.

    ``share_ca_with``: use another emulator's root certificate, so one
    ``WEBRTC_PARTY_LCU_CAFILE`` verifies them all (as Riot's one root does for real clients)."""

    def __init__(
        self,
        folder: Path,
        local: int,
        *,
        scenario: str = "premade",
        size: int = 2,
        share_ca_with: EmulatorThread | None = None,
    ) -> None:
        from webrtc_party.lcu.emulator import LcuEmulator

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        folder.mkdir(parents=True, exist_ok=True)
        cert = None if share_ca_with is None else share_ca_with.emu.cert
        self.emu: LcuEmulator = LcuEmulator(folder, scenario, size=size, local=local, cert=cert)
        self.run(self.emu.start())

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def run_until(self, step: str) -> None:
        self.run(self.emu.run_until(step))

    def rewind(self, step: str) -> None:
        """Play the scenario again from ``step`` (another champ select, another game)."""
        self.emu.position = self.emu.step_names.index(step)

    def stop(self) -> None:
        self.run(self.emu.stop())
        self.run(asyncio.sleep(0.2))  # let closed transports finish before the loop stops
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rose_party(
    stack: contextlib.ExitStack,
    tmp_path: Path,
    size: int,
    manager_class: Callable[[Any, Any, Any], Any],
    trust: Callable[[Path], None],
    *,
    scenario: str = "premade",
    rose_dir: Callable[[int], str] = lambda i: f"Rose{i}",
) -> tuple[list[EmulatorThread], list[RoseLikeRose]]:
    """``size`` emulated League clients in one lobby (one CA) and a Rose-like Rose on each,
    all closed by ``stack`` in reverse, even if one close fails. ``trust`` gets the
    emulators' CA before any Rose starts (it sets ``WEBRTC_PARTY_LCU_CAFILE``)."""
    emus: list[EmulatorThread] = []
    for i in range(size):
        first = emus[0] if emus else None
        emu = EmulatorThread(
            tmp_path / f"lcu{i}", i, scenario=scenario, size=size, share_ca_with=first
        )
        emus.append(stack.enter_context(emu))
    trust(emus[0].emu.ca_path)
    roses = [
        stack.enter_context(
            RoseLikeRose(e.emu.lockfile_path, tmp_path / rose_dir(i), manager_class)
        )
        for i, e in enumerate(emus)
    ]
    return emus, roses
