"""The hook called exactly as Rose 59922fc calls it, over a real party of four.

Rose's injection manager and injection trigger build ``PartyInjectionHook(party_manager,
shared_state, injection_manager)`` on every injection, check ``is_enabled()`` and hand
``lambda inj: hook.prepare_party_mods(inj)`` to the injector, from plain threads
(``tests/rose/hook_kit.py`` replays both call sites). The party is real: four League-client
emulators, four managers on their own threads, real links on loopback.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from webrtc_party.rose import (
    InjectionReport,
    InjectionStatus,
    PartyInjectionHook,
    PartySkin,
    TeamView,
)
from webrtc_party.rose.manager import PartyManager
from webrtc_party.rose.ownership import LEDGER_NAME
from webrtc_party.rose.planning import carrier_folder_name, mod_folder_name

from .hook_kit import (
    LeagueThread,
    RoseData,
    RoseInjectionManager,
    RoseShapedInjector,
    RoseState,
    in_rose_thread,
    make_manager,
    rose_manager_injects,
    rose_trigger_injects_custom_mod,
    wait,
)
from .rose_kit import make_zip, mod_payload, read_payload, skin

AHRI, JINX, LUX, ZED = 103, 222, 99, 238


class Recorder:
    """A manager exposing the three methods the hook may use, and counting every call."""

    def __init__(self, skins: list[PartySkin] | None = None, team: TeamView | None = None) -> None:
        self.enabled = True
        self.calls: list[str] = []
        self.skins = skins or []
        self.team = team
        self.reports: list[InjectionReport] = []

    def get_party_skins(self) -> list[PartySkin]:
        self.calls.append("get_party_skins")
        return self.skins

    def get_team_view(self) -> TeamView | None:
        self.calls.append("get_team_view")
        return self.team

    def publish_injection_report(self, report: InjectionReport) -> None:
        self.calls.append("publish_injection_report")
        self.reports.append(report)


def test_constructing_the_hook_costs_nothing(tmp_path: Path) -> None:
    data = RoseData(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    manager = Recorder()
    hook = PartyInjectionHook(manager, RoseState(manager), object())
    assert manager.calls == []  # nothing read from the party yet
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert hook.is_enabled() is True
    manager.enabled = False
    assert hook.is_enabled() is False
    assert data.skins.is_dir()


def test_is_enabled_is_loud_about_a_manager_that_lacks_a_method(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Old:
        enabled = True

        def get_party_skins(self) -> list[object]:
            return []

    with caplog.at_level(logging.WARNING):
        assert PartyInjectionHook(Old(), None, None).is_enabled() is False  # type: ignore[call-overload]
    assert "get_team_view" in caplog.text and "publish_injection_report" in caplog.text


def test_prepare_never_raises_into_rose(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = RoseData(tmp_path)
    injector = RoseShapedInjector(data)

    class Broken(Recorder):
        def get_party_skins(self) -> list[PartySkin]:
            raise RuntimeError("party thread gone")

    broken = Broken(team=TeamView.classic("me", AHRI, {"f": JINX}))
    hook = PartyInjectionHook(broken, None, None)
    with caplog.at_level(logging.WARNING):
        assert in_rose_thread(lambda: hook.prepare_party_mods(injector)) == []
    assert "party thread gone" in caplog.text

    class NoZips:
        mods_dir = injector.mods_dir

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert PartyInjectionHook(Recorder(), None, None).prepare_party_mods(NoZips()) == []
    assert "zips_dir" in caplog.text


def test_both_rose_call_sites_on_rose_threads(tmp_path: Path) -> None:
    data = RoseData(tmp_path)
    own = data.add_skin(AHRI, 103001)
    data.add_skin(JINX, 222002)
    friend = skin("friend", JINX, 222002)
    manager = Recorder([friend], TeamView.classic("me", AHRI, {"friend": JINX}))
    state = RoseState(manager)
    rose = RoseInjectionManager(state, RoseShapedInjector(data))
    assert in_rose_thread(lambda: rose_manager_injects(rose, own), "LoadoutTicker")
    ours = mod_folder_name("friend", JINX)
    assert rose.injector.overlays == [["103001", ours]]
    assert manager.calls.count("publish_injection_report") == 1
    # the custom-mod path of the injection trigger, on its own thread
    mine = data.add_custom_archive(AHRI, "My Ahri.zip", mod_payload("my ahri"))
    names = in_rose_thread(lambda: rose_trigger_injects_custom_mod(rose, own, mine, "My Ahri"))
    assert names == ["103001", "My Ahri", ours]
    assert read_payload(rose.injector.mods_dir / ours) == "payload of skin 222002"
    # party off: Rose does not even build the hook
    manager.enabled = False
    assert in_rose_thread(lambda: rose_manager_injects(rose, own))
    assert rose.injector.overlays[-1] == ["103001"]


# -- a real party of four ---------------------------------------------------------------------


@dataclass
class Seat:
    league: LeagueThread
    data: RoseData
    manager: PartyManager

    @property
    def puuid(self) -> str:
        return self.league.emu.world.me.puuid

    @property
    def summoner_id(self) -> int:
        return self.league.emu.world.me.summoner_id


@pytest.fixture
def four(tmp_path: Path) -> Iterator[list[Seat]]:
    with contextlib.ExitStack() as stack:  # closes in reverse, even if one close fails
        seats: list[Seat] = []
        for i in range(4):
            league = stack.enter_context(LeagueThread(tmp_path / f"lcu{i}", i, size=4))
            data = RoseData(tmp_path / f"pc{i}")
            seats.append(Seat(league, data, make_manager(league, data)))
            stack.callback(seats[-1].manager.close)
        yield seats


def _party_up(seats: list[Seat]) -> None:
    host, *friends = seats
    wait(lambda: all(s.manager.service.league.me is not None for s in seats))
    for friend in friends:  # each friend's invite pasted by the host, the answer pasted back
        invite = friend.manager.enable_blocking()
        answer = host.manager.paste(invite)
        assert answer and answer.answer is not None
        assert friend.manager.paste(answer.answer)


def test_one_overlay_three_games_a_friend_leaves_a_skin_goes_missing(
    four: list[Seat], caplog: pytest.LogCaptureFixture
) -> None:
    ahri, jinx, lux, zed = four
    # Jinx plays a custom mod: a ZIP on her PC, the folder Rose unpacked on import on ours
    members = mod_payload("custom arcane")
    theirs = jinx.data.add_custom_archive(JINX, "Arcane Jinx v2.zip", members)
    import_source = make_zip(ahri.data.root.parent / "download" / "arcane.zip", members)
    ahri.data.import_custom(JINX, import_source, [222002], "Arcane Jinx (2)")
    _party_up(four)
    assert jinx.manager.set_custom_mod(222002, theirs, "Arcane Jinx")
    for seat in four:
        seat.league.run(seat.league.emu.run_until("chromas"))  # Zed: chroma 238004
    lux.league.choose_my_skin(99991)  # Rose stores Elementalist Lux's Air form as the skin

    # on our PC: our own skin, Jinx's carrier, Lux's form (chroma layout), Zed's chroma
    own = ahri.data.add_skin(AHRI, 103001)
    ahri.data.add_skin(JINX, 222002)
    form = ahri.data.add_chroma(LUX, 99007, 99991)
    ahri.data.add_chroma(ZED, 238001, 238004)

    def friends_known() -> bool:
        got = {s.puuid: s for s in ahri.manager.get_party_skins()}
        want = {jinx.puuid, lux.puuid, zed.puuid}
        if set(got) != want:
            return False
        return (
            got[jinx.puuid].custom_mod is not None
            and got[lux.puuid].skin_id == 99991
            and got[zed.puuid].chroma_id == 238004
        )

    wait(friends_known, 45)
    state = RoseState(ahri.manager)
    rose = RoseInjectionManager(state, RoseShapedInjector(ahri.data))
    mods = rose.injector.mods_dir

    # game 1: ONE overlay with all three friends
    assert in_rose_thread(lambda: rose_manager_injects(rose, own))
    (overlay,) = rose.injector.overlays
    jinx_mod, jinx_carrier = (
        mod_folder_name(jinx.puuid, JINX),
        carrier_folder_name(jinx.puuid, JINX),
    )
    lux_mod, zed_mod = mod_folder_name(lux.puuid, LUX), mod_folder_name(zed.puuid, ZED)
    assert overlay[0] == "103001"
    assert sorted(overlay[1:]) == sorted([jinx_carrier, jinx_mod, lux_mod, zed_mod])
    assert overlay.index(jinx_carrier) < overlay.index(jinx_mod)  # Rose's order
    assert read_payload(mods / jinx_mod) == "payload of custom arcane"
    assert read_payload(mods / jinx_carrier) == "payload of skin 222002"
    assert read_payload(mods / lux_mod) == "payload of chroma 99991" and form.is_file()
    assert read_payload(mods / zed_mod) == "payload of chroma 238004"

    def panel_says(puuid: str, status: str) -> str | None:
        found = [m for m in ahri.manager.snapshot().members if m.puuid == puuid]
        if not found or found[0].injection != status:
            return None
        return found[0].injection_detail

    wait(lambda: all(panel_says(s.puuid, "injected") for s in (jinx, lux, zed)))
    assert "Arcane Jinx" in (panel_says(jinx.puuid, "injected") or "")
    assert "form Air" in (panel_says(lux.puuid, "injected") or "")

    # game 2: Zed leaves the party; he is no longer injected, his folder is gone
    assert ahri.manager.remove_blocking(zed.summoner_id)
    wait(lambda: zed.puuid not in {s.puuid for s in ahri.manager.get_party_skins()})
    assert in_rose_thread(lambda: rose_manager_injects(rose, own))
    assert sorted(rose.injector.overlays[1][1:]) == sorted([jinx_carrier, jinx_mod, lux_mod])
    assert not (mods / zed_mod).exists()

    # game 3, through the trigger's custom-mod path: Lux's form is gone from our PC
    form.unlink()
    ahri.data.add_skin(LUX, 99007)  # her base skin is still there
    mine = ahri.data.add_custom_archive(AHRI, "My Ahri.zip", mod_payload("my ahri"))
    with caplog.at_level(logging.WARNING):
        names = in_rose_thread(
            lambda: rose_trigger_injects_custom_mod(rose, own, mine, "My Ahri"), "LoadoutTicker"
        )
    assert names[:2] == ["103001", "My Ahri"]
    assert sorted(names[2:]) == sorted([jinx_carrier, jinx_mod, lux_mod])
    assert read_payload(mods / lux_mod) == "payload of skin 99007"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Lux Support#EUW" in r.getMessage() for r in warnings), caplog.text
    assert any("without form Air (99991)" in r.getMessage() for r in warnings)
    wait(lambda: "not on this PC" in (panel_says(lux.puuid, "injected") or ""))

    # after three games: only this game's folders, and our ledger lists exactly ours
    present = {p.name for p in mods.iterdir() if p.is_dir()}
    assert present == {"103001", "My Ahri", jinx_carrier, jinx_mod, lux_mod}
    ledger = (mods / LEDGER_NAME).read_text().split()
    assert sorted(ledger) == sorted([jinx_carrier, jinx_mod, lux_mod])
    assert not any(name.startswith("party-") for name in os.listdir(mods.parent / "overlay"))


def test_a_missing_skin_warns_with_the_friends_name_and_tells_the_panel(
    four: list[Seat], caplog: pytest.LogCaptureFixture
) -> None:
    ahri, jinx, *_ = four
    _party_up(four[:2])
    for seat in four[:2]:
        seat.league.run(seat.league.emu.run_until("skins"))
    wait(
        lambda: (
            [(s.puuid, s.skin_id) for s in ahri.manager.get_party_skins()] == [(jinx.puuid, 222002)]
        )
    )
    own = ahri.data.add_skin(AHRI, 103001)
    rose = RoseInjectionManager(RoseState(ahri.manager), RoseShapedInjector(ahri.data))
    with caplog.at_level(logging.WARNING):
        assert in_rose_thread(lambda: rose_manager_injects(rose, own))
    assert rose.injector.overlays == [["103001"]]
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "'Jinx Enjoyer#EUW'" in line and "skin 222002 is not installed" in line

    def detail() -> str | None:
        found = [m for m in ahri.manager.snapshot().members if m.puuid == jinx.puuid]
        return found[0].injection_detail if found and found[0].injection else None

    wait(lambda: detail() is not None)
    assert ahri.manager.snapshot().members[0].injection == InjectionStatus.MISSING_LOCALLY.value
    assert (
        detail()
        == "skin 222002 is not installed on this PC (Rose's skins folder has no file for it)"
    )
