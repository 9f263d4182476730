"""The hook's Rose facts checked against Rose's own modules (needs ``ROSE_SRC``).

Each check runs in a child process with Rose's source on ``sys.path`` (Rose's logging setup
replaces the root handlers, and its top-level packages must not leak into this process):

* Rose's ``ZipResolver`` and our lookups find the same file for skins, chromas, a chroma named
  as a skin, and every form (chroma layout and Rose's form file names);
* a mod imported by Rose's ``ModStorageService`` (unpacked into a folder, name shortened for
  Windows' path limit, targets in ``rose_mod_targets.json``) has the content hash of its ZIP;
* Rose's ``setup_logging`` writes the hook's WARNING about a friend into Rose's log file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from webrtc_party.rose.forms import FORMS

ROSE_SRC = os.environ.get("ROSE_SRC")
pytestmark = pytest.mark.skipif(
    not ROSE_SRC or not Path(ROSE_SRC, "injection", "mods", "zip_resolver.py").is_file(),
    reason="set ROSE_SRC to a Rose checkout (commit 59922fc) to check the hook against Rose",
)
WORKTREE = Path(__file__).resolve().parents[2]

PRELUDE = """
import json, sys, zipfile
from pathlib import Path
sys.path.insert(0, {worktree!r})
sys.path.append({rose!r})
out = {{}}
base = Path({base!r})

def mkzip(path, members):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path
"""


def run_with_rose(tmp_path: Path, body: str) -> Any:
    prelude = PRELUDE.format(worktree=str(WORKTREE), rose=ROSE_SRC, base=str(tmp_path))
    script = prelude + textwrap.dedent(body) + "\nprint(json.dumps(out))\n"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_rose_zip_resolver_and_our_lookups_find_the_same_files(tmp_path: Path) -> None:
    got = run_with_rose(
        tmp_path,
        """
        from injection.mods.zip_resolver import ZipResolver
        from webrtc_party.rose.forms import FORMS
        from webrtc_party.rose.layout import skin_file_candidates

        def ours(root, champion, skin, chroma):
            for c in skin_file_candidates(root, champion, skin, chroma):
                if c.path.is_file():
                    return str(c.path)
            return None

        def fresh(name):
            root = base / name / "skins"
            root.mkdir(parents=True)
            return root

        root = fresh("plain")
        mkzip(root / "222/222002/222002.zip", {"a": b"skin"})
        mkzip(root / "238/238001/238004/238004.zip", {"a": b"chroma"})
        mkzip(root / "238/238001/238001.fantome", {"a": b"skin"})
        rose = ZipResolver(root)
        out["skin"] = [str(rose.resolve_zip("skin_222002", champion_id=222)),
                       ours(root, 222, 222002, None)]
        out["chroma"] = [str(rose.resolve_zip("chroma_238004", champion_id=238)),
                         ours(root, 238, 238001, 238004)]
        out["fantome"] = [str(rose.resolve_zip("skin_238001", champion_id=238)),
                          ours(root, 238, 238001, None)]
        out["chroma as skin"] = [str(rose.resolve_zip("skin_238004", champion_id=238)),
                                 ours(root, 238, 238004, None)]
        for form in FORMS.values():
            champ = form.champion_id
            root = fresh(f"chroma-layout-{form.form_id}")
            mkzip(root / f"{champ}/{form.base_skin_id}/{form.form_id}/{form.form_id}.zip",
                  {"a": b"form"})
            rose = ZipResolver(root)
            out[f"form {form.form_id} as chroma"] = [
                str(rose.resolve_zip(f"chroma_{form.form_id}", champion_id=champ)),
                ours(root, champ, form.base_skin_id, form.form_id)]
            if form.file_stems:
                root = fresh(f"named-{form.form_id}")
                mkzip(root / "Some Champion" / "Forms" / f"{form.file_stems[0]}.zip",
                      {"a": b"form"})
                rose = ZipResolver(root)
                out[f"form {form.form_id} by name"] = [
                    str(rose.resolve_zip("A Skin Name", chroma_id=form.form_id,
                                         champion_id=champ)),
                    ours(root, champ, form.base_skin_id, form.form_id)]
        """,
    )
    named = [f for f in FORMS.values() if f.file_stems]
    assert len(FORMS) == 25 and len(named) == 19  # Viego's six forms have no file name
    assert len(got) == 4 + len(FORMS) + len(named)
    for case, (rose, ours) in got.items():
        assert rose != "None", case
        assert rose == ours, case


def test_a_mod_imported_by_rose_hashes_like_its_zip(tmp_path: Path) -> None:
    got = run_with_rose(
        tmp_path,
        """
        from injection.mods.storage import ModStorageService
        from webrtc_party.rose.modindex import CustomModIndex, content_hash

        # an asset path that leaves room for a 20-character folder name under Windows' limit
        room = 259 - len(str(base / "Rose" / "mods" / "skins" / "222000")) - 2 - 20
        deep = "WAD/" + "d" * (room - len("WAD/") - len("/jinx.bin")) + "/jinx.bin"
        members = {"META/info.json": b'{"Name": "Arcane"}', deep: b"bin", "WAD/a.wad": b"w"}
        archive = mkzip(base / "downloads" / ("Arcane Jinx by somebody " * 4 + ".zip"),
                        members)
        storage = ModStorageService(mods_root=base / "Rose" / "mods")
        folder, manifest, name = storage.import_mod_file(222, archive, [222002])
        found = CustomModIndex(base / "Rose" / "mods" / "skins").find(
            content_hash(archive), 222, 222002)
        out.update(
            zip_hash=content_hash(archive),
            folder_hash=content_hash(folder),
            folder=str(folder),
            stem=archive.stem,
            name=name,
            manifest=manifest.name,
            found=None if found is None else str(found.path),
            listed=[str(e.path) for e in storage.list_mods_for_skin(222002)],
        )
        """,
    )
    assert got["manifest"] == "rose_mod_targets.json"
    assert got["name"] != got["stem"]  # Rose shortened the folder name for Windows
    assert got["zip_hash"] == got["folder_hash"]
    assert got["found"] == got["folder"]
    assert got["listed"] == [got["folder"]]  # Rose itself lists the folder for the skin


def test_the_hooks_warning_reaches_roses_log_file(tmp_path: Path) -> None:
    got = run_with_rose(
        tmp_path,
        """
        import logging
        from utils.core.logging import setup_logging
        from utils.core.paths import get_user_data_dir
        from webrtc_party.rose import PartyInjectionHook, PartySkin, TeamView

        setup_logging("customer")  # Rose's default mode: INFO and up into the file

        class Manager:
            enabled = True
            def get_party_skins(self):
                return [PartySkin("p1", 1, "Jinx Enjoyer#EUW", 222, 222002)]
            def get_team_view(self):
                return TeamView.classic("me", 103, {"p1": 222})
            def publish_injection_report(self, report):
                out["published"] = [o.status.value for o in report.outcomes]

        class Injector:
            zips_dir = get_user_data_dir() / "skins"
            mods_dir = get_user_data_dir() / "injection" / "mods"

        hook = PartyInjectionHook(Manager(), object(), object())
        out["names"] = hook.prepare_party_mods(Injector())
        logging.shutdown()
        logs = sorted((get_user_data_dir() / "logs").glob("rose_*.log"))
        out["log"] = logs[-1].read_text(encoding="utf-8") if logs else ""
        """,
    )
    assert got["names"] == [] and got["published"] == ["missing-locally"]
    line = next(x for x in got["log"].splitlines() if "[PARTY]" in x)
    assert "'Jinx Enjoyer#EUW'" in line and "skin 222002 is not installed on this PC" in line
