"""Test kit for the party service: one member = a real LcuEmulator + a real PartyService."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import loopback_config
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.party import PartyConfig
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.service import PartyService

FAST = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)


@dataclass
class Member:
    emu: LcuEmulator
    service: PartyService
    skins_root: Path
    mods_root: Path

    @property
    def puuid(self) -> str:
        return self.emu.world.me.puuid


def make_service(emu: LcuEmulator, skins_root: Path, mods_root: Path) -> PartyService:
    def league() -> AsyncIterator[LeagueState]:
        return watch_league(emu.lockfile_path, cafile=emu.ca_path)

    return PartyService(
        loopback_config(),
        league,
        party_config=FAST,
        skins=SkinFiles(skins_root, mods_root),
        retry_delay=0.2,
        tick=0.2,
    )


@contextlib.asynccontextmanager
async def members(
    base: Path, n: int, scenario: str = "premade", size: int | None = None
) -> AsyncIterator[list[Member]]:
    async with contextlib.AsyncExitStack() as stack:
        out = []
        for i in range(n):
            folder = base / f"m{i}"
            (folder / "lcu").mkdir(parents=True)
            skins, mods = folder / "Rose" / "skins", folder / "Rose" / "mods" / "skins"
            skins.mkdir(parents=True)
            mods.mkdir(parents=True)
            emu = await stack.enter_async_context(
                LcuEmulator(folder / "lcu", scenario, size=size or n, local=i)
            )
            service = await stack.enter_async_context(make_service(emu, skins, mods))
            out.append(Member(emu, service, skins, mods))
        yield out


async def run_all(party: list[Member], step: str) -> None:
    for m in party:
        await m.emu.run_until(step)


async def handshake(a: PartyService, b: PartyService) -> None:
    invite = await a.create_invite()
    outcome = await b.accept(invite.token)
    assert outcome.answer is not None
    done = await a.accept(outcome.answer.token)
    assert done.completed


async def until(check: Callable[[], bool], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
