"""``webrtc-party serve`` (the party + UI bridge for real use) and ``webrtc-party demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from webrtc_party.cli.common import EXIT_OK, run_async
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import SCENARIOS, LcuEmulator
from webrtc_party.lcu.emulator.chat import ChatHub
from webrtc_party.lcu.lockfile import Lockfile, find_lockfile
from webrtc_party.lcu.state import LeagueState
from webrtc_party.rose.bridge_server import DEFAULT_PORT, BridgeServer
from webrtc_party.rose.chat_store import (
    ENV_DATA_DIR,
    ENV_LEAGUE_CHAT,
    ChatStore,
    league_chat_from_env,
)
from webrtc_party.rose.chat_switch import ChatSetup
from webrtc_party.rose.demo import run_demo
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.rose_setup import party_data_dir
from webrtc_party.rose.service import LeagueSource, PartyService
from webrtc_party.tasks import TaskSet

__all__ = ["add_league_chat_options", "chat_setup", "register"]


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
    add_league_chat_options(p)
    add_link_options(p)
    p.set_defaults(command=lambda args: run_async(_serve(args)))

    d = sub.add_parser(
        "demo",
        help="the whole flow with no League client: 3 emulated clients, 3 party members",
    )
    d.add_argument(
        "--league-chat",
        action="store_true",
        help="link the friends through the emulated League chat (no pasted token)",
    )
    d.set_defaults(
        command=lambda args: run_async(run_demo(_say, league_chat=args.league_chat))
    )


def add_league_chat_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("League chat (docs/league-chat.md)")
    group.add_argument(
        "--league-chat",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="connect to friends in my lobby through League chat, for this run (default: "
        f"the saved setting, off unless turned on; env {ENV_LEAGUE_CHAT})",
    )
    group.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where the setting and remembered friends are kept (env {ENV_DATA_DIR}; "
        "default: party-mode in Rose's data folder)",
    )


def chat_setup(
    args: argparse.Namespace,
    lockfile: Path | None,
    cafile: Path | None,
    verify: bool,
    environ: Mapping[str, str] | None = None,
) -> ChatSetup:
    """The League-chat setup of ``serve``: flag over env over the saved setting."""
    env = os.environ if environ is None else environ
    folder = args.data_dir or party_data_dir(env)
    override = args.league_chat if args.league_chat is not None else league_chat_from_env(env)

    def credentials() -> Lockfile:
        return find_lockfile(lockfile)

    return ChatSetup(credentials, ChatStore(folder), cafile, verify, override, on_event=_say)


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
            emu = LcuEmulator(folder, args.scenario)
            ChatHub(emu.world.accounts).attach(emu)
            await stack.enter_async_context(emu)
            source = _league(emu.lockfile_path, emu.ca_path, True)
            chat = chat_setup(args, emu.lockfile_path, emu.ca_path, True)
            _say(f"emulated League client ({args.scenario}) on 127.0.0.1:{emu.port}")
        else:
            emu = None
            source = _league(args.lockfile, args.cafile, not args.insecure)
            chat = chat_setup(args, args.lockfile, args.cafile, not args.insecure)
        on = chat.store.settings.league_chat if chat.override is None else chat.override
        _say(f"League chat: {'on' if on else 'off'} (setting, friends in {chat.store.folder})")
        for warning in chat.store.warnings:
            _say(f"warning: {warning}")
        service = await stack.enter_async_context(
            PartyService(config, source, skins=skins, chat=chat)
        )
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
