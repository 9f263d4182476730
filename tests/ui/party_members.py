"""Party members for the browser tests: each one a real emulated League client, a real
``PartyService`` (party node on loopback) and a real ``BridgeServer`` for its panel."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import loopback_config
from tests.ui.harness import free_port
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.party import PartyConfig
from webrtc_party.rose.bridge_server import BridgeServer
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.service import PartyService

__all__ = ["UiMember", "ui_members", "until"]

FAST = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)


@dataclass
class UiMember:
    emu: LcuEmulator
    service: PartyService
    bridge: BridgeServer
    skins_root: Path


@contextlib.asynccontextmanager
async def ui_members(
    base: Path, n: int, scenario: str = "premade"
) -> AsyncIterator[list[UiMember]]:
    """``n`` members of one premade lobby (accounts of the emulator's scenario, in order)."""
    async with contextlib.AsyncExitStack() as stack:
        out = []
        for i in range(n):
            folder = base / f"member{i}"
            (folder / "lcu").mkdir(parents=True)
            skins = folder / "Rose" / "skins"
            mods = folder / "Rose" / "mods" / "skins"
            skins.mkdir(parents=True)
            mods.mkdir(parents=True)
            emu = await stack.enter_async_context(
                LcuEmulator(folder / "lcu", scenario, size=n, local=i)
            )

            def league(emu: LcuEmulator = emu) -> AsyncIterator[LeagueState]:
                return watch_league(emu.lockfile_path, cafile=emu.ca_path)

            service = await stack.enter_async_context(
                PartyService(
                    loopback_config(),
                    league,
                    party_config=FAST,
                    skins=SkinFiles(skins, mods, ttl=0.5),
                    retry_delay=0.2,
                    tick=0.2,
                )
            )
            # A port of its own (other bridges may hold 50000..50010 on a shared machine);
            # the panel finds it the way Rose remembers one: localStorage.rose_bridge_port.
            bridge = await stack.enter_async_context(
                BridgeServer(service, port=free_port(), tries=1)
            )
            out.append(UiMember(emu, service, bridge, skins))
        yield out


async def until(check: Callable[[], bool], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
