"""Our own default skin inside Rose's real InjectionTrigger (ROSE_SRC): with ``adopt
--default-skin`` Rose's trigger runs an overlay of the friend's mods although it injects
nothing of ours; as Rose ships, its default-skin branch runs no overlay at all."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.rose_real.host_kit import RoseMember, members
from tests.rose_real.rose_files import AHRI, ZED, ZED_CHROMA_LABEL, labels
from tests.rose_real.test_rose_party import A, B, connected, handshake, prepare, sees


async def default_skin_injection(rose: Path, tmp_path: Path) -> tuple[RoseMember, int]:
    """A keeps Ahri's default skin, B plays an unowned Zed chroma; A's loadout timer fires.
    Returns A and how many overlays A's Rose had before the trigger ran."""
    async with members(tmp_path, rose, [A, B], prepare=prepare) as party:
        a, b = party
        await handshake(a, b)
        await connected(a, [b])
        for m in party:
            await m.emu.run_until("chromas")
        for m, champion in ((a, AHRI), (b, ZED)):
            cell = m.emu.world.cell_of(m.emu.world.me).cell_id
            fields: dict[str, Any] = {
                "locked_champ_id": champion, "hovered_champ_id": champion,
                "local_cell_id": cell, "owned_skin_ids": [champion * 1000],
                "phase": "ChampSelect", "selected_custom_mod": None,
            }
            if m is a:
                fields |= {"last_hovered_skin_id": AHRI * 1000, "selected_chroma_id": None}
            else:
                fields |= {"last_hovered_skin_id": 238004, "selected_chroma_id": 238004}
            assert await m.host.cmd("set", fields=fields) is True
        await sees(a, {b.summoner_id: (238001, 238004)})
        seen = len(a.host.overlays)
        # what Rose's loadout ticker does at the threshold, with our default skin's name
        await a.host.cmd("inject", name=f"skin_{AHRI * 1000}", cname="Ahri")
        if seen == len(a.host.overlays):
            await asyncio.sleep(3.0)  # the party-only overlay runs on the trigger's thread
        return a, seen


async def test_default_own_skin_runs_an_overlay_of_the_friends_mods_with_the_patch(
    fully_patched_rose: Path, tmp_path: Path
) -> None:
    a, seen = await default_skin_injection(fully_patched_rose, tmp_path)
    over = labels(await a.host.next_overlay(seen))
    assert over == [ZED_CHROMA_LABEL], (over, a.host.log_tail())  # the friend's, none of ours
    log = a.host.log_text()
    assert "skipping injection for default skin" in log  # Rose's own branch, as it ships
    assert "our skin is the default: overlay of 1 party mod(s)" in log
    assert "default skin, no party mods" not in log
    assert len(a.host.overlays) == seen + 1


async def test_default_own_skin_as_rose_ships_it_runs_no_overlay(
    adopted_rose: Path, tmp_path: Path
) -> None:
    a, seen = await default_skin_injection(adopted_rose, tmp_path)
    assert len(a.host.overlays) == seen, a.host.overlays  # why --default-skin exists
    assert "skipping injection for default skin" in a.host.log_text()
