"""``rose adopt --swiftplay`` when Rose has nothing of ours to extract for a Swiftplay game:
both of our champions on their default skins (no file), or no tracked skin at all. Rose's
``trigger_swiftplay_injection`` then gives up before extracting, its phase handler sees no
extracted mods and never runs the overlay; the patch makes the friends' mods the extracted
mods, so the overlay still runs, with friends' mods only (CI: a Rose-shaped handler written
here; tests/rose_real/test_rose_swiftplay.py runs Rose's real one under ROSE_SRC).

The handler below has the shape of Rose 59922fc's Swiftplay handler where the patch anchors:
the three give-up lines of the trigger, each followed by ``return``, and the overlay's log line
before ``_mk_run_overlay``. ``phase_handler`` does what Rose's phase handler does on
ChampSelect: the overlay runs only if extracted mods are waiting. The patched text is executed
as Rose would run it, importing the hook through Rose's adopted ``injection_hook.py``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.rose.hook_kit import (
    RoseData,
    RoseInjectionManager,
    RoseShapedInjector,
    adopted_hook_on_path,
    in_rose_thread,
)
from tests.rose.rose_kit import read_payload, skin
from webrtc_party.rose import InjectionReport, PartySkin, TeamView
from webrtc_party.rose.patches import (
    SWIFTPLAY_MARKER,
    SWIFTPLAY_TRIGGER_MARKER,
    AdoptError,
    _patch_overlay,
    patch_swiftplay,
)
from webrtc_party.rose.planning import mod_folder_name

AHRI, GAREN, JINX, LEE = 103, 86, 222, 64

HANDLER = """\
import logging

log = logging.getLogger("tracer")


class SwiftplayHandler:
    def __init__(self, state, injection_manager):
        self.state = state
        self.injection_manager = injection_manager
        self.gave_up = 0

    def trigger_swiftplay_injection(self):
        with self.state.swiftplay_lock:
            try:
                if not self.state.swiftplay_skin_tracking:
                    log.warning("[phase] No tracked skins - cannot trigger injection")
                    return
                wanted = dict(self.state.swiftplay_skin_tracking)
                for champion in list(wanted):
                    if champion not in self.state.lobby_champions:
                        del wanted[champion]
                if not wanted:
                    log.warning("[phase] No tracked skins for active champions - cannot trigger injection")
                    return
                injector = self.injection_manager.injector
                injector._clean_mods_dir()
                injector._clean_overlay_dir()
                extracted_mods = []
                for champion, skin_id in wanted.items():
                    archive = injector.zips_dir / str(champion) / str(skin_id) / f"{skin_id}.zip"
                    if archive.exists():  # a default skin has no file
                        extracted_mods.append(injector._extract_zip_to_mod(archive).name)
                if not extracted_mods:
                    log.warning("[phase] No mods extracted - cannot inject")
                    return
                self.state.swiftplay_extracted_mods = extracted_mods
            except Exception as e:
                log.warning(f"extraction failed: {e}")

    def run_swiftplay_overlay(self):
        with self.state.swiftplay_lock:
            if not self.state.swiftplay_extracted_mods:
                return
            extracted_mods = list(self.state.swiftplay_extracted_mods)
            self.state.swiftplay_extracted_mods.clear()
        try:
            log.info(f"[phase] Running overlay injection for {len(extracted_mods)} mod(s): {', '.join(extracted_mods)}")
            self.injection_manager.injector._mk_run_overlay(extracted_mods, timeout=60)
        except Exception as e:
            log.warning(f"overlay failed: {e}")

    def phase_handler(self):
        if self.state.swiftplay_extracted_mods:
            self.run_swiftplay_overlay()
        else:
            self.gave_up += 1
"""  # noqa: E501 (Rose's own long lines, as the patch anchors on them)


class Party:
    """Rose's party manager as the hook reads it; my lobby: Ahri + Garen, the friend's: Jinx +
    Lee."""

    def __init__(self, skins: list[PartySkin]) -> None:
        self.enabled = True
        self.skins = skins
        self.reports: list[InjectionReport] = []

    def get_party_skins(self) -> list[PartySkin]:
        return self.skins

    def get_team_view(self) -> TeamView | None:
        return TeamView.swiftplay("me", (AHRI, GAREN), {"friend": (JINX, LEE)})

    def publish_injection_report(self, report: InjectionReport) -> None:
        self.reports.append(report)


class SwiftState:
    """The SharedState fields Rose's Swiftplay path reads."""

    def __init__(self, party_manager: object | None, tracking: dict[int, int]) -> None:
        self.party_manager = party_manager
        self.swiftplay_skin_tracking = tracking
        self.swiftplay_extracted_mods: list[str] = []
        self.swiftplay_lock = threading.Lock()
        self.lobby_champions = {AHRI, GAREN}


@pytest.fixture
def rose_modules(tmp_path: Path) -> Iterator[Path]:
    with adopted_hook_on_path(tmp_path / "RoseSrc") as root:
        yield root


def handler_with(
    base: Path, party: Party | None, tracking: dict[int, int], *, own_file: bool = False
) -> tuple[Any, SwiftState, RoseShapedInjector]:
    data = RoseData(base)
    data.add_skin(JINX, 222002)
    data.add_skin(LEE, 64001)
    if own_file:
        data.add_skin(AHRI, 103001)
    module = ModuleType("swiftplay_handler")
    exec(compile(patch_swiftplay(HANDLER), "swiftplay_handler.py", "exec"), module.__dict__)
    state = SwiftState(party, tracking)
    injector = RoseShapedInjector(data)
    manager = RoseInjectionManager(state, injector)  # type: ignore[arg-type]
    return module.SwiftplayHandler(state, manager), state, injector


def matchmaking_then_champ_select(handler: Any) -> None:
    """Rose's phase handler: extraction at Matchmaking, the overlay at ChampSelect."""
    in_rose_thread(handler.trigger_swiftplay_injection, "PhaseThread")
    in_rose_thread(handler.phase_handler, "PhaseThread")


FRIEND = [skin("friend", JINX, 222002), skin("friend", LEE, 64001)]
JINX_MOD, LEE_MOD = mod_folder_name("friend", JINX), mod_folder_name("friend", LEE)


@pytest.mark.parametrize(
    ("tracking", "gives_up"),
    [
        ({AHRI: 103000, GAREN: 86000}, "No mods extracted - cannot inject"),
        ({}, "No tracked skins - cannot trigger injection"),
        ({LEE: 64000}, "No tracked skins for active champions"),  # a champion swapped away
    ],
)
def test_nothing_of_ours_to_extract_runs_an_overlay_of_the_friends_mods(
    tmp_path: Path,
    rose_modules: Path,
    caplog: pytest.LogCaptureFixture,
    tracking: dict[int, int],
    gives_up: str,
) -> None:
    party = Party(list(FRIEND))
    handler, state, injector = handler_with(tmp_path, party, tracking)
    with caplog.at_level(logging.INFO):
        matchmaking_then_champ_select(handler)
    assert injector.overlays == [[JINX_MOD, LEE_MOD]], caplog.text  # ONE overlay, theirs only
    assert read_payload(injector.mods_dir / JINX_MOD) == "payload of skin 222002"
    assert read_payload(injector.mods_dir / LEE_MOD) == "payload of skin 64001"
    assert handler.gave_up == 0 and state.swiftplay_extracted_mods == []
    assert gives_up in caplog.text  # Rose's own line is still logged
    assert "no party mods for Swiftplay" not in caplog.text
    assert party.reports and {o.status.value for o in party.reports[-1].outcomes} == {"injected"}


def test_without_party_mods_rose_gives_up_as_it_ships(tmp_path: Path, rose_modules: Path) -> None:
    off = Party(list(FRIEND))
    off.enabled = False
    on_defaults = Party([skin("friend", JINX, 222000), skin("friend", LEE, 64000)])
    for i, party in enumerate((None, off, on_defaults)):
        handler, state, injector = handler_with(
            tmp_path / str(i), party, {AHRI: 103000, GAREN: 86000}
        )
        matchmaking_then_champ_select(handler)
        assert injector.overlays == [] and handler.gave_up == 1  # no overlay at all
        assert state.swiftplay_extracted_mods == []


def test_ours_and_theirs_in_one_overlay_without_duplicates(
    tmp_path: Path, rose_modules: Path
) -> None:
    handler, _, injector = handler_with(
        tmp_path, Party(list(FRIEND)), {AHRI: 103001, GAREN: 86000}, own_file=True
    )
    matchmaking_then_champ_select(handler)
    assert injector.overlays == [["103001", JINX_MOD, LEE_MOD]]


def test_the_overlay_honours_a_change_since_matchmaking(tmp_path: Path, rose_modules: Path) -> None:
    party = Party(list(FRIEND))
    handler, state, injector = handler_with(tmp_path, party, {AHRI: 103000, GAREN: 86000})
    in_rose_thread(handler.trigger_swiftplay_injection, "PhaseThread")
    assert state.swiftplay_extracted_mods == [JINX_MOD, LEE_MOD]
    party.skins = [FRIEND[0]]  # the friend went back to Lee's default skin
    in_rose_thread(handler.phase_handler, "PhaseThread")
    assert injector.overlays == [[JINX_MOD]]  # prepared afresh: no folder that is gone
    assert not (injector.mods_dir / LEE_MOD).exists()

    handler, state, injector = handler_with(tmp_path / "left", party, {AHRI: 103000})
    in_rose_thread(handler.trigger_swiftplay_injection, "PhaseThread")
    party.enabled = False  # party mode turned off before the overlay: nothing of theirs
    in_rose_thread(handler.phase_handler, "PhaseThread")
    assert injector.overlays == []


def test_the_patch_is_anchored_idempotent_and_keeps_crlf() -> None:
    patched = patch_swiftplay(HANDLER)
    assert patched.count(SWIFTPLAY_TRIGGER_MARKER) == 3 and patched.count(SWIFTPLAY_MARKER) == 1
    assert patch_swiftplay(patched) == patched
    lines = patched.splitlines()
    for i, line in enumerate(lines):
        if "cannot trigger injection" in line or "cannot inject" in line:
            assert lines[i + 1].strip().startswith(SWIFTPLAY_TRIGGER_MARKER)
    rose_lines = [line for line in lines if "webrtc-party" not in line]
    assert all(line in lines for line in HANDLER.splitlines())
    assert len(rose_lines) < len(lines)
    crlf = patch_swiftplay(HANDLER.replace("\n", "\r\n"))
    assert "\n" not in crlf.replace("\r\n", "") and crlf.replace("\r\n", "\n") == patched


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            '- cannot inject")\n                    return',
            '- cannot inject")\n                    pass',
            "'No mods extracted - cannot inject' followed by 'return' was found 0",
        ),
        ("No tracked skins - cannot", "Nothing tracked - cannot", "'No tracked skins - cannot"),
        ("def trigger_swiftplay_injection", "def trigger_injection", "found 0"),
    ],
)
def test_moved_rose_code_is_refused_with_a_reason(old: str, new: str, says: str) -> None:
    assert old in HANDLER
    with pytest.raises(AdoptError, match=says) as info:
        patch_swiftplay(HANDLER.replace(old, new))
    assert "nothing was changed" in str(info.value)


def test_a_handler_patched_by_an_older_webrtc_party_is_refused_with_the_way_out() -> None:
    older = _patch_overlay(HANDLER)  # what the first --swiftplay wrote: the overlay block only
    assert SWIFTPLAY_MARKER in older and SWIFTPLAY_TRIGGER_MARKER not in older
    with pytest.raises(AdoptError, match=r"only part of the --swiftplay patch.*git checkout"):
        patch_swiftplay(older)
