"""Custom mod content hashes and the index of the local mods folder."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from webrtc_party.rose.archive import ArchiveLimits, ArchiveRejectedError
from webrtc_party.rose.modindex import (
    CONTENT_HASH_DOMAIN,
    CustomModIndex,
    IndexedMod,
    choose_custom_mod,
    content_hash,
    hash_archive,
    shared_index,
)

from .rose_kit import AHRI, JINX, RoseTree, make_zip, mod_payload


def _expected(files: list[tuple[bytes, bytes]]) -> str:
    expected = hashlib.sha256(CONTENT_HASH_DOMAIN)
    for rel, data in sorted(files):
        expected.update(len(rel).to_bytes(8, "big") + rel)
        expected.update(len(data).to_bytes(8, "big") + hashlib.sha256(data).digest())
    return expected.hexdigest()


def test_archive_hash_is_over_its_members_not_its_bytes(tmp_path: Path) -> None:
    members = mod_payload("custom A")
    stored = make_zip(tmp_path / "a" / "Mine.fantome", members, deflate=False)
    packed = make_zip(tmp_path / "b" / "Other name.zip", dict(reversed(members.items())))
    assert stored.read_bytes() != packed.read_bytes()
    want = _expected([(k.encode(), v) for k, v in members.items()])
    assert content_hash(stored) == content_hash(packed) == want


def test_archive_and_its_unpacked_folder_hash_alike(tmp_path: Path) -> None:
    """Rose imports an archive by unpacking it; container details must not matter."""
    archive = tmp_path / "Arcane Jinx.fantome"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.comment = b"made by a mod tool"
        zf.writestr("META/", b"")  # a directory entry
        zf.writestr(".\\META\\info.json", b'{"Name": "Arcane"}')  # Windows separators
        zf.writestr("WAD/Jinx.wad.client", b"wad bytes")
        zf.writestr("rose_mod_targets.json", b'{"targets": [222002]}')  # Rose's manifest
    folder = tmp_path / "mods" / "skins" / "222000" / "Arcane Ji"  # shortened, as on Windows
    (folder / "META").mkdir(parents=True)
    (folder / "META" / "info.json").write_bytes(b'{"Name": "Arcane"}')
    (folder / "WAD").mkdir()
    (folder / "WAD" / "Jinx.wad.client").write_bytes(b"wad bytes")
    (folder / "empty").mkdir()
    assert content_hash(archive) == content_hash(folder)
    (folder / "WAD" / "extra.bin").write_bytes(b"x")
    assert content_hash(archive) != content_hash(folder)


def test_hostile_archives_have_no_hash(tmp_path: Path) -> None:
    dupes = tmp_path / "dupes.zip"
    with zipfile.ZipFile(dupes, "w") as zf:
        zf.writestr("WAD/a.bin", b"1")
        zf.writestr("WAD\\a.bin", b"2")
    with pytest.raises(ArchiveRejectedError, match="two members"):
        content_hash(dupes)
    evil = make_zip(tmp_path / "evil.zip", {"../escape.bin": b"x"})
    with pytest.raises(ArchiveRejectedError, match="escapes"):
        content_hash(evil)
    big = make_zip(tmp_path / "big.zip", {"a.bin": b"\0" * 5000})
    with pytest.raises(ArchiveRejectedError, match="more than"):
        hash_archive(big, ArchiveLimits(max_total_bytes=4096))
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(ArchiveRejectedError, match="not a usable archive"):
        content_hash(tmp_path / "junk.zip")


def test_shared_index_outlives_its_users(tmp_path: Path) -> None:
    tree = RoseTree(tmp_path)
    tree.add_custom_archive(103015, "Mine.zip", "custom A")
    first = shared_index(tree.custom)
    assert shared_index(tree.custom / ".") is first
    assert shared_index(tree.custom, ArchiveLimits(max_members=5)) is not first
    first.scan()
    computed = first.hashes_computed
    shared_index(tree.custom).scan()
    assert first.hashes_computed == computed == 1


def test_folder_hash_follows_the_documented_definition(tmp_path: Path) -> None:
    folder = tmp_path / "mod"
    (folder / "WAD").mkdir(parents=True)
    (folder / "empty-dir").mkdir()
    (folder / "WAD" / "b.bin").write_bytes(b"bee")
    (folder / "META.json").write_bytes(b"{}")
    (folder / "rose_mod_targets.json").write_bytes(b"{}")  # Rose's manifest: not content
    want = _expected([(b"META.json", b"{}"), (b"WAD/b.bin", b"bee")])
    assert content_hash(folder) == want


def test_folder_hash_depends_on_names_and_content(tmp_path: Path) -> None:
    tree = RoseTree(tmp_path)
    a = tree.add_custom_folder(103015, "A", "same")
    b = tree.add_custom_folder(103016, "B", "same")
    assert content_hash(a) == content_hash(b)  # folder name and location do not count
    (b / "WAD" / "Champion.wad.client").write_text("different")
    assert content_hash(a) != content_hash(b)
    (b / "WAD" / "Champion.wad.client").rename(b / "WAD" / "Other.wad.client")
    (b / "WAD" / "Other.wad.client").write_text("payload of same")
    assert content_hash(a) != content_hash(b)


def test_index_finds_by_hash_for_the_champion_only(tmp_path: Path) -> None:
    tree = RoseTree(tmp_path)
    mine = tree.add_custom_archive(103015, "Mine.zip", "custom A")
    tree.add_custom_archive(222002, "Jinx.zip", "custom A")  # same bytes, other champion
    tree.add_custom_archive(103015, "notes.txt", "ignored")  # wrong extension
    index = CustomModIndex(tree.custom)
    wanted = content_hash(mine)
    found = index.find(wanted, AHRI, 103015)
    assert found is not None and found.path == mine
    jinx = index.find(wanted, JINX, 222002)
    assert jinx is not None and jinx.path.parent.name == "222002"
    assert index.find("00" * 32, AHRI, 103015) is None
    assert [e.path.name for e in index.scan()] == ["Mine.zip", "Jinx.zip"]


def test_index_caches_hashes_until_a_file_changes(tmp_path: Path) -> None:
    tree = RoseTree(tmp_path)
    path = tree.add_custom_archive(103015, "Mine.zip", "custom A")
    folder = tree.add_custom_folder(103015, "Folder", "custom F")
    index = CustomModIndex(tree.custom)
    index.scan()
    assert index.hashes_computed == 2
    index.scan()
    index.scan(AHRI)
    assert index.hashes_computed == 2
    tree.add_custom_archive(103015, "Mine.zip", "custom B, longer")
    os.utime(path, ns=(1, 1))
    index.scan()
    assert index.hashes_computed == 3
    (folder / "WAD" / "extra").write_bytes(b"new file")
    entries = index.scan()
    assert index.hashes_computed == 4
    assert {e.content_hash for e in entries} == {content_hash(path), content_hash(folder)}
    path.unlink()
    assert [e.path for e in index.scan()] == [folder]
    assert index.hashes_computed == 4


def test_links_are_never_indexed(tmp_path: Path) -> None:
    tree = RoseTree(tmp_path)
    outside = make_zip(tmp_path / "outside.zip", mod_payload("outside"))
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (tree.custom / "103015").mkdir()
    (tree.custom / "103015" / "link.zip").symlink_to(outside)
    (tree.custom / "103015" / "linkdir").symlink_to(secret_dir)
    (tree.custom / "103016").symlink_to(secret_dir)
    folder = tree.add_custom_folder(103015, "Leaky", "x")
    (folder / "leak").symlink_to(outside)
    assert CustomModIndex(tree.custom).scan(AHRI) == []


def test_choose_prefers_the_members_own_skin_folder() -> None:
    h = "cd" * 32
    entries = [
        IndexedMod(Path("/m/103001/a.zip"), 103001, h),
        IndexedMod(Path("/m/103015/z.zip"), 103015, h),
        IndexedMod(Path("/m/103015/b.zip"), 103015, "ef" * 32),
    ]
    got = choose_custom_mod(entries, h, AHRI, 103015)
    assert got is not None and got.path.name == "z.zip"
    got = choose_custom_mod(entries, h, AHRI, 103099)
    assert got is not None and got.path.name == "a.zip"
    assert choose_custom_mod(entries, h, JINX, 222002) is None
