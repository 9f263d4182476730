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
from webrtc_party.rose.chat_store import ChatStore
from webrtc_party.rose.chat_switch import ChatSetup
from webrtc_party.rose.league_chat import LeagueChatAgent
from webrtc_party.rose.service import PartyService


@dataclass
class Member:
    emu: LcuEmulator
    service: PartyService | None = None
    own_agent: LeagueChatAgent | None = None  # run by the kit (not by the service)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    data_dir: Path | None = None  # with wired=True: the member's party-mode folder

    @property
    def agent(self) -> LeagueChatAgent | None:
        if self.own_agent is not None:
            return self.own_agent
        return self.service.chat.agent if self.service is not None else None

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
    wired: bool = False,
    league_chat: tuple[bool, ...] | None = None,
    data: Path | None = None,
    hub: ChatHub | None = None,
    stop_at: str | None = None,
) -> AsyncIterator[tuple[ChatHub, list[Member]]]:
    """``size`` clients in one premade lobby (every step up to the last join played).

    ``wired``: each service runs its own agent (``ChatSetup``, data dir ``data/m<i>``, the
    setting from ``league_chat``, default the persisted one) instead of the kit's agents."""
    modes = party_mode or (True,) * size
    with_agent = agents or modes
    hub = hub or ChatHub(DEFAULT_ACCOUNTS[:size])
    data = data or tmp / "data"
    fast = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)
    async with contextlib.AsyncExitStack() as stack:
        members = []
        for i in range(size):
            folder = tmp / f"m{i}"
            folder.mkdir(parents=True)
            emu = LcuEmulator(folder, "premade", size=size, local=i)
            hub.attach(emu)
            await stack.enter_async_context(emu)
            member = Member(emu)
            if modes[i]:
                path, ca = emu.lockfile_path, emu.ca_path
                setup = None
                if wired:
                    member.data_dir = data / f"m{i}"
                    setup = ChatSetup(
                        lambda p=path: find_lockfile(p),  # type: ignore[misc]
                        ChatStore(member.data_dir),
                        cafile=ca,
                        override=None if league_chat is None else league_chat[i],
                        poll=poll,
                        retry_delay=0.2,
                    )
                member.service = PartyService(
                    loopback_config(),
                    lambda p=path, c=ca: watch_league(p, cafile=c),  # type: ignore[misc]
                    party_config=fast,
                    tick=0.2,
                    retry_delay=0.2,
                    chat=setup,
                )
                await stack.enter_async_context(member.service)
            if modes[i] and with_agent[i] and not wired:
                assert member.service is not None
                member.own_agent = LeagueChatAgent(
                    member.service,
                    lambda p=path: find_lockfile(p),  # type: ignore[misc]
                    cafile=ca,
                    poll=poll,
                    retry_delay=0.2,
                )
                task = asyncio.get_running_loop().create_task(member.own_agent.run())
                member.tasks.append(task)
            members.append(member)
        try:
            for m in members:
                await m.emu.run_until(stop_at or f"join-{size - 1}")
            yield hub, members
        finally:
            for m in members:
                for task in m.tasks:
                    task.cancel()
                await asyncio.gather(*m.tasks, return_exceptions=True)
