"""Content hashes of custom mods, and an index of the local mods folder keyed by them.

Friends name a custom mod by the hash of its content, never by a path. Rose keeps a custom mod
as a ``.zip``/``.fantome`` file or as the folder it unpacked on import (its files exactly as
the archive's members), so the hash is defined over the *content* and is the same for the
archive and its unpacked folder:

* the files of the mod, each as (relative POSIX path, bytes): an archive's file members with
  their names normalised as for unpacking (backslashes are separators, ``.`` and empty
  components dropped), or a folder's regular files below it;
* files named ``rose_mod_targets.json`` or ``rose_wad_targets.json`` (Rose's manifests) are
  left out at any depth; directory entries, empty folders, timestamps, compression, comments,
  and the archive's or folder's own name do not count. Rose shortens an imported folder's
  name to fit Windows' 260-character paths (``ModStorageService._choose_archive_destination``)
  and adds `` (2)`` on clashes; since the name is not hashed, the hash survives that;
* hash: SHA-256 over ``b"webrtc-party mod content v2\n"`` followed, for every file in order
  of its path's UTF-8 bytes, by the path's UTF-8 length as 8 big-endian bytes, the path, the
  file size as 8 big-endian bytes and the file's raw 32-byte SHA-256; 64 lowercase hex digits.

A folder holding any link has no hash (it is never offered); an archive is read under the
limits of :mod:`~webrtc_party.rose.archive` (it may be hostile). The index walks
``mods/skins/{skin_id}/<entry>`` and remembers each hash under ``(path, size, stamp)``
(``stamp``: a file's mtime in ns, or a digest of a folder's (path, size, mtime) list), so
unchanged mods are not hashed again. :func:`shared_index` keeps one index per folder for the
life of the process: Rose builds a new hook for every injection, the cache outlives it.
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

from webrtc_party.rose.archive import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    ArchiveRejectedError,
    archive_file_digests,
    is_within,
)
from webrtc_party.rose.planning import SKIN_EXTENSIONS

__all__ = [
    "CONTENT_HASH_DOMAIN",
    "IGNORED_FILE_NAMES",
    "CustomModIndex",
    "IndexedMod",
    "choose_custom_mod",
    "content_hash",
    "hash_archive",
    "hash_folder",
    "shared_index",
]

log = logging.getLogger(__name__)

CONTENT_HASH_DOMAIN = b"webrtc-party mod content v2\n"
IGNORED_FILE_NAMES = frozenset({"rose_mod_targets.json", "rose_wad_targets.json"})
_CHUNK = 1 << 20


def _file_sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def _ignored(rel: bytes) -> bool:
    return rel.rsplit(b"/", 1)[-1].decode("utf-8", "replace") in IGNORED_FILE_NAMES


def _digest(files: Iterable[tuple[bytes, int, bytes]]) -> str:
    digest = hashlib.sha256(CONTENT_HASH_DOMAIN)
    for rel, size, file_digest in sorted(f for f in files if not _ignored(f[0])):
        digest.update(len(rel).to_bytes(8, "big"))
        digest.update(rel)
        digest.update(size.to_bytes(8, "big"))
        digest.update(file_digest)
    return digest.hexdigest()


def hash_archive(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> str:
    """Content hash of a mod archive (see the module docstring); ArchiveRejectedError if the
    archive is unusable or breaks the limits."""
    return _digest(
        (rel.as_posix().encode("utf-8", "surrogateescape"), size, sha)
        for rel, size, sha in archive_file_digests(path, limits)
    )


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
    return _digest(
        (rel, st.st_size, _file_sha256(path)) for rel, path, st in _folder_files(folder)
    )


def content_hash(path: Path) -> str:
    """Content hash of a custom mod, archive or folder; use it to announce our own choice.

    The same mod gives the same hash as a ``.zip``, a ``.fantome`` or the folder Rose unpacked
    it into. Raises OSError or ArchiveRejectedError for a mod that cannot be read safely.
    """
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
            if entry.name.startswith("."):  # Rose's half-done imports (.rose-import-*)
                return None
            stamp = self._stamp(entry)
            if stamp is None:
                return None
            key = (str(entry), *stamp)
            digest = self._cache.get(key)
            if digest is None:
                digest = hash_folder(entry) if entry.is_dir() else hash_archive(entry, self._limits)
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


_SHARED: dict[tuple[str, ArchiveLimits], CustomModIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared_index(root: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> CustomModIndex:
    """The process-wide index of the custom mods folder ``root`` (one per folder and limits),
    so its hash cache outlives the short-lived hooks Rose builds per injection."""
    key = (os.path.abspath(root), limits)
    with _SHARED_LOCK:
        index = _SHARED.get(key)
        if index is None:
            index = _SHARED[key] = CustomModIndex(root, limits)
        return index
