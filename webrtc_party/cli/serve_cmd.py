"""``webrtc-party serve`` (the party + UI bridge for real use) and ``webrtc-party demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from webrtc_party.cli.common import EXIT_OK, run_async
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import SCENARIOS, LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.rose.bridge_server import DEFAULT_PORT, BridgeServer
from webrtc_party.rose.demo import run_demo
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.service import LeagueSource, PartyService
from webrtc_party.tasks import TaskSet

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve", help="run the party for real: follow the League client, serve the UI bridge"
    )
    league = p.add_argument_group("League client")
    league.add_argument("--lockfile", type=Path, help="the client's lockfile (default: found)")
    league.add_argument("--cafile", type=Path, help="trust this root instead of Riot's")
    league.add_argument("--insecure", action="store_true", help="do not verify TLS (debug only)")
    league.add_argument(
        "--emulator", action="store_true", help="run against an emulated League client"
    )
    league.add_argument("--scenario", default="premade", choices=sorted(SCENARIOS))
    league.add_argument(
        "--play",
        type=float,
        metavar="SECONDS",
        help="with --emulator: play the scenario, one step every SECONDS",
    )
    rose = p.add_argument_group("Rose")
    rose.add_argument("--skins", type=Path, metavar="DIR", help="Rose's skins folder")
    rose.add_argument("--mods", type=Path, metavar="DIR", help="Rose's mods/skins folder")
    bridge = p.add_argument_group("bridge")
    bridge.add_argument("--port", type=int, default=DEFAULT_PORT, help="first port to try (50000)")
    bridge.add_argument("--enable", action="store_true", help="turn the party on at start")
    bridge.add_argument(
        "--plugin-dir",
        type=Path,
        metavar="DIR",
        help="the installed ROSE-PartyMode folder: the bridge key goes there (docs/bridge.md)",
    )
    bridge.add_argument(
        "--exit-after", type=float, metavar="SECONDS", help="stop after SECONDS (for scripts)"
    )
    add_link_options(p)
    p.set_defaults(command=lambda args: run_async(_serve(args)))

    d = sub.add_parser(
        "demo",
        help="the whole flow with no League client: 3 emulated clients, 3 party members",
    )
    d.set_defaults(command=lambda args: run_async(run_demo(_say)))


def _say(line: str) -> None:
    print(line, flush=True)


def _league(lockfile: Path | None, cafile: Path | None, verify: bool) -> LeagueSource:
    def source() -> AsyncIterator[LeagueState]:
        return watch_league(lockfile, cafile=cafile, verify=verify)

    return source


async def _serve(args: argparse.Namespace) -> int:
    config = link_config(args)
    mods = args.mods
    if mods is None and args.skins is not None:
        mods = args.skins.parent / "mods" / "skins"
    skins = SkinFiles(args.skins, mods)
    async with contextlib.AsyncExitStack() as stack:
        if args.emulator:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lcu-emu-")))
            emu = await stack.enter_async_context(LcuEmulator(folder, args.scenario))
            source = _league(emu.lockfile_path, emu.ca_path, True)
            _say(f"emulated League client ({args.scenario}) on 127.0.0.1:{emu.port}")
        else:
            emu = None
            source = _league(args.lockfile, args.cafile, not args.insecure)
        service = await stack.enter_async_context(PartyService(config, source, skins=skins))
        bridge = await stack.enter_async_context(
            BridgeServer(service, port=args.port, key_dir=args.plugin_dir)
        )
        _say(f"bridge on http://127.0.0.1:{bridge.port} (ws://127.0.0.1:{bridge.port}/)")
        if bridge.key_file is None:
            _say("no --plugin-dir: the panel cannot get this launch's bridge key")
        else:
            _say(f"bridge key for the panel: {bridge.key_file}")
        if args.enable:
            await service.enable()
            invite = await service.create_invite()
            _say(f"party on; invite: {invite.token}")
        tasks = TaskSet("serve command", logging.getLogger(__name__))
        if emu is not None and args.play is not None:
            tasks.spawn(emu.play(args.play))
        try:
            await _wait(args.exit_after)
        finally:
            await tasks.cancel()
    print("stopped", file=sys.stderr)
    return EXIT_OK


async def _wait(seconds: float | None) -> None:
    if seconds is None:
        await asyncio.Event().wait()  # until Ctrl-C
    else:
        await asyncio.sleep(seconds)
