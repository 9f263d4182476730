"""One Rose, in a process of its own: Rose's real modules from an adopted copy of its checkout.

Run by tests/rose_real/host_kit.py as ``python rose_host.py --rose DIR --lockfile FILE``, with
``XDG_DATA_HOME`` naming this member's data folder (Rose puts ``Rose/`` below it on Linux).
It builds what Rose's ``main`` builds (``LCU(lockfile)``, ``LCUSkinScraper``, ``SharedState``,
``InjectionManager(shared_state=...)``, ``PenguSkinMonitorThread`` = Rose's WebSocketServer +
MessageHandler + Broadcaster, ``InjectionTrigger``, ``SwiftplayHandler``), and replaces exactly
one thing: ``OverlayManager.mk_run_overlay`` (it runs mod-tools.exe) records the mod folders
it was given, with what each holds, and reports success. Rose's tray (``main``: pystray and the
Windows UI) is never imported; nothing else is patched.

It reads one JSON command per line on stdin and writes one JSON object per line on stdout:
``{"reply": ...}`` for each command, ``{"event": "overlay", "mods": [...]}`` for each overlay.
Rose's log goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

_out_lock = threading.Lock()
_protocol: list[TextIO] = []


def take_stdout() -> None:
    """Keep the real stdout for the protocol; anything Rose prints goes to stderr."""
    _protocol.append(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def emit(obj: dict[str, Any]) -> None:
    with _out_lock:
        out = _protocol[0]
        out.write(json.dumps(obj) + "\n")
        out.flush()


def describe_mod(folder: Path) -> dict[str, Any]:
    """What one mod folder handed to the overlay holds: its files and their text."""
    files = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            try:
                files[path.relative_to(folder).as_posix()] = path.read_text("utf-8")[:200]
            except UnicodeDecodeError:
                files[path.relative_to(folder).as_posix()] = "<binary>"
    return {"name": folder.name, "exists": folder.is_dir(), "files": files}


def install_overlay_recorder() -> None:
    overlay = importlib.import_module("injection.overlay.overlay_manager")

    def mk_run_overlay(
        self: Any,
        mod_names: list[str],
        timeout: int = 120,
        stop_callback: Any = None,
        injection_manager: Any = None,
    ) -> int:
        mods_dir = Path(self.mods_dir)
        emit(
            {
                "event": "overlay",
                "thread": threading.current_thread().name,
                "mods": [describe_mod(mods_dir / name) for name in mod_names],
            }
        )
        self.last_injection_timing = {"mkoverlay_duration": 0.0}
        return 0

    overlay.OverlayManager.mk_run_overlay = mk_run_overlay


def write_league_paths(data_home: Path) -> None:
    """Rose finds League through config.ini (or a running LeagueClient.exe, not here)."""
    game = data_home / "League" / "Game"
    client = data_home / "League"
    game.mkdir(parents=True, exist_ok=True)
    (game / "League of Legends.exe").write_bytes(b"")
    (client / "LeagueClient.exe").write_bytes(b"")
    paths = importlib.import_module("utils.core.paths")
    config = paths.get_user_data_dir() / "config.ini"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[General]\nleaguePath = {game}\nclientPath = {client}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Host:
    def __init__(self, lockfile: str, port: int | None) -> None:
        lcu_mod = importlib.import_module("lcu")
        state_mod = importlib.import_module("state")
        injection = importlib.import_module("injection")
        monitor_mod = importlib.import_module("pengu.core.skin_monitor")
        trigger_mod = importlib.import_module("threads.handlers.injection_trigger")
        swift_mod = importlib.import_module("threads.handlers.swiftplay_handler")
        self.lcu = lcu_mod.LCU(lockfile)
        self.skin_scraper = lcu_mod.LCUSkinScraper(self.lcu)
        self.state = state_mod.SharedState()
        self.injection_manager = injection.InjectionManager(shared_state=self.state)
        self.monitor = monitor_mod.PenguSkinMonitorThread(
            self.state,
            self.lcu,
            skin_scraper=self.skin_scraper,
            injection_manager=self.injection_manager,
            port=port,  # None: Rose's own choice, the first free port from 50000
        )
        self.state.ui_skin_thread = self.monitor
        self.trigger = trigger_mod.InjectionTrigger(
            self.lcu, self.state, self.injection_manager, self.skin_scraper
        )
        self.swiftplay = swift_mod.SwiftplayHandler(
            self.lcu, self.state, self.injection_manager, self.skin_scraper
        )
        self.tickers = 0

    def start(self) -> int:
        self.monitor.start()
        if not self.monitor.ready_event.wait(15.0):
            raise RuntimeError("Rose's WebSocket server did not start")
        self.injection_manager._ensure_initialized()
        return int(self.monitor.port)

    def run(self, cmd: dict[str, Any]) -> Any:
        op = cmd["op"]
        if op == "set":
            for key, value in cmd["fields"].items():
                if not hasattr(self.state, key):
                    raise AttributeError(f"SharedState has no field {key!r}")
                if key in ("owned_skin_ids",):
                    value = set(value)
                if key == "swiftplay_skin_tracking":
                    value = {int(k): v for k, v in value.items()}
                setattr(self.state, key, value)
            return True
        if op == "get":
            return {key: _plain(getattr(self.state, key, None)) for key in cmd["fields"]}
        if op == "inject":
            # What Rose's LoadoutTicker does when the timer reaches the injection threshold.
            self.tickers += 1
            self.trigger.trigger_injection(cmd["name"], self.tickers, cmd.get("cname", ""))
            return True
        if op == "swiftplay":
            # What Rose's phase handler does for Swiftplay: extract at matchmaking, overlay later.
            self.swiftplay._overlay_done = False
            self.swiftplay.trigger_swiftplay_injection()
            self.swiftplay.run_swiftplay_overlay()
            return True
        if op == "phase":
            # Rose's own phase handler: Matchmaking extracts, ChampSelect runs the overlay
            # only if extracted mods are waiting (what its phase thread calls on a change).
            if getattr(self, "phase_handler", None) is None:
                phase_mod = importlib.import_module("threads.handlers.phase_handler")
                self.phase_handler = phase_mod.PhaseHandler(
                    self.lcu, self.state, self.injection_manager, self.skin_scraper,
                    self.swiftplay,
                )
            self.state.phase = cmd["phase"]
            self.phase_handler.handle_phase_change(cmd["phase"], cmd["previous"])
            return True
        if op == "manager":
            pm = getattr(self.state, "party_manager", None)
            return {
                "present": pm is not None,
                "type": f"{type(pm).__module__}.{type(pm).__qualname__}" if pm else None,
                "enabled": bool(getattr(pm, "enabled", False)) if pm else False,
            }
        if op == "hook":
            # Rose's own construction of the hook (injection manager and trigger alike).
            hook_mod = importlib.import_module("party.integration.injection_hook")
            pm = getattr(self.state, "party_manager", None)
            try:
                hook = hook_mod.PartyInjectionHook(pm, self.state, self.injection_manager)
                return {"constructed": True, "enabled": bool(hook.is_enabled())}
            except Exception as exc:
                return {"constructed": False, "error": f"{type(exc).__name__}: {exc}"}
        if op == "threads":
            # Rose's LCU event thread (WAMP over websocket-client): phase, champion select,
            # lock, owned skins, and the loadout timer that triggers the injection itself.
            ws_mod = importlib.import_module("threads.core.websocket_thread")
            self.ws_thread = ws_mod.WSEventThread(
                self.lcu, self.state, injection_manager=self.injection_manager,
                skin_scraper=self.skin_scraper, swiftplay_handler=self.swiftplay,
            )
            self.ws_thread.start()
            return True
        if op == "lcu":
            return {"ok": bool(self.lcu.ok), "port": self.lcu.port}
        raise ValueError(f"unknown op {op!r}")

    def stop(self) -> None:
        pm = getattr(self.state, "party_manager", None)
        close = getattr(pm, "close", None)
        if callable(close):
            try:
                close()
            except Exception:
                logging.getLogger("rose_host").exception("party manager close failed")
        ws_thread = getattr(self, "ws_thread", None)
        if ws_thread is not None:
            ws_thread.stop()
            ws_thread.join(10.0)
        self.monitor.stop()
        self.monitor.join(10.0)


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    try:
        json.dumps(value)
    except TypeError:
        return repr(value)
    return value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rose", required=True, type=Path)
    parser.add_argument("--lockfile", required=True)
    parser.add_argument("--data-home", required=True, type=Path)
    parser.add_argument("--rose-port", action="store_true", help="let Rose pick (50000 up)")
    args = parser.parse_args()
    take_stdout()
    sys.path.insert(0, str(args.rose.resolve()))
    logging.basicConfig(
        level=logging.DEBUG,
        stream=sys.stderr,
        format="%(asctime)s %(threadName)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("urllib3", "websockets", "aioice", "aiortc", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.INFO)
    write_league_paths(args.data_home)
    install_overlay_recorder()
    host = Host(args.lockfile, None if args.rose_port else free_port())
    emit({"event": "ready", "port": host.start()})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            cmd = json.loads(line)
            if cmd.get("op") == "quit":
                break
            try:
                emit({"reply": host.run(cmd), "id": cmd.get("id")})
            except Exception as exc:
                traceback.print_exc()
                emit({"error": f"{type(exc).__name__}: {exc}", "id": cmd.get("id")})
    finally:
        host.stop()
        emit({"event": "stopped"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
