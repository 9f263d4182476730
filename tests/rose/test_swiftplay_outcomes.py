"""Swiftplay outcomes per pick: a friend with two picks, one injected and one missing, gets two.

Driven as Rose does (rose_like.py: Rose's handler, SharedState and manager construction,
League-client emulators in their Swiftplay scenario, a real link on loopback); the hook runs
from a plain thread as Rose's Swiftplay handler calls it with ``--swiftplay``. On our PC only
the friend's Jinx skin is installed: the state Rose broadcasts shows Jinx ``injected`` and Lee
``missing-locally`` on the friend's two ``selections``, the member's own ``injection`` is the
worse of the two, and the warning names the champion.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rose.hook_kit import (
    RoseData,
    RoseInjectionManager,
    RoseShapedInjector,
    RoseState,
    in_rose_thread,
)
from tests.rose.manager_kit import FastManager, connected, link, peers, wait
from tests.rose.rose_like import EmulatorThread, RoseLikeRose, rose_party
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.records import InjectionStatus

AHRI, GAREN, JINX, LEE = 103, 86, 222, 64
TRACKING = ({AHRI: 103001, GAREN: 86000}, {JINX: 222002, LEE: 64001})


@pytest.fixture
def pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[list[EmulatorThread], list[RoseLikeRose]]]:
    monkeypatch.setenv("WEBRTC_PARTY_STUN", "none")
    monkeypatch.setenv("WEBRTC_PARTY_INTERFACES", "127.0.0.1")
    def trust(ca: Path) -> None:
        monkeypatch.setenv("WEBRTC_PARTY_LCU_CAFILE", str(ca))

    with contextlib.ExitStack() as stack:
        yield rose_party(
            stack, tmp_path, 2, FastManager, trust,
            scenario="swiftplay", rose_dir=lambda i: f"pc{i}/Rose",
        )  # fmt: skip


def test_two_picks_one_injected_one_missing_get_two_outcomes(
    pair: tuple[list[EmulatorThread], list[RoseLikeRose]], tmp_path: Path
) -> None:
    emus, (a, b) = pair
    friend = emus[1].emu.world.me.puuid
    data = RoseData(tmp_path / "pc0")
    data.add_skin(JINX, 222002)  # Lee's 64001 is NOT installed on our PC
    for e in emus:
        e.run_until("slots")
    for rose_side, tracking in zip((a, b), TRACKING, strict=True):
        rose_side.state.is_swiftplay_mode = True
        rose_side.state.locked_champ_id = next(iter(tracking))
        rose_side.state.swiftplay_skin_tracking = dict(tracking)
    link(a, b)
    wait(lambda: connected(a, 1) and connected(b, 1), 60)
    for e in emus:
        e.run_until("matchmaking")
    wait(lambda: {s.champion_id for s in a.manager.get_party_skins()} == {JINX, LEE}, 45)

    state = RoseState(a.manager)
    rose = RoseInjectionManager(state, RoseShapedInjector(data))
    reports: list[Any] = []

    def swiftplay_hook() -> list[str]:
        hook = PartyInjectionHook(a.manager, state, rose)
        names = hook.prepare_party_mods(rose.injector)
        reports.append(hook.last_report)
        return names

    names = in_rose_thread(swiftplay_hook, "SwiftplayHandler")
    assert len(names) == 1  # Jinx's skin only
    assert reports[0].statuses() == {
        (friend, JINX): InjectionStatus.INJECTED,
        (friend, LEE): InjectionStatus.MISSING_LOCALLY,
    }

    def member() -> dict[str, Any]:
        return next(m for m in a.manager.get_state_dict()["members"] if m["puuid"] == friend)

    def outcomes() -> list[tuple[int, str | None]]:
        return [(s["champion_id"], s["injection"]) for s in member()["selections"]]

    wait(lambda: outcomes() == [(JINX, "injected"), (LEE, "missing-locally")], 10)
    lee = member()["selections"][1]
    assert lee["injection_detail"] and "64001" in lee["injection_detail"]
    assert member()["selections"][0]["injection_detail"] != lee["injection_detail"]
    # old panels read the member's own fields: the worse of the two picks
    assert member()["injection"] == "missing-locally"
    assert member()["injection_detail"] == lee["injection_detail"]
    warnings = a.manager.get_state_dict()["warnings"]
    lee_warnings = [w for w in warnings if "was not injected" in w]
    assert lee_warnings == [
        f"{member()['riot_id']}'s Lee Sin skin was not injected: {lee['injection_detail']}"
    ]
    # Rose's own shape is untouched: skin_selection is the first pick
    peer = peers(a)[emus[1].emu.world.me.summoner_id]
    assert peer["skin_selection"]["skin_id"] == 222002 and peer["connected"] is True


