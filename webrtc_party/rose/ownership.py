"""Which folders in Rose's mods directory the party hook created, and their removal.

Rose's mods directory also holds Rose's own extracted skin. The hook writes the name of every
folder it is about to create into a ledger file (``.webrtc-party-mods``) in that directory
*before* creating it, so a crash mid-extraction still leaves a trace. Removal honours a ledger
line only if it is a name the hook could have produced (``party-<12 hex>-<champion>``): a
damaged or edited ledger cannot point the hook at anything else. Links are unlinked, never
followed.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

from webrtc_party.rose.planning import is_party_mod_name

__all__ = ["LEDGER_NAME", "OwnedFolders"]

log = logging.getLogger(__name__)

LEDGER_NAME = ".webrtc-party-mods"


class OwnedFolders:
    """The ledger of party mod folders in one mods directory (thread-safe)."""

    def __init__(self, mods_dir: Path) -> None:
        self._mods_dir = mods_dir
        self._ledger = mods_dir / LEDGER_NAME
        self._lock = threading.Lock()

    @property
    def mods_dir(self) -> Path:
        return self._mods_dir

    def names(self) -> list[str]:
        """Ledger names that are valid party mod folder names, deduplicated, in order."""
        with self._lock:
            return self._read()

    def _read(self) -> list[str]:
        try:
            text = self._ledger.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.warning("cannot read the party mods ledger: %s", exc)
            return []
        seen: dict[str, None] = {}
        for line in text.splitlines():
            name = line.strip()
            if is_party_mod_name(name):
                seen.setdefault(name, None)
        return list(seen)

    def _write(self, names: list[str]) -> None:
        self._mods_dir.mkdir(parents=True, exist_ok=True)
        tmp = self._ledger.with_name(LEDGER_NAME + ".tmp")
        tmp.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
        os.replace(tmp, self._ledger)

    def claim(self, name: str) -> None:
        """Record ``name`` as ours before the folder is created."""
        if not is_party_mod_name(name):
            raise ValueError(f"not a party mod folder name: {name!r}")
        with self._lock:
            names = self._read()
            if name not in names:
                self._write([*names, name])

    def owns(self, name: str) -> bool:
        with self._lock:
            return name in self._read()

    def remove(self, name: str) -> bool:
        """Delete one of our folders (if present); True when nothing of it is left."""
        with self._lock:
            gone = self._delete(name)
            if gone:
                self._write([n for n in self._read() if n != name])
            return gone

    def remove_all(self) -> list[str]:
        """Delete every folder the ledger lists; returns the names actually removed."""
        with self._lock:
            removed: list[str] = []
            kept: list[str] = []
            for name in self._read():
                existed = os.path.lexists(self._mods_dir / name)
                if self._delete(name):
                    if existed:
                        removed.append(name)
                else:
                    kept.append(name)
            if removed or kept or self._ledger.exists():
                self._write(kept)
            return removed

    def _delete(self, name: str) -> bool:
        path = self._mods_dir / name
        try:
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)
        except OSError as exc:
            log.warning("cannot remove party mod folder %s: %s", name, exc)
            return False
        return not os.path.lexists(path)
