"""Rose's folders, and where a friend's skin, chroma or form is found in them (file I/O).

Rose keeps everything below its data folder (``get_user_data_dir()``: ``%LOCALAPPDATA%\\Rose``
on Windows, ``$XDG_DATA_HOME/Rose`` elsewhere):

* ``skins/`` is the injector's ``zips_dir``: ``{champion}/{skin}/{skin}.zip|.fantome`` and
  chromas (and forms) ``{champion}/{skin}/{chroma}/{chroma}.zip|.fantome``;
* ``mods/skins/`` holds custom mods (``{skin_id}/<archive or imported folder>``);
* ``injection/mods/`` is the injector's ``mods_dir``, emptied by Rose before every injection.

Lookups mirror Rose's zip resolver: the exact folder first, then the chroma id in any skin
folder of the champion (Rose finds chromas that way, and a friend may name a chroma as the
skin), then, for a form, Rose's fixed form file names anywhere below ``skins/``. Every path is
built from integers and the names in :mod:`~webrtc_party.rose.forms`; only folders whose names
are digits are entered; the caller checks that a found file lies inside the skins folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from webrtc_party.rose.forms import Form, form_of
from webrtc_party.rose.planning import SKIN_EXTENSIONS

__all__ = ["Candidate", "RoseLayout", "RoseSkinsInjector", "skin_file_candidates"]


class RoseSkinsInjector(Protocol):
    """What Rose's ``SkinInjector`` offers the hook: its two folders."""

    @property
    def mods_dir(self) -> Path: ...

    @property
    def zips_dir(self) -> Path: ...


@dataclass(frozen=True)
class RoseLayout:
    """Rose's skins folder, custom mods folder and injection mods folder."""

    skins: Path
    custom_mods: Path
    mods: Path

    @classmethod
    def from_injector(cls, injector: RoseSkinsInjector) -> RoseLayout:
        """The folders of a Rose injector: ``zips_dir`` is ``<data>/skins``, so custom mods
        are ``<data>/mods/skins`` (Rose's ``ModStorageService`` default)."""
        return cls.from_folders(Path(injector.zips_dir), Path(injector.mods_dir))

    @classmethod
    def from_folders(cls, zips_dir: Path, mods_dir: Path) -> RoseLayout:
        return cls(zips_dir, zips_dir.parent / "mods" / "skins", mods_dir)

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> RoseLayout:
        return cls(data_dir / "skins", data_dir / "mods" / "skins", data_dir / "injection" / "mods")


@dataclass(frozen=True)
class Candidate:
    """A file that may hold the look: ``kind`` is ``form``, ``chroma`` or ``skin``."""

    path: Path
    kind: str


def _numbered(folder: Path, number: int) -> Iterator[Path]:
    stem = str(int(number))
    for ext in SKIN_EXTENSIONS:
        yield folder / f"{stem}{ext}"


def _skin_dirs(champion_dir: Path) -> list[Path]:
    try:
        entries = sorted(champion_dir.iterdir())
    except OSError:
        return []
    return [e for e in entries if e.name.isascii() and e.name.isdigit()]


def _chroma_anywhere(champion_dir: Path, chroma_id: int, first: Path) -> Iterator[Path]:
    """``{champion}/*/{chroma}/{chroma}.ext``, the given skin folder first."""
    for folder in [first, *(d for d in _skin_dirs(champion_dir) if d != first)]:
        yield from _numbered(folder / str(int(chroma_id)), chroma_id)


def _named_form_files(root: Path, form: Form) -> Iterator[Path]:
    wanted = {f"{stem}{ext}".casefold() for stem in form.file_stems for ext in SKIN_EXTENSIONS}
    if not wanted:
        return
    names = [f"{stem}{ext}".casefold() for stem in form.file_stems for ext in SKIN_EXTENSIONS]
    found: list[Path] = []
    for dirpath, _dirs, files in os.walk(root, followlinks=False):
        found += [Path(dirpath, f) for f in files if f.casefold() in wanted]
    # Rose's resolver name first, .zip before .fantome, then by path
    yield from sorted(found, key=lambda p: (names.index(p.name.casefold()), p.as_posix()))


def skin_file_candidates(
    root: Path, champion_id: int, skin_id: int, chroma_id: int | None
) -> Iterator[Candidate]:
    """Files to try for a look, best first (lazily: stop at the first that works).

    ``skin_id``/``chroma_id`` are already normalised (see ``forms.normalize``).
    """
    champion_dir = root / str(int(champion_id))
    skin_dir = champion_dir / str(int(skin_id))
    if chroma_id is not None:
        form = form_of(chroma_id)
        kind = "form" if form is not None else "chroma"
        for path in _chroma_anywhere(champion_dir, chroma_id, skin_dir):
            yield Candidate(path, kind)
        if form is not None:
            for path in _named_form_files(root, form):
                yield Candidate(path, "form")
    for path in _numbered(skin_dir, skin_id):
        yield Candidate(path, "skin")
    # Rose's resolver: a "skin" that is not found as a skin may be a chroma of another one
    for other in _skin_dirs(champion_dir):
        if other != skin_dir:
            for path in _numbered(other / str(int(skin_id)), skin_id):
                yield Candidate(path, "chroma")
