"""Rose's SharedState -> what Rose will inject for us (pure), and where Rose keeps its files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.rose.rose_kit import make_zip, mod_payload
from tests.rose.rose_like import RoseLikeInjectionManager, RoseLikeState
from webrtc_party.party import Selection, Source
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.rose_follow import RoseFollower
from webrtc_party.rose.rose_setup import rose_folders, rose_user_data_dir
from webrtc_party.rose.rose_state import FORM_BASES, read_pick, to_selection

PARENTS = {222003: 222002, 266010: 266009}.get


def sel(state: RoseLikeState, mods: Path | None = None) -> Selection | None:
    return to_selection(read_pick(state, PARENTS, mods))


def test_the_hovered_unowned_skin_wins_over_the_owned_one_the_client_shows() -> None:
    state = RoseLikeState(last_hovered_skin_id=222005, selected_skin_id=222000)
    assert sel(state) == Selection(222, 222005, None, None, Source.PICKED)


def test_chromas_by_hovered_id_or_by_selected_chroma() -> None:
    assert sel(RoseLikeState(last_hovered_skin_id=222003)) == Selection(
        222, 222002, 222003, None, Source.CHROMA
    )
    state = RoseLikeState(last_hovered_skin_id=266009, selected_chroma_id=266010)
    assert sel(state) == Selection(266, 266009, 266010, None, Source.CHROMA)
    # a chroma of another skin (left over from an earlier hover) is not ours
    state = RoseLikeState(last_hovered_skin_id=266009, selected_chroma_id=222003)
    assert sel(state) == Selection(266, 266009, None, None, Source.PICKED)


@pytest.mark.parametrize(
    ("form", "base"),
    [
        (99991, 99007),
        (99999, 99007),
        (82998, 82054),
        (25999, 25080),
        (875999, 875066),
        (147003, 147001),
        (21997, 21016),
        (234994, 234043),
    ],
)
def test_forms_are_chromas_of_their_base_skin(form: int, base: int) -> None:
    assert FORM_BASES[form] == base
    got = sel(RoseLikeState(last_hovered_skin_id=form, selected_chroma_id=form))
    assert got == Selection(base // 1000, base, form, None, Source.CHROMA)
    got = sel(RoseLikeState(last_hovered_skin_id=base, selected_chroma_id=form))
    assert got == Selection(base // 1000, base, form, None, Source.CHROMA)


def test_historic_and_random_override_the_hover() -> None:
    state = RoseLikeState(last_hovered_skin_id=222000, historic_mode_active=True)
    state.historic_skin_id = 222003
    assert sel(state) == Selection(222, 222002, 222003, None, Source.HISTORIC)
    state = RoseLikeState(last_hovered_skin_id=222000, random_mode_active=True)
    state.random_skin_id = 222005
    assert sel(state) == Selection(222, 222005, None, None, Source.RANDOM)
    state.random_skin_id = None  # random on but nothing drawn yet: the hover
    assert sel(state) == Selection(222, 222000, None, None, Source.PICKED)


def test_custom_mods_and_historic_mod_paths(tmp_path: Path) -> None:
    mods = tmp_path / "mods"
    mod = {"skin_id": 103001, "champion_id": 103, "mod_name": "Arcane", "mod_path": "/x/a.zip"}
    pick = read_pick(RoseLikeState(last_hovered_skin_id=103000, selected_custom_mod=mod))
    assert pick is not None and pick.source is Source.CUSTOM
    assert (pick.skin_id, pick.mod_path, pick.mod_name) == (103001, Path("/x/a.zip"), "Arcane")
    assert to_selection(pick) == Selection(103, 103001)  # not hashed: the skin alone
    state = RoseLikeState(historic_mode_active=True, historic_skin_id="path:skins/887030/g.fantome")
    pick = read_pick(state, PARENTS, mods)
    assert pick is not None and pick.mod_path == mods / "skins" / "887030" / "g.fantome"
    assert pick.skin_id == 887030 and pick.champion_id == 887


def test_swiftplay_tracking_and_a_stale_champion() -> None:
    state = RoseLikeState(
        is_swiftplay_mode=True, swiftplay_skin_tracking={103: 103001, 222: 222003}
    )
    state.locked_champ_id = 222
    assert sel(state) == Selection(222, 222002, 222003, None, Source.CHROMA)
    # Rose refuses a hovered skin of another champion than the locked one
    assert sel(RoseLikeState(last_hovered_skin_id=222005, locked_champ_id=103)) is None
    assert sel(RoseLikeState()) is None
    assert sel(RoseLikeState(last_hovered_skin_id=5)) is None  # no skin numbering allows it


def test_the_follower_hashes_a_mod_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "mods" / "skins" / "103001" / "a.zip", mod_payload("one"))
    calls: list[Path] = []

    def hasher(p: Path) -> str:
        calls.append(p)
        return content_hash(p)

    state = RoseLikeState(last_hovered_skin_id=103001)
    state.selected_custom_mod = {"skin_id": 103001, "mod_name": "A", "mod_path": str(path)}
    follower = RoseFollower(state, hasher=hasher)

    async def go() -> None:
        first = await follower.step()
        assert first is not None and first.custom is not None and first.source is Source.CUSTOM
        assert first.custom.content_hash == content_hash(path) and first.custom.name == "A"
        assert await follower.step() == first and len(calls) == 1  # cached by path + mtime
        make_zip(path, mod_payload("two"))
        import os

        os.utime(path, (1, 1))
        second = await follower.step()
        assert second is not None and second.custom is not None
        assert second.custom.content_hash != first.custom.content_hash and len(calls) == 2
        path.unlink()
        state.selected_custom_mod = {"skin_id": 103001, "mod_path": str(tmp_path / "gone.zip")}
        third = await follower.step()
        assert third == Selection(103, 103001) and follower.problem is not None

    asyncio.run(go())


def test_rose_folders(tmp_path: Path) -> None:
    im = RoseLikeInjectionManager(tmp_path / "R" / "skins", tmp_path / "R" / "injection" / "mods")
    folders = rose_folders(im, {})
    assert folders.skins == tmp_path / "R" / "skins"
    assert folders.custom == tmp_path / "R" / "mods" / "skins"
    assert rose_folders(None, {"XDG_DATA_HOME": str(tmp_path)}, "linux").skins == (
        tmp_path / "Rose" / "skins"
    )
    win = rose_user_data_dir({"LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local"}, "win32")
    assert win == Path("C:\\Users\\u\\AppData\\Local") / "Rose"  # simulated Windows
