"""A hovered chroma the bundled game data does not know still travels as (skin, chroma)."""

from __future__ import annotations

from pathlib import Path

from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.rose.chroma_parents import ChromaParents
from webrtc_party.rose.rose_state import read_pick


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_chroma_found_in_roses_skins_folder(tmp_path: Path) -> None:
    (tmp_path / "238" / "238005" / "238007").mkdir(parents=True)  # Rose's chroma layout
    (tmp_path / "238" / "238003").mkdir()
    parents = ChromaParents(skins_dir=tmp_path)
    assert parents(238007) == 238005
    assert parents(238005) is None  # a skin, not a chroma
    assert parents(238099) is None


def test_bundled_data_first_and_foreign_champions_refused(tmp_path: Path) -> None:
    bundled = load_game_data().chroma_parents
    chroma, skin = next(iter(bundled.items()))
    assert ChromaParents(bundled=bundled, skins_dir=tmp_path)(chroma) == skin
    (tmp_path / "238" / "103001" / "238007").mkdir(parents=True)  # another champion's skin
    assert ChromaParents(skins_dir=tmp_path)(238007) is None


def test_a_miss_is_looked_up_again_later(tmp_path: Path) -> None:
    clock = Clock()
    parents = ChromaParents(skins_dir=tmp_path, clock=clock)
    assert parents(238007) is None
    (tmp_path / "238" / "238005" / "238007").mkdir(parents=True)  # Rose downloads it now
    assert parents(238007) is None  # remembered miss
    clock.now += 31
    assert parents(238007) == 238005


def test_rose_state_announces_the_unknown_chroma_with_its_skin(tmp_path: Path) -> None:
    class State:  # Rose's SharedState field names
        last_hovered_skin_id = 238007
        selected_chroma_id = None
        locked_champ_id = 238

    (tmp_path / "238" / "238005" / "238007").mkdir(parents=True)
    pick = read_pick(State(), chroma_parent=ChromaParents(skins_dir=tmp_path))
    assert pick is not None
    assert (pick.skin_id, pick.chroma_id) == (238005, 238007)
