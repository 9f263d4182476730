"""Test helpers for the Rose hook: real skin folders, real ZIP files, a Rose-shaped injector."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from webrtc_party.rose.records import CustomModRef, PartySkin

__all__ = [
    "AHRI",
    "JINX",
    "LEE",
    "FakeRoseInjector",
    "RoseTree",
    "make_zip",
    "mod_payload",
    "read_payload",
    "skin",
]

# Champion ids and skin ids follow League's rule: skin_id = champion_id * 1000 + number.
AHRI, JINX, LEE = 103, 222, 64


def mod_payload(label: str) -> dict[str, bytes]:
    """The inside of a cslol mod: META/info.json and a WAD marked with ``label``."""
    return {
        "META/info.json": b'{"Name": "%s", "Version": "1.0"}' % label.encode(),
        "WAD/Champion.wad.client": f"payload of {label}".encode(),
    }


def make_zip(path: Path, members: Mapping[str, bytes], *, deflate: bool = True) -> Path:
    """Write a real ZIP archive with exactly these member names (no normalisation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return path


def read_payload(mod_folder: Path) -> str:
    """The label of the mod unpacked in ``mod_folder``."""
    return (mod_folder / "WAD" / "Champion.wad.client").read_text()


class RoseTree:
    """A Rose data folder in tmp: ``skins/``, ``mods/skins/`` and ``injection/mods/``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.skins = base / "Rose" / "skins"
        self.custom = base / "Rose" / "mods" / "skins"
        self.skins.mkdir(parents=True)
        self.custom.mkdir(parents=True)

    def add_skin(self, champion: int, skin_id: int, *, ext: str = ".zip") -> Path:
        path = self.skins / str(champion) / str(skin_id) / f"{skin_id}{ext}"
        return make_zip(path, mod_payload(f"skin {skin_id}"))

    def add_chroma(self, champion: int, skin_id: int, chroma: int, *, ext: str = ".zip") -> Path:
        path = self.skins / str(champion) / str(skin_id) / str(chroma) / f"{chroma}{ext}"
        return make_zip(path, mod_payload(f"chroma {chroma}"))

    def add_custom_archive(self, skin_id: int, name: str, label: str) -> Path:
        return make_zip(self.custom / str(skin_id) / name, mod_payload(label))

    def add_custom_folder(self, skin_id: int, name: str, label: str) -> Path:
        folder = self.custom / str(skin_id) / name
        for rel, data in mod_payload(label).items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return folder


class FakeRoseInjector:
    """A small stand-in for Rose's SkinInjector: a mods dir, and an overlay runner that records
    the folder names it is given (and checks they are really there)."""

    def __init__(self, base: Path) -> None:
        self._mods_dir = base / "injection" / "mods"
        self._mods_dir.mkdir(parents=True, exist_ok=True)
        self.overlays: list[list[str]] = []

    @property
    def mods_dir(self) -> Path:
        return self._mods_dir

    def extract_own_skin(self, archive: Path) -> str:
        """What Rose does with our own skin: unpack it under a name of its own."""
        dest = self._mods_dir / archive.stem
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dest)
        return dest.name

    def run_overlay(self, names: list[str]) -> bool:
        missing = [n for n in names if not (self._mods_dir / n / "META" / "info.json").is_file()]
        if missing:
            raise AssertionError(f"overlay asked for missing mods: {missing}")
        self.overlays.append(list(names))
        return True


def skin(
    puuid: str,
    champion: int,
    skin_id: int,
    chroma: int | None = None,
    *,
    name: str | None = None,
    custom: CustomModRef | None = None,
    stale: bool = False,
) -> PartySkin:
    return PartySkin(
        puuid=puuid,
        summoner_id=abs(hash(puuid)) % 10_000,
        display_name=name if name is not None else f"{puuid}#EUW",
        champion_id=champion,
        skin_id=skin_id,
        chroma_id=chroma,
        custom_mod=custom,
        stale=stale,
    )
