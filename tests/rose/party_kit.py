"""Test kit for the party service: one member = a real LcuEmulator + a real PartyService."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import loopback_config, until
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.party import PartyConfig
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.service import PartyService

__all__ = [
    "FAST",
    "Member",
    "clients_known",
    "handshake",
    "make_service",
    "members",
    "partied",
    "run_all",
    "until",
]

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


def make_service(
    emu: LcuEmulator, skins_root: Path, mods_root: Path, skins_ttl: float = 30.0
) -> PartyService:
    def league() -> AsyncIterator[LeagueState]:
        return watch_league(emu.lockfile_path, cafile=emu.ca_path)

    return PartyService(
        loopback_config(),
        league,
        party_config=FAST,
        skins=SkinFiles(skins_root, mods_root, ttl=skins_ttl),
        retry_delay=0.2,
        tick=0.2,
    )


@contextlib.asynccontextmanager
async def members(
    base: Path,
    n: int,
    scenario: str = "premade",
    size: int | None = None,
    skins_ttl: float = 30.0,
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
            service = await stack.enter_async_context(make_service(emu, skins, mods, skins_ttl))
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


async def clients_known(*services: PartyService) -> None:
    """Wait until every service has read its player from its League client."""
    await until(lambda: all(s.league.me is not None for s in services))


async def partied(a: Member, b: Member, step: str) -> None:
    """Both League clients known, party mode on, one handshake, then play up to ``step``."""
    await clients_known(a.service, b.service)
    await a.service.enable()
    await b.service.enable()
    await handshake(a.service, b.service)
    await run_all([a, b], step)
