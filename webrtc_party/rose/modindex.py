"""Content hashes of custom mods, and an index of the local mods folder keyed by them.

Friends name a custom mod by the hash of its content, never by a path. The hash is defined as:

* a ``.zip`` or ``.fantome`` file: the SHA-256 of the file's bytes, as 64 lowercase hex digits;
* a folder: the SHA-256 of the domain tag ``b"webrtc-party folder mod v1\\n"`` followed, for
  every regular file below the folder in order of its relative POSIX path (compared as UTF-8
  bytes), by: the path's UTF-8 length as 8 big-endian bytes, the path bytes, the file size as 8
  big-endian bytes, and the raw 32-byte SHA-256 of the file. Empty folders do not count; a
  folder holding any link has no hash (it is never offered).

The index walks ``mods/skins/{skin_id}/<entry>`` and remembers each hash under
``(path, size, stamp)`` (``stamp``: the file's mtime in ns, or a digest of a folder's
(path, size, mtime) list) so unchanged mods are not hashed again every game.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from webrtc_party.rose.archive import DEFAULT_LIMITS, ArchiveLimits, ArchiveRejectedError, is_within
from webrtc_party.rose.planning import SKIN_EXTENSIONS

__all__ = [
    "FOLDER_HASH_DOMAIN",
    "CustomModIndex",
    "IndexedMod",
    "choose_custom_mod",
    "content_hash",
    "hash_archive",
    "hash_folder",
]

log = logging.getLogger(__name__)

FOLDER_HASH_DOMAIN = b"webrtc-party folder mod v1\n"
_CHUNK = 1 << 20


def _file_sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def hash_archive(path: Path) -> str:
    """Content hash of a mod archive: SHA-256 of its bytes, lowercase hex."""
    return _file_sha256(path).hex()


def _folder_files(folder: Path) -> list[tuple[bytes, Path, os.stat_result]]:
    """Regular files below ``folder`` as (relative POSIX path bytes, path, stat), sorted."""
    found: list[tuple[bytes, Path, os.stat_result]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in dirnames + filenames:
            entry = here / name
            st = entry.lstat()
            if stat.S_ISLNK(st.st_mode):
                raise ArchiveRejectedError(f"mod folder {folder.name!r} holds a link")
            if stat.S_ISREG(st.st_mode):
                rel = entry.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
                found.append((rel, entry, st))
    found.sort(key=lambda item: item[0])
    return found


def hash_folder(folder: Path) -> str:
    """Content hash of a folder mod (see the module docstring for the exact definition)."""
    digest = hashlib.sha256(FOLDER_HASH_DOMAIN)
    for rel, path, st in _folder_files(folder):
        digest.update(len(rel).to_bytes(8, "big"))
        digest.update(rel)
        digest.update(st.st_size.to_bytes(8, "big"))
        digest.update(_file_sha256(path))
    return digest.hexdigest()


def content_hash(path: Path) -> str:
    """Content hash of a custom mod, archive or folder; use it to announce our own choice."""
    return hash_folder(path) if path.is_dir() else hash_archive(path)


@dataclass(frozen=True)
class IndexedMod:
    """One local custom mod: where it is, which skin folder holds it, its content hash."""

    path: Path
    skin_id: int
    content_hash: str

    @property
    def is_folder(self) -> bool:
        return self.path.is_dir()


def choose_custom_mod(
    entries: Iterable[IndexedMod], wanted_hash: str, champion_id: int, skin_id: int
) -> IndexedMod | None:
    """Pick the local mod for a member's hash: only mods filed under a skin of the member's
    champion qualify; one filed under the member's own skin wins, then the first by path."""
    matches = [
        e for e in entries if e.content_hash == wanted_hash and e.skin_id // 1000 == champion_id
    ]
    if not matches:
        return None
    matches.sort(key=lambda e: (e.skin_id != skin_id, e.path.as_posix()))
    return matches[0]


class CustomModIndex:
    """Thread-safe index of ``mods/skins`` by content hash, with a hash cache."""

    def __init__(self, root: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
        self._root = root
        self._limits = limits
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int, int | str], str] = {}
        self.hashes_computed = 0

    @property
    def root(self) -> Path:
        return self._root

    def _stamp(self, entry: Path) -> tuple[int, int | str] | None:
        """(size, stamp) for the cache key, or None if the entry must not be indexed."""
        st = entry.lstat()
        if stat.S_ISREG(st.st_mode):
            if entry.suffix.lower() not in SKIN_EXTENSIONS:
                return None
            if st.st_size > self._limits.max_archive_bytes:
                log.info("custom mod %s is too big to offer", entry.name)
                return None
            return st.st_size, st.st_mtime_ns
        if stat.S_ISDIR(st.st_mode):
            files = _folder_files(entry)
            listing = hashlib.sha256()
            total = 0
            for rel, _path, fst in files:
                total += fst.st_size
                listing.update(b"%d:%s:%d:%d\n" % (len(rel), rel, fst.st_size, fst.st_mtime_ns))
            if total > self._limits.max_total_bytes or len(files) > self._limits.max_members:
                log.info("custom mod folder %s is too big to offer", entry.name)
                return None
            return total, listing.hexdigest()
        return None  # links and special files are never offered

    def scan(self, champion_id: int | None = None) -> list[IndexedMod]:
        """Index every mod (or only those filed under skins of ``champion_id``)."""
        with self._lock:
            return self._scan_locked(champion_id)

    def _scan_locked(self, champion_id: int | None) -> list[IndexedMod]:
        found: list[IndexedMod] = []
        try:
            skin_dirs = sorted(self._root.iterdir())
        except OSError:
            return found
        for skin_dir in skin_dirs:
            if not skin_dir.name.isdigit() or not skin_dir.name.isascii():
                continue
            skin_id = int(skin_dir.name)
            if champion_id is not None and skin_id // 1000 != champion_id:
                continue
            if skin_dir.is_symlink() or not skin_dir.is_dir():
                continue
            try:
                entries = sorted(skin_dir.iterdir())
            except OSError as exc:
                log.info("custom mods of skin %d not readable: %s", skin_id, exc)
                continue
            for entry in entries:
                indexed = self._index_entry(entry, skin_id)
                if indexed is not None:
                    found.append(indexed)
        if champion_id is None:  # a full scan: forget mods that are gone
            seen = {str(e.path) for e in found}
            self._cache = {k: v for k, v in self._cache.items() if k[0] in seen}
        return found

    def _index_entry(self, entry: Path, skin_id: int) -> IndexedMod | None:
        try:
            if not is_within(self._root, entry):
                return None
            stamp = self._stamp(entry)
            if stamp is None:
                return None
            key = (str(entry), *stamp)
            digest = self._cache.get(key)
            if digest is None:
                digest = content_hash(entry)
                self.hashes_computed += 1
                self._cache = {k: v for k, v in self._cache.items() if k[0] != key[0]}
                self._cache[key] = digest
        except (OSError, ArchiveRejectedError) as exc:
            log.info("custom mod %s not indexed: %s", entry.name, exc)
            return None
        return IndexedMod(entry, skin_id, digest)

    def find(self, wanted_hash: str, champion_id: int, skin_id: int) -> IndexedMod | None:
        """The local mod with this content hash for this champion, or None."""
        return choose_custom_mod(self.scan(champion_id), wanted_hash, champion_id, skin_id)
