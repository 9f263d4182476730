"""Lobby formed -> every member linked through League chat: emulated clients, one chat.

N emulated League clients (3 or 5) share one ``ChatHub``; each runs a real ``PartyService``
with League chat on (its own data dir, fresh per trial, so nobody is remembered) and the
party turned on before the lobby forms; real aiortc links on 127.0.0.1. The clock starts
when the last member's join is played on every client (the premade lobby is complete) and
stops when every member's snapshot shows every other member ``direct`` and ``verified``
(hello said on a link a chat DM bound to its sender). Also counted: the DMs each member
sent (the handshake rule is one per pair and side: an invite or an answer).

    python3 bench/bench_league_chat.py [--quick]
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from _common import args, environment_line, link_config, print_table, summarize

from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.emulator.chat import ChatHub
from webrtc_party.lcu.emulator.scenarios import DEFAULT_ACCOUNTS
from webrtc_party.lcu.lockfile import find_lockfile
from webrtc_party.party import PartyConfig
from webrtc_party.rose.chat_store import ChatStore
from webrtc_party.rose.chat_switch import ChatSetup
from webrtc_party.rose.service import PartyService

POLL = 0.25  # the agent's default poll


def _done(services: list[PartyService], size: int) -> bool:
    for service in services:
        members = service.snapshot().members
        if len(members) != size - 1:
            return False
        if not all(m.status == "direct" and m.verified for m in members):
            return False
    return True


async def trial(size: int, base: Path) -> tuple[float, list[int]]:
    hub = ChatHub(DEFAULT_ACCOUNTS[:size])
    fast = PartyConfig(intro_timeout=10.0, intro_backoff=1.0)
    async with contextlib.AsyncExitStack() as stack:
        emus, services = [], []
        for i in range(size):
            folder = base / f"m{i}"
            folder.mkdir(parents=True)
            emu = LcuEmulator(folder, "premade", size=size, local=i)
            hub.attach(emu)
            await stack.enter_async_context(emu)
            path, ca = emu.lockfile_path, emu.ca_path
            setup = ChatSetup(
                lambda p=path: find_lockfile(p),  # type: ignore[misc]
                ChatStore(folder / "party-mode"),
                ca,
                override=True,
                poll=POLL,
                retry_delay=0.5,
            )
            service = PartyService(
                link_config(),
                lambda p=path, c=ca: watch_league(p, cafile=c),  # type: ignore[misc]
                party_config=fast,
                chat=setup,
                tick=0.5,
                retry_delay=0.5,
            )
            await stack.enter_async_context(service)
            emus.append(emu)
            services.append(service)
        for emu in emus:
            await emu.run_until("lobby")
        for service in services:
            await service.enable()
        await asyncio.sleep(1.0)  # every agent has its chat session
        for emu in emus:
            await emu.run_until(f"join-{size - 1}")
        started = time.monotonic()
        while not _done(services, size):
            if time.monotonic() - started > 60:
                raise RuntimeError(f"{size} members did not link through chat in 60 s")
            await asyncio.sleep(0.01)
        elapsed = time.monotonic() - started
        sent = [len(hub.sent_by(emu.world.me.puuid)) for emu in emus]
        return elapsed, sent


async def main() -> None:
    ns = args(__doc__ or "")
    trials = {3: 3, 5: 2} if ns.quick else {3: 20, 5: 12}
    print(environment_line(ns.quick))
    print()
    rows = []
    for size, count in trials.items():
        times: list[float] = []
        per_member: list[int] = []
        for n in range(count):
            with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
                elapsed, sent = await trial(size, Path(tmp) / f"t{n}")
            times.append(elapsed * 1000)
            per_member += sent
        s = summarize(times)
        rows.append(
            (
                size,
                s.n,
                f"{s.median:.0f}",
                f"{s.p90:.0f}",
                f"{s.p99:.0f}",
                f"{s.maximum:.0f}",
                f"{statistics.mean(per_member):.1f}",
                f"{min(per_member)}-{max(per_member)}",
                size - 1,
            )
        )
    print_table(
        "Lobby complete -> full mesh, every member direct and verified through League chat",
        [
            "members",
            "trials",
            "p50 (ms)",
            "p90",
            "p99",
            "max",
            "DMs sent per member (mean)",
            "range",
            "rule (size-1)",
        ],
        rows,
    )


if __name__ == "__main__":
    asyncio.run(main())
