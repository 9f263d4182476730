"""``rose adopt --default-skin``: Rose's injection trigger skips its overlay for our default skin;
the patch makes it run an overlay of friends' mods alone (CI: a Rose-shaped trigger written
here; tests/rose_real/test_rose_default_skin.py runs Rose's real trigger under ROSE_SRC).

The trigger below has the shape of Rose 59922fc's default-skin branch (the ``if`` and its
first log line, as the patch anchors on them); the patched text is executed as Rose would run
it, importing the hook through Rose's adopted ``party/integration/injection_hook.py``.
"""

from __future__ import annotations

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
    RoseState,
    adopted_hook_on_path,
    in_rose_thread,
)
from tests.rose.rose_kit import read_payload, skin
from tests.test_adopt import make_rose
from webrtc_party.rose import InjectionReport, PartySkin, TeamView
from webrtc_party.rose.adopt import (
    DEFAULT_SKIN_FILE,
    DEFAULT_SKIN_MARKER,
    Action,
    AdoptError,
    adopt,
    patch_default_skin,
)
from webrtc_party.rose.planning import mod_folder_name

AHRI, JINX = 103, 222

TRIGGER = """\
import logging

log = logging.getLogger("tracer")


def is_default_skin(skin_id):
    return skin_id % 1000 == 0


def _party_call_sites():  # Rose's other party call sites import the hook this way
    from party.integration.injection_hook import PartyInjectionHook


class InjectionTrigger:
    def __init__(self, state, injection_manager):
        self.state = state
        self.injection_manager = injection_manager
        self.resumed = 0

    def trigger_injection(self, name):
        ui_skin_id = self.state.last_hovered_skin_id
        try:
            historic_active = getattr(self.state, 'historic_mode_active', False)
            if ui_skin_id is not None and is_default_skin(ui_skin_id) and not historic_active:
                log.info(f"[INJECT] skipping injection for default skin (skinId={ui_skin_id}) - no mods selected")
                if self.injection_manager:
                    self.resumed += 1
            elif self.injection_manager:
                self.injection_manager.injector.inject_skin(name)
        except Exception as e:
            log.warning(f"injection setup failed: {e}")
"""  # noqa: E501 (Rose's own long line, as the patch anchors on it)


class Party:
    """Rose's party manager as the hook reads it: one friend on Jinx, with their skin."""

    def __init__(self, skins: list[PartySkin]) -> None:
        self.enabled = True
        self.skins = skins
        self.reports: list[InjectionReport] = []

    def get_party_skins(self) -> list[PartySkin]:
        return self.skins

    def get_team_view(self) -> TeamView | None:
        return TeamView.classic("me", AHRI, {"friend": JINX})

    def publish_injection_report(self, report: InjectionReport) -> None:
        self.reports.append(report)


@pytest.fixture
def rose_modules(tmp_path: Path) -> Iterator[Path]:
    """Rose's adopted hook module importable as Rose imports it (``party.integration...``)."""
    with adopted_hook_on_path(tmp_path / "Rose") as root:
        yield root


def patched_trigger() -> ModuleType:
    module = ModuleType("injection_trigger")
    exec(compile(patch_default_skin(TRIGGER), "injection_trigger.py", "exec"), module.__dict__)
    return module


def test_the_patch_is_one_anchored_insertion_idempotent_and_keeps_crlf() -> None:
    patched = patch_default_skin(TRIGGER)
    assert patched.count(DEFAULT_SKIN_MARKER) == 1
    assert patch_default_skin(patched) == patched
    added = [line for line in patched.splitlines() if line not in TRIGGER.splitlines()]
    assert len(added) <= 12 and added[0].strip().startswith(DEFAULT_SKIN_MARKER)
    lines = patched.splitlines()
    anchor = next(i for i, line in enumerate(lines) if "skipping injection for default" in line)
    assert lines[anchor + 1].strip().startswith(DEFAULT_SKIN_MARKER)  # right after Rose's log
    crlf = patch_default_skin(TRIGGER.replace("\n", "\r\n"))
    assert "\n" not in crlf.replace("\r\n", "")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("and not historic_active:", "and not historic:", "expected one 'if ui_skin_id"),
        ("- no mods selected", "(no mods)", "does not start with the line that logs"),
    ],
)
def test_rose_text_that_moved_is_refused_with_a_reason(old: str, new: str, says: str) -> None:
    with pytest.raises(AdoptError, match=says) as info:
        patch_default_skin(TRIGGER.replace(old, new))
    assert "nothing was changed" in str(info.value)


def test_adopt_checks_before_writing(tmp_path: Path) -> None:
    rose = make_rose(tmp_path / "Rose")  # its trigger has no default-skin branch
    before = (rose / DEFAULT_SKIN_FILE).read_bytes()
    with pytest.raises(AdoptError, match="--default-skin patch was not applied"):
        adopt(rose, default_skin=True)
    assert (rose / DEFAULT_SKIN_FILE).read_bytes() == before
    assert not (rose / "party/core/party_manager.py").read_text().startswith('"""Rose')
    (rose / DEFAULT_SKIN_FILE).write_text(TRIGGER)
    changes = {c.path: c.action for c in adopt(rose, default_skin=True)}
    assert changes[DEFAULT_SKIN_FILE] is Action.PATCH
    again = {c.path: c.action for c in adopt(rose, default_skin=True)}
    assert set(again.values()) == {Action.UNCHANGED}


def trigger_with(tmp_path: Path, party: Party | None) -> tuple[Any, RoseInjectionManager]:
    data = RoseData(tmp_path)
    data.add_skin(JINX, 222002)
    state = RoseState(party)
    state.last_hovered_skin_id = AHRI * 1000  # type: ignore[attr-defined]
    manager = RoseInjectionManager(state, RoseShapedInjector(data))
    return patched_trigger().InjectionTrigger(state, manager), manager


def test_default_own_skin_and_a_friends_skin_run_an_overlay_of_the_friends_mods(
    tmp_path: Path, rose_modules: Path
) -> None:
    party = Party([skin("friend", JINX, 222002)])
    trigger, manager = trigger_with(tmp_path, party)
    in_rose_thread(lambda: trigger.trigger_injection(f"skin_{AHRI * 1000}"), "LoadoutTicker")
    ours = mod_folder_name("friend", JINX)
    assert manager.injector.overlays == [[ours]]  # friends' mods only: our skin is the default
    assert read_payload(manager.injector.mods_dir / ours) == "payload of skin 222002"
    assert trigger.resumed == 1  # Rose's own lines of the branch still run
    assert manager.monitor_calls == ["init", "start", "stop"]  # the game waits for the overlay
    assert not manager._injection_in_progress
    assert manager.injection_lock.acquire(blocking=False)  # released
    manager.injection_lock.release()
    assert party.reports and party.reports[-1].overlay_ok is True


def test_without_party_mods_rose_skips_as_it_ships(tmp_path: Path, rose_modules: Path) -> None:
    off = Party([skin("friend", JINX, 222002)])
    off.enabled = False
    for party in (None, off, Party([skin("friend", JINX, 222000)])):  # off; friend default
        trigger, manager = trigger_with(tmp_path / str(id(party)), party)
        in_rose_thread(lambda: trigger.trigger_injection("skin_103000"))  # noqa: B023
        assert manager.injector.overlays == []
        assert trigger.resumed == 1


def test_a_busy_injection_is_not_raced(tmp_path: Path, rose_modules: Path) -> None:
    trigger, manager = trigger_with(tmp_path, Party([skin("friend", JINX, 222002)]))
    manager._injection_in_progress = True
    in_rose_thread(lambda: trigger.trigger_injection("skin_103000"))
    assert manager.injector.overlays == []
    held = threading.Lock()
    manager._injection_in_progress = False
    manager.injection_lock = held
    held.acquire()
    try:
        trigger.trigger_injection("skin_103000")  # waits for the lock (5 s), then gives up
    finally:
        held.release()
    assert manager.injector.overlays == [] and trigger.resumed == 2
