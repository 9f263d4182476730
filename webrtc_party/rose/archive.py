"""Careful unpacking of skin archives and mod folders into a mod folder.

A party member chooses which of OUR local files get unpacked, so every archive is treated as
hostile: member names must be plain relative paths (no ``..``, no absolute or drive paths, no
backslash tricks, no symlink entries), and the archive size, the total uncompressed size and the
member count are bounded before a byte is written. Bytes are counted while copying, so a member
that inflates past its declared size is caught too. Folder mods get the same limits and may hold
no links at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from webrtc_party.errors import LocalError

__all__ = [
    "DEFAULT_LIMITS",
    "ArchiveLimits",
    "ArchiveRejectedError",
    "archive_file_digests",
    "check_member_name",
    "copy_mod_folder",
    "extract_archive",
    "is_within",
]

log = logging.getLogger(__name__)

_CHUNK = 1 << 16
_MiB = 1 << 20
# Names Windows maps to devices whatever the extension, and so must never be written.
_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"]
)


class ArchiveRejectedError(LocalError):
    """A local skin archive or mod folder is unsafe or too big to unpack; it was left alone."""

    user_message = (
        "This skin archive or mod folder is unsafe or too big to unpack; it was left alone."
    )


@dataclass(frozen=True)
class ArchiveLimits:
    """Upper bounds for one archive or folder mod."""

    max_archive_bytes: int = 512 * _MiB
    max_total_bytes: int = 1024 * _MiB
    max_members: int = 20_000

    def __post_init__(self) -> None:
        for name in ("max_archive_bytes", "max_total_bytes", "max_members"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ArchiveRejectedError(f"{name} must be a positive integer")


DEFAULT_LIMITS = ArchiveLimits()


def is_within(root: Path, path: Path) -> bool:
    """True if ``path``, with every link resolved, is ``root`` or lies below it."""
    try:
        real_root = root.resolve(strict=True)
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return real == real_root or real.is_relative_to(real_root)


def check_member_name(name: str) -> PurePosixPath:
    """Validate one archive member name and return it as a relative path.

    Backslashes count as separators (Windows would treat them so). Rejects empty names,
    absolute and drive-letter paths, ``..`` components, NUL and ``:`` (alternate data streams),
    and components Windows would alter or map to a device (trailing dot or space, ``CON``...).
    """
    if not name or "\x00" in name:
        raise ArchiveRejectedError("archive member with an empty or NUL-containing name")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or ":" in unified:
        raise ArchiveRejectedError(f"archive member with an absolute path: {name!r}")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ArchiveRejectedError(f"archive member escapes its folder: {name!r}")
    if not parts:
        raise ArchiveRejectedError(f"archive member with no usable name: {name!r}")
    for part in parts:
        if part[-1] in ". " or part.split(".")[0].rstrip(" ").upper() in _DEVICE_NAMES:
            raise ArchiveRejectedError(f"archive member name Windows cannot hold: {name!r}")
    return PurePosixPath(*parts)


def _is_link_entry(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _check_zip(archive: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveRejectedError(
            f"archive has {len(infos)} members, more than the limit of {limits.max_members}"
        )
    total = 0
    for info in infos:
        check_member_name(info.filename)
        if _is_link_entry(info):
            raise ArchiveRejectedError(f"archive member is a link: {info.filename!r}")
        if info.flag_bits & 0x1:
            raise ArchiveRejectedError(f"archive member is encrypted: {info.filename!r}")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRejectedError(
                f"archive unpacks to more than {limits.max_total_bytes} bytes"
            )
    return infos


def _copy_bounded(src: IO[bytes], dst_path: Path, allowed: int) -> int:
    written = 0
    # "xb": never overwrite, so duplicate names (or case clashes on Windows) are refused.
    with dst_path.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > allowed:
                raise ArchiveRejectedError("archive member inflates past its declared size")
            dst.write(chunk)
    return written


def _check_size(archive_path: Path, limits: ArchiveLimits) -> None:
    try:
        size = archive_path.stat().st_size
    except OSError as exc:
        raise ArchiveRejectedError(f"cannot read {archive_path.name}: {exc}") from exc
    if size > limits.max_archive_bytes:
        raise ArchiveRejectedError(
            f"{archive_path.name} is {size} bytes, more than the limit of "
            f"{limits.max_archive_bytes}"
        )


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError)


def archive_file_digests(
    archive_path: Path, limits: ArchiveLimits = DEFAULT_LIMITS
) -> list[tuple[PurePosixPath, int, bytes]]:
    """``(normalised member path, size, raw SHA-256)`` of every file member, in archive order.

    Reads the archive under the same rules and limits as :func:`extract_archive` (directory
    entries are skipped; two members that normalise to one path are refused).
    """
    _check_size(archive_path, limits)
    out: list[tuple[PurePosixPath, int, bytes]] = []
    seen: set[PurePosixPath] = set()
    total = 0
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for info in _check_zip(archive, limits):
                if info.is_dir():
                    continue
                rel = check_member_name(info.filename)
                if rel in seen:
                    raise ArchiveRejectedError(f"archive has two members named {rel}")
                seen.add(rel)
                digest = hashlib.sha256()
                size = 0
                allowed = min(info.file_size, limits.max_total_bytes - total)
                with archive.open(info) as src:
                    while chunk := src.read(_CHUNK):
                        size += len(chunk)
                        if size > allowed:
                            raise ArchiveRejectedError(
                                "archive member inflates past its declared size"
                            )
                        digest.update(chunk)
                total += size
                out.append((rel, size, digest.digest()))
    except _ZIP_ERRORS as exc:
        raise ArchiveRejectedError(f"{archive_path.name} is not a usable archive: {exc}") from exc
    return out


def extract_archive(archive_path: Path, dest: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> int:
    """Unpack a ``.zip``/``.fantome`` into the (new, empty) folder ``dest``; returns bytes.

    Raises :class:`ArchiveRejectedError` (the caller removes ``dest``) on any unsafe content.
    """
    _check_size(archive_path, limits)
    total = 0
    try:
        with zipfile.ZipFile(archive_path) as archive:
            infos = _check_zip(archive, limits)
            for info in infos:
                target = dest.joinpath(*check_member_name(info.filename).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src:
                    allowed = min(info.file_size, limits.max_total_bytes - total)
                    total += _copy_bounded(src, target, allowed)
                if total > limits.max_total_bytes:
                    raise ArchiveRejectedError("archive unpacks past the size limit")
    except _ZIP_ERRORS as exc:
        raise ArchiveRejectedError(f"{archive_path.name} is not a usable archive: {exc}") from exc
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        raise ArchiveRejectedError(f"{archive_path.name} has clashing member names") from exc
    return total


def copy_mod_folder(src: Path, dest: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> int:
    """Copy a folder mod into the (new) folder ``dest``; returns bytes copied.

    The whole tree is checked first: no links anywhere, bounded file count and size.
    """
    files: list[tuple[PurePosixPath, Path]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames) + sorted(filenames):
            entry = here / name
            st = entry.lstat()
            plain = stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)
            if stat.S_ISLNK(st.st_mode) or not plain:
                raise ArchiveRejectedError(f"mod folder holds a link or special file: {name!r}")
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
                files.append((PurePosixPath(entry.relative_to(src).as_posix()), entry))
        if len(files) > limits.max_members:
            raise ArchiveRejectedError(f"mod folder has more than {limits.max_members} files")
        if total > limits.max_total_bytes:
            raise ArchiveRejectedError(f"mod folder is bigger than {limits.max_total_bytes} bytes")
    dest.mkdir(parents=True, exist_ok=True)
    for rel, entry in files:
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry, target, follow_symlinks=False)
    log.debug("copied folder mod %s (%d files, %d bytes)", src.name, len(files), total)
    return total
