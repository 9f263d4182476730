"""Unpacking hostile archives and folders: names, links, sizes, counts."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webrtc_party.errors import LocalError
from webrtc_party.rose.archive import (
    ArchiveLimits,
    ArchiveRejectedError,
    check_member_name,
    copy_mod_folder,
    extract_archive,
    is_within,
)

from .rose_kit import make_zip, mod_payload, read_payload


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_extracts_a_real_mod(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", mod_payload("skin 1"))
    dest = tmp_path / "out"
    dest.mkdir()
    written = extract_archive(archive, dest)
    assert read_payload(dest) == "payload of skin 1"
    assert files_under(dest) == {"META/info.json", "WAD/Champion.wad.client"}
    assert written == sum(len(v) for v in mod_payload("skin 1").values())


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "WAD/../../evil.txt",
        "/etc/evil.txt",
        "\\\\server\\share\\evil.txt",
        "C:\\Windows\\evil.txt",
        "C:evil.txt",
        "WAD\\..\\..\\evil.txt",
        "file.txt:stream",
        "WAD/CON",
        "WAD/aux.txt",
        "WAD/com1.wad",
        "WAD/trailing.",
        "WAD/trailing ",
    ],
)
def test_unsafe_member_names_reject_the_whole_archive(tmp_path: Path, name: str) -> None:
    members = {**mod_payload("bad"), name: b"owned"}
    archive = make_zip(tmp_path / "skins" / "bad.zip", members)
    dest = tmp_path / "mods" / "out"
    dest.mkdir(parents=True)
    with pytest.raises(ArchiveRejectedError):
        extract_archive(archive, dest)
    assert files_under(dest) == set()  # checked before a byte is written
    assert not any(p.name == "evil.txt" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["WAD/Ahri.wad.client", "./META/info.json", "a/.hidden", "CONx"])
def test_ordinary_member_names_pass(name: str) -> None:
    assert check_member_name(name).parts[-1] == name.split("/")[-1]


def test_zip_bomb_total_size(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", {"WAD/zeros": bytes(4 << 20)})
    assert archive.stat().st_size < 64 << 10  # tiny on disk
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError, match="more than"):
        extract_archive(archive, dest, ArchiveLimits(max_total_bytes=1 << 20))
    assert files_under(dest) == set()


def test_too_many_members(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "many.zip", {f"f{i}": b"x" for i in range(6)})
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError, match="members"):
        extract_archive(archive, dest, ArchiveLimits(max_members=5))


def test_oversize_archive_file(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", {"f": os.urandom(4096)}, deflate=False)
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError, match="bytes"):
        extract_archive(archive, dest, ArchiveLimits(max_archive_bytes=1024))


def test_symlink_member_is_rejected(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("WAD/link")
        info.create_system = 3
        info.external_attr = (0o120777) << 16
        zf.writestr(info, "/etc/passwd")
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError, match="link"):
        extract_archive(archive, dest)


def test_duplicate_member_names_are_rejected(tmp_path: Path) -> None:
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("WAD/a", b"first")
        with pytest.warns(UserWarning):
            zf.writestr("WAD/a", b"second")
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError, match="clashing"):
        extract_archive(archive, dest)


def test_not_a_zip(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip file at all")
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError):
        extract_archive(junk, dest)


def test_folder_copy_and_links_inside_folder(tmp_path: Path) -> None:
    src = tmp_path / "mod"
    (src / "WAD").mkdir(parents=True)
    (src / "WAD" / "Champion.wad.client").write_text("payload of folder")
    dest = tmp_path / "out"
    copy_mod_folder(src, dest)
    assert read_payload(dest) == "payload of folder"

    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (src / "WAD" / "leak").symlink_to(secret)
    with pytest.raises(ArchiveRejectedError, match="link"):
        copy_mod_folder(src, tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_folder_limits(tmp_path: Path) -> None:
    src = tmp_path / "mod"
    src.mkdir()
    for i in range(4):
        (src / f"f{i}").write_bytes(b"x" * 100)
    with pytest.raises(ArchiveRejectedError):
        copy_mod_folder(src, tmp_path / "o1", ArchiveLimits(max_members=3))
    with pytest.raises(ArchiveRejectedError):
        copy_mod_folder(src, tmp_path / "o2", ArchiveLimits(max_total_bytes=300))


def test_is_within(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "escape").symlink_to(outside)
    assert is_within(root, root / "a")
    assert not is_within(root, root / "escape")
    assert not is_within(root, root / "a" / ".." / ".." / "outside")
    assert not is_within(root, root / "missing")


def test_limits_must_be_positive() -> None:
    with pytest.raises(LocalError):
        ArchiveLimits(max_members=0)


@given(st.text())
def test_member_names_either_fail_or_stay_inside(name: str) -> None:
    try:
        rel = check_member_name(name)
    except ArchiveRejectedError:
        return
    assert not rel.is_absolute()
    assert ".." not in rel.parts
    assert all("\\" not in p and ":" not in p and p for p in rel.parts)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(st.text(alphabet="ab./\\:C", min_size=1, max_size=8), max_size=4, unique=True)
)
def test_random_archives_never_write_outside(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    base = tmp_path_factory.mktemp("rand")
    archive = base / "in" / "r.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for name in names:
            zf.writestr(zipfile.ZipInfo(name), b"data")
    dest = base / "jail" / "out"
    dest.mkdir(parents=True)
    try:
        extract_archive(archive, dest)
    except ArchiveRejectedError:
        pass
    outside = {p for p in base.rglob("*") if p.is_file()} - {archive}
    assert all(p.is_relative_to(dest) for p in outside)


def _patch_declared_size(archive: Path, declared: int) -> None:
    """Make the archive's only member claim ``declared`` uncompressed bytes (headers lie)."""
    data = bytearray(archive.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 22 : local + 26] = declared.to_bytes(4, "little")
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    archive.write_bytes(bytes(data))


def test_member_inflating_past_its_declared_size(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "liar.zip", {"WAD/zeros": bytes(2 << 20)})
    _patch_declared_size(archive, 10)  # passes the total-size check on its word...
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError):
        extract_archive(archive, dest, ArchiveLimits(max_total_bytes=1 << 20))
    written = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    assert written <= 10  # ...and never writes more than it declared


def test_corrupt_deflate_stream(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bad.zip", {"WAD/data": os.urandom(1) * 5000})
    data = bytearray(archive.read_bytes())
    start = data.index(b"WAD/data") + len(b"WAD/data")
    data[start : start + 8] = b"\xff" * 8  # garble the start of the compressed stream
    archive.write_bytes(bytes(data))
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ArchiveRejectedError):
        extract_archive(archive, dest)
