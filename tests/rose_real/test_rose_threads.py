"""Rose's own LCU threads drive the injection (ROSE_SRC): Rose's WSEventThread (WAMP events
over websocket-client from the LCU emulator) sets the phase, the locked champion and our cell;
its timer manager starts the loadout ticker at FINALIZATION, and the ticker calls Rose's
injection trigger at the threshold. Only the hovered skin, which Rose hears from its
ROSE-SkinMonitor plugin, is set by the test."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.rose_real.host_kit import members
from tests.rose_real.rose_files import ZED_CHROMA_LABEL, install_everything, labels
from tests.rose_real.test_rose_party import connected, handshake, sees

A, B = 0, 3  # Ahri Main, Night Owl (Zed) of the five-player premade


def prepare(i: int, data: Path) -> None:
    install_everything(i, data, custom_as_folder=False)


async def test_roses_loadout_ticker_injects_the_friends_chroma(
    adopted_rose: Path, tmp_path: Path
) -> None:
    async with members(tmp_path, adopted_rose, [A, B], prepare=prepare) as (a, b):
        for m in (a, b):
            assert await m.host.cmd("threads") is True
        await handshake(a, b)
        await connected(a, [b])
        for m in (a, b):
            await m.emu.run_until("chromas")
        fields = ["phase", "locked_champ_id", "local_cell_id"]
        for m, champion in ((a, 103), (b, 238)):
            cell = m.emu.world.cell_of(m.emu.world.me).cell_id
            want = {"phase": "ChampSelect", "locked_champ_id": champion, "local_cell_id": cell}
            deadline = asyncio.get_running_loop().time() + 30
            while (got := await m.host.cmd("get", fields=fields)) != want:  # Rose's threads
                assert asyncio.get_running_loop().time() < deadline, (got, m.host.log_tail())
                await asyncio.sleep(0.2)
        # what ROSE-SkinMonitor reports (a hovered skin; for B a chroma of an unowned skin)
        await a.host.cmd("set", fields={"last_hovered_skin_id": 103002})
        await b.host.cmd("set", fields={"last_hovered_skin_id": 238004,
                                        "selected_chroma_id": 238004})
        await sees(a, {b.summoner_id: (238001, 238004)})
        await sees(b, {a.summoner_id: (103002, None)})
        seen = len(a.host.overlays), len(b.host.overlays)
        for m in (a, b):
            await m.emu.run_until("finalization")  # the emulator's timer: 30 s left
        over_a = labels(await a.host.next_overlay(seen[0], within=90))
        over_b = labels(await b.host.next_overlay(seen[1], within=90))
        assert over_a == ["skin 103002", ZED_CHROMA_LABEL], over_a
        assert over_b == [ZED_CHROMA_LABEL, "skin 103002"], over_b
        for m in (a, b):
            assert "Including 1 party/extra mod(s)" in m.host.log_text()
