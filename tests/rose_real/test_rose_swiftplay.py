"""Swiftplay inside Rose's real SwiftplayHandler (ROSE_SRC): with ``adopt --swiftplay`` the
overlay Rose builds for a Swiftplay game holds the friend's skins, one per champion of theirs
(both picks travel in the signed party state); as Rose ships it holds none. With both of our
champions on their default skins Rose has nothing of ours to extract: as it ships it runs no
overlay at all, with the patch its real phase handler runs one of the friend's mods only."""

from __future__ import annotations

from pathlib import Path

from tests.rose_real.host_kit import RoseMember, members
from tests.rose_real.rose_files import AHRI, JINX, install_everything, labels, write_zip
from tests.rose_real.test_rose_party import connected, handshake, sees

LEE = 64  # the emulator's second Swiftplay champion of member 1 (Garen, 86, for member 0)


def prepare(i: int, data: Path) -> None:
    install_everything(i, data, custom_as_folder=False)
    write_zip(data / "skins" / str(LEE) / "64001" / "64001.zip", "skin 64001")


async def swiftplay_overlay(
    rose: Path, tmp_path: Path, friend_second: int = 64000, ours: int = 103002,
    *, phases: bool = False,
) -> tuple[list[str], RoseMember]:
    async with members(tmp_path, rose, [0, 1], scenario="swiftplay", size=2,
                       prepare=prepare) as party:
        a, b = party
        for m in party:
            await m.emu.run_until("slots")
        await handshake(a, b)
        await connected(a, [b])
        await connected(b, [a])
        # what Rose's Swiftplay tracking holds: two champions each, one unowned skin each
        tracking = {0: {AHRI: ours, 86: 86000}, 1: {JINX: 222002, LEE: friend_second}}
        for i, m in enumerate(party):
            await m.host.cmd("set", fields={
                "is_swiftplay_mode": True, "swiftplay_skin_tracking": tracking[i],
                "owned_skin_ids": [AHRI * 1000, JINX * 1000, 86000, 64000],
            })
        await sees(a, {b.summoner_id: (222002, None)})
        await sees(b, {a.summoner_id: (ours, None)})
        for m in party:
            await m.emu.run_until("matchmaking")
        seen = len(a.host.overlays)
        if not phases:
            await a.host.cmd("swiftplay")
        else:  # Rose's own phase handler, as its phase thread drives it
            await a.host.cmd("phase", phase="Matchmaking", previous="Lobby")
            await a.host.cmd("phase", phase="ChampSelect", previous="Matchmaking")
            if len(a.host.overlays) == seen:
                a.extra["state"] = await a.sock.request("party-get-state", "party-state")
                return [], a
        over = labels(await a.host.next_overlay(seen))
        a.extra["state"] = await a.sock.request("party-get-state", "party-state")
        return over, a


async def test_swiftplay_overlay_holds_the_friends_skin_with_the_patch(
    adopted_rose: Path, tmp_path: Path
) -> None:
    over, a = await swiftplay_overlay(adopted_rose, tmp_path)
    assert "skin 103002" in over and "skin 222002" in over, (over, a.host.log_tail())
    assert "no party mods for Swiftplay" not in a.host.log_text()


async def test_swiftplay_overlay_as_rose_ships_it_has_no_party_mods(
    plain_rose: Path, tmp_path: Path
) -> None:
    over, _ = await swiftplay_overlay(plain_rose, tmp_path)
    assert over == ["skin 103002"], over  # Rose's own skin only: why --swiftplay exists


async def test_swiftplay_overlay_holds_both_of_the_friends_champions(
    fully_patched_rose: Path, tmp_path: Path
) -> None:
    over, a = await swiftplay_overlay(fully_patched_rose, tmp_path, friend_second=64001)
    assert sorted(over) == ["skin 103002", "skin 222002", "skin 64001"], (over, a.host.log_tail())
    (peer,) = a.extra["state"]["peers"]
    assert peer["skin_selection"]["skin_id"] == 222002  # Rose's field: the first pick
    assert [s["skin_id"] for s in peer["skin_selections"]] == [222002, 64001]


async def test_both_our_champions_on_default_skins_overlay_holds_the_friends_skins(
    adopted_rose: Path, tmp_path: Path
) -> None:
    over, a = await swiftplay_overlay(
        adopted_rose, tmp_path, friend_second=64001, ours=103000, phases=True
    )
    assert sorted(over) == ["skin 222002", "skin 64001"], (over, a.host.log_tail())  # none ours
    log = a.host.log_text()
    assert "No mods extracted - cannot inject" in log  # Rose's own give-up, as it ships
    assert "Swiftplay, none of our skins to extract: 2 party mod(s)" in log
    assert "no party mods for Swiftplay" not in log
    assert len(a.host.overlays) == 1


async def test_both_our_champions_on_default_skins_as_rose_ships_it_runs_no_overlay(
    plain_rose: Path, tmp_path: Path
) -> None:
    over, a = await swiftplay_overlay(
        plain_rose, tmp_path, friend_second=64001, ours=103000, phases=True
    )
    assert over == [] and a.host.overlays == [], a.host.overlays  # why the trigger block exists
    log = a.host.log_text()
    assert "No mods extracted - cannot inject" in log
    assert "no mods to inject" in log  # Rose's phase handler at ChampSelect
