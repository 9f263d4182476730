"""The manager over Rose's REAL ``lcu`` and ``SharedState`` (skipped unless ROSE_SRC names a
Rose checkout): Rose's own lockfile discovery feeds our League watcher, and what Rose's state
says it will inject is what the friend receives."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rose.manager_kit import JINX, FastManager, connected, link, wait
from tests.rose.rose_like import EmulatorThread, RoseLikeRose

ROSE_SRC = os.environ.get("ROSE_SRC")
pytestmark = pytest.mark.skipif(
    not ROSE_SRC or not Path(ROSE_SRC, "state", "core", "shared_state.py").is_file(),
    reason="set ROSE_SRC to a Rose checkout (commit 59922fc) to run Rose's real lcu and state",
)


def rose_modules() -> tuple[Any, Any]:
    assert ROSE_SRC is not None
    if ROSE_SRC not in sys.path:
        sys.path.append(ROSE_SRC)
    from lcu.core.client import LCU  # type: ignore[import-not-found]
    from state.core.shared_state import SharedState  # type: ignore[import-not-found]

    return LCU, SharedState


@pytest.fixture
def pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[list[EmulatorThread], list[RoseLikeRose]]]:
    lcu_class, state_class = rose_modules()
    monkeypatch.setenv("WEBRTC_PARTY_STUN", "none")
    monkeypatch.setenv("WEBRTC_PARTY_INTERFACES", "127.0.0.1")
    monkeypatch.delenv("LCU_LOCKFILE", raising=False)
    with contextlib.ExitStack() as stack:  # closes in reverse, even if one close fails
        first = stack.enter_context(EmulatorThread(tmp_path / "lcu0", 0))
        emus = [
            first,
            stack.enter_context(EmulatorThread(tmp_path / "lcu1", 1, share_ca_with=first)),
        ]
        monkeypatch.setenv("WEBRTC_PARTY_LCU_CAFILE", str(first.emu.ca_path))
        roses = [
            stack.enter_context(
                RoseLikeRose(
                    None,
                    tmp_path / f"Rose{i}",
                    FastManager,
                    state=state_class(),
                    lcu=lcu_class(str(e.emu.lockfile_path)),
                )
            )
            for i, e in enumerate(emus)
        ]
        yield emus, roses


def test_rose_real_lcu_and_state_carry_the_unowned_skin(
    pair: tuple[list[EmulatorThread], list[RoseLikeRose]],
) -> None:
    emus, (a, b) = pair
    assert a.lcu.ok and a.lcu.port == emus[0].emu.port  # Rose found the lockfile itself
    link(a, b)
    wait(lambda: connected(a, 1) and connected(b, 1))
    b.state.locked_champ_id = JINX
    b.state.last_hovered_skin_id = 222005  # unowned: Rose will inject it
    b.state.selected_skin_id = 222000  # the base skin Rose forces in the client
    for e in emus:
        e.run_until("lock-9")
    jinx = emus[1].emu.world.me.puuid
    wait(lambda: [(s.puuid, s.skin_id) for s in a.manager.get_party_skins()] == [(jinx, 222005)])
    state = a.manager.get_state_dict()
    assert state["my_summoner_id"] == emus[0].emu.world.me.summoner_id
    assert state["peers"][0]["skin_selection"]["skin_id"] == 222005
    assert a.handler.errors == [] and b.handler.errors == []


def test_rose_folders_come_from_rose_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rose_modules()
    import utils.core.paths as paths  # type: ignore[import-not-found]

    from webrtc_party.rose.rose_setup import rose_folders

    monkeypatch.setattr(paths, "_cached_user_data_dir", tmp_path / "RoseOwn")
    folders = rose_folders(object(), {"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert folders.skins == tmp_path / "RoseOwn" / "skins"
    assert folders.custom == tmp_path / "RoseOwn" / "mods" / "skins"
