"""Champion and skin names shipped as package data (the UI and the emulator use them).

``champion-summary.json`` and ``skins.json`` have the shape of the client's
``/lol-game-data/assets/v1/`` files; ``extra-game-data.json`` adds names the
samples lack. Whether a skin id is a chroma is looked up, never computed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["GameData", "Skin", "decode_champion_summary", "decode_skins", "load_game_data"]


@dataclass(frozen=True)
class Skin:
    skin_id: int
    name: str
    parent_id: int | None = None  # set for chromas

    @property
    def is_chroma(self) -> bool:
        return self.parent_id is not None


@dataclass(frozen=True)
class GameData:
    champions: Mapping[int, str]
    skins: Mapping[int, Skin]

    def champion_name(self, champion_id: int) -> str:
        return self.champions.get(champion_id, f"champion {champion_id}")

    def skin_name(self, skin_id: int) -> str:
        skin = self.skins.get(skin_id)
        if skin is not None:
            return skin.name
        if skin_id % 1000 == 0:
            return self.champion_name(skin_id // 1000)
        return f"skin {skin_id}"

    @property
    def chroma_parents(self) -> dict[int, int]:
        return {s.skin_id: s.parent_id for s in self.skins.values() if s.parent_id is not None}

    def skins_of(self, champion_id: int) -> list[Skin]:
        return sorted(
            (s for s in self.skins.values() if s.skin_id // 1000 == champion_id),
            key=lambda s: s.skin_id,
        )


def decode_champion_summary(data: Any) -> dict[int, str]:
    out: dict[int, str] = {}
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), int) and entry["id"] > 0:
            out[entry["id"]] = str(entry.get("name", ""))
    return out


def decode_skins(data: Any) -> dict[int, Skin]:
    out: dict[int, Skin] = {}
    for entry in data.values() if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), int):
            continue
        out[entry["id"]] = Skin(entry["id"], str(entry.get("name", "")))
        for chroma in entry.get("chromas") or []:
            if isinstance(chroma, dict) and isinstance(chroma.get("id"), int):
                out[chroma["id"]] = Skin(chroma["id"], str(chroma.get("name", "")), entry["id"])
    return out


def _read(name: str) -> Any:
    return json.loads(
        resources.files("webrtc_party.lcu").joinpath("data").joinpath(name).read_text("utf-8")
    )


@functools.cache
def load_game_data() -> GameData:
    champions = decode_champion_summary(_read("champion-summary.json"))
    skins = decode_skins(_read("skins.json"))
    extra = _read("extra-game-data.json")
    for key, name in extra["champions"].items():
        champions.setdefault(int(key), name)
    for key, entry in extra["skins"].items():
        skins.setdefault(int(key), Skin(int(key), entry["name"], entry.get("parent")))
    return GameData(champions, skins)
