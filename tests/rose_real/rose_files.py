"""Rose data folders for the harness: skins, chromas, a form and a custom mod, laid out as
Rose keeps them (``skins/{champion}/{skin}/...``, ``mods/skins/{champion}000/...``).

Every mod holds ``META/info.json`` and ``WAD/Champion.wad.client`` whose text is a label, so
an overlay's folders can be told apart by what is inside them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

__all__ = [
    "AHRI",
    "CUSTOM_LABEL",
    "FORM_LABEL",
    "JINX",
    "LUX",
    "ZED",
    "ZED_CHROMA_LABEL",
    "custom_mod_state",
    "install_everything",
    "labels",
]

AHRI, ZED, LUX, JINX = 103, 238, 99, 222
CUSTOM_NAME = "Arcane Ahri"
CUSTOM_LABEL = "custom Arcane Ahri"
FORM_LABEL = "form Lux Elementalist Air"
ZED_CHROMA_LABEL = "chroma 238004"
WAD = "WAD/Champion.wad.client"


def payload(label: str) -> dict[str, bytes]:
    return {
        "META/info.json": json.dumps({"Name": label, "Version": "1.0"}).encode(),
        WAD: label.encode(),
    }


def write_zip(path: Path, label: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in payload(label).items():
            archive.writestr(name, data)


def write_folder(path: Path, label: str) -> None:
    for name, data in payload(label).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def install_everything(member: int, rose_data: Path, *, custom_as_folder: bool) -> None:
    """Every skin of the party's picks, and the custom mod as a folder or as a ZIP."""
    skins = rose_data / "skins"
    picks = ((AHRI, 103001), (ZED, 238001), (LUX, 99007), (AHRI, 103002), (JINX, 222002))
    for champion, skin in picks:
        write_zip(skins / str(champion) / str(skin) / f"{skin}.zip", f"skin {skin}")
    write_zip(skins / "238" / "238001" / "238004" / "238004.zip", ZED_CHROMA_LABEL)
    write_zip(skins / "99" / "99007" / "Lux Elementalist Air.zip", FORM_LABEL)  # Rose: by name
    write_zip(skins / "99" / "99007" / "99991" / "99991.zip", FORM_LABEL)  # and as a chroma
    mods = rose_data / "mods" / "skins" / f"{AHRI}000"
    if custom_as_folder:
        write_folder(mods / CUSTOM_NAME, CUSTOM_LABEL)
    else:
        write_zip(mods / f"{CUSTOM_NAME}.zip", CUSTOM_LABEL)
    mods.mkdir(parents=True, exist_ok=True)
    (mods / "rose_mod_targets.json").write_text(
        json.dumps({"mods": {CUSTOM_NAME: {"targets": [103001]}}}), encoding="utf-8"
    )


def custom_mod_state(rose_data: Path) -> dict[str, Any]:
    """Rose's ``SharedState.selected_custom_mod`` for the imported folder mod."""
    folder = rose_data / "mods" / "skins" / f"{AHRI}000" / CUSTOM_NAME
    return {
        "skin_id": 103001,
        "champion_id": AHRI,
        "mod_name": CUSTOM_NAME,
        "mod_path": str(folder),
        "mod_folder_name": CUSTOM_NAME,
        "relative_path": f"skins/{AHRI}000/{CUSTOM_NAME}",
    }


def labels(overlay: list[dict[str, Any]]) -> list[str]:
    """The label inside each mod folder of one recorded overlay ("" if it has none)."""
    return [str(mod["files"].get(WAD, "")) for mod in overlay]
