"""``webrtc-party lcu watch`` and ``webrtc-party lcu emulate``: the League client adapter."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from webrtc_party.cli.common import EXIT_OK, run_async
from webrtc_party.lcu.client import LeagueWatcher
from webrtc_party.lcu.emulator import SCENARIOS, LcuEmulator
from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.render import state_lines, state_to_json
from webrtc_party.lcu.state import LeagueState

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("lcu", help="League client: watch it, or run an emulated one")
    lsub = p.add_subparsers(dest="lcu_cmd", required=True, metavar="ACTION")
    watch = lsub.add_parser("watch", help="print the League client's state changes live")
    watch.add_argument(
        "--lockfile", type=Path, help="lockfile path (default: LCU_LOCKFILE or search)"
    )
    watch.add_argument("--json", action="store_true", help="one JSON object per change")
    watch.add_argument("--cafile", type=Path, help="root certificate (default: Riot's, shipped)")
    watch.add_argument("--insecure", action="store_true", help="do not verify the certificate")
    watch.add_argument("--count", type=int, default=0, help="stop after N updates (0: never)")
    watch.set_defaults(command=_watch)
    emulate = lsub.add_parser("emulate", help="run an emulated League client on 127.0.0.1")
    emulate.add_argument("--scenario", default="premade", choices=sorted(SCENARIOS))
    emulate.add_argument("--size", type=int, default=3, help="premade size, 1-5")
    emulate.add_argument("--local", type=int, default=0, help="which party member this client is")
    emulate.add_argument("--dir", type=Path, help="folder for lockfile and certificate")
    emulate.add_argument("--interval", type=float, default=2.0, help="seconds between steps")
    emulate.add_argument("--exit-when-done", action="store_true", help="stop after the script")
    emulate.set_defaults(command=_emulate)


def _watch(args: argparse.Namespace) -> int:
    return run_async(_watch_async(args))


async def _watch_async(args: argparse.Namespace) -> int:
    data = load_game_data()
    watcher = LeagueWatcher(args.lockfile, cafile=args.cafile, verify=not args.insecure)
    previous: LeagueState | None = None
    count = 0
    async with contextlib.aclosing(watcher.updates()) as updates:
        async for update in updates:
            if args.json:
                body = state_to_json(update.state)
                body["events"] = [type(e).__name__ for e in update.events]
                body["resync"] = update.resync
                print(json.dumps(body, sort_keys=True), flush=True)
            else:
                for line in state_lines(None if update.resync else previous, update.state, data):
                    print(line, flush=True)
            previous = update.state
            count += 1
            if args.count and count >= args.count:
                break
    return EXIT_OK


def _emulate(args: argparse.Namespace) -> int:
    return run_async(_emulate_async(args))


async def _emulate_async(args: argparse.Namespace) -> int:
    folder = args.dir or Path(tempfile.mkdtemp(prefix="lcu-emulator-"))
    emu = LcuEmulator(folder, args.scenario, size=args.size, local=args.local)
    async with emu:
        print(f"emulated League client on 127.0.0.1:{emu.port}", flush=True)
        print(f"lockfile: {emu.lockfile_path}", flush=True)
        print(f"root certificate: {emu.ca_path}", flush=True)
        print(
            f"try: webrtc-party lcu watch --lockfile {emu.lockfile_path} --cafile {emu.ca_path}",
            flush=True,
        )
        while True:
            await asyncio.sleep(args.interval)
            name = await emu.step()
            if name is None:
                break
            print(f"step: {name}", flush=True)
        if not args.exit_when_done:
            print("script done; Ctrl-C to stop", file=sys.stderr, flush=True)
            await asyncio.Event().wait()
    return EXIT_OK
