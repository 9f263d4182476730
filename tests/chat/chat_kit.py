"""N emulated League clients sharing one chat, each (optionally) with a party service and
its League-chat agent, on real aiortc links over loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import loopback_config
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.emulator.chat import ChatHub
from webrtc_party.lcu.emulator.scenarios import DEFAULT_ACCOUNTS
from webrtc_party.lcu.lockfile import find_lockfile
from webrtc_party.party import PartyConfig
from webrtc_party.rose.league_chat import LeagueChatAgent
from webrtc_party.rose.service import PartyService


@dataclass
class Member:
    emu: LcuEmulator
    service: PartyService | None = None
    agent: LeagueChatAgent | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def puuid(self) -> str:
        return self.emu.world.me.puuid

    def linked(self) -> set[str]:
        assert self.service is not None
        return {m.puuid for m in self.service.snapshot().members if m.status == "direct"}


@contextlib.asynccontextmanager
async def chat_party(
    tmp: Path,
    size: int,
    *,
    party_mode: tuple[bool, ...] | None = None,
    agents: tuple[bool, ...] | None = None,
    poll: float = 0.1,
) -> AsyncIterator[tuple[ChatHub, list[Member]]]:
    """``size`` clients in one premade lobby (every step up to the last join played)."""
    modes = party_mode or (True,) * size
    with_agent = agents or modes
    hub = ChatHub(DEFAULT_ACCOUNTS[:size])
    fast = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)
    async with contextlib.AsyncExitStack() as stack:
        members = []
        for i in range(size):
            folder = tmp / f"m{i}"
            folder.mkdir()
            emu = LcuEmulator(folder, "premade", size=size, local=i)
            hub.attach(emu)
            await stack.enter_async_context(emu)
            member = Member(emu)
            if modes[i]:
                path, ca = emu.lockfile_path, emu.ca_path
                member.service = PartyService(
                    loopback_config(),
                    lambda p=path, c=ca: watch_league(p, cafile=c),  # type: ignore[misc]
                    party_config=fast,
                    tick=0.2,
                    retry_delay=0.2,
                )
                await stack.enter_async_context(member.service)
            if modes[i] and with_agent[i]:
                assert member.service is not None
                member.agent = LeagueChatAgent(
                    member.service,
                    lambda p=path: find_lockfile(p),  # type: ignore[misc]
                    cafile=ca,
                    poll=poll,
                    retry_delay=0.2,
                )
                task = asyncio.get_running_loop().create_task(member.agent.run())
                member.tasks.append(task)
            members.append(member)
        try:
            for m in members:
                await m.emu.run_until(f"join-{size - 1}")
            yield hub, members
        finally:
            for m in members:
                for task in m.tasks:
                    task.cancel()
                await asyncio.gather(*m.tasks, return_exceptions=True)
