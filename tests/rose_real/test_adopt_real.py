"""``webrtc-party rose adopt`` on a copy of Rose's real checkout (ROSE_SRC)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.rose_real.host_kit import WORKTREE, rose_src
from webrtc_party.rose.adopt import (
    DEFAULT_SKIN_FILE,
    DEFAULT_SKIN_MARKER,
    HOOK_FILE,
    MANAGER_FILE,
    PLUGIN_DIR,
    SWIFTPLAY_FILE,
    SWIFTPLAY_MARKER,
    Action,
    adopt,
)


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def copy(tmp_path: Path) -> Path:
    src = rose_src()
    assert src is not None
    dest = tmp_path / "Rose"
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    return dest


def test_adopting_real_rose_changes_exactly_four_paths(tmp_path: Path) -> None:
    rose = copy(tmp_path)
    before = digests(rose)
    changes = adopt(rose, swiftplay=True)
    assert [(c.path, c.action) for c in changes] == [
        (MANAGER_FILE, Action.WRITE),
        (HOOK_FILE, Action.WRITE),
        (PLUGIN_DIR, Action.REPLACE),
        (SWIFTPLAY_FILE, Action.PATCH),
    ]
    after = digests(rose)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    plugin = {k for k in changed if k.startswith(f"{PLUGIN_DIR}/")}
    assert changed - plugin == {str(MANAGER_FILE), str(HOOK_FILE), str(SWIFTPLAY_FILE)}
    assert (rose / SWIFTPLAY_FILE).read_text().count(SWIFTPLAY_MARKER) == 1
    compile((rose / SWIFTPLAY_FILE).read_text(), str(SWIFTPLAY_FILE), "exec")
    assert {c.action for c in adopt(rose, swiftplay=True)} == {Action.UNCHANGED}
    assert digests(rose) == after


def test_both_optional_patches_on_real_rose_are_one_insertion_each(tmp_path: Path) -> None:
    rose = copy(tmp_path)
    before = (rose / DEFAULT_SKIN_FILE).read_text()
    changes = adopt(rose, swiftplay=True, default_skin=True)
    assert [(c.path, c.action) for c in changes][3:] == [
        (SWIFTPLAY_FILE, Action.PATCH),
        (DEFAULT_SKIN_FILE, Action.PATCH),
    ]
    after = (rose / DEFAULT_SKIN_FILE).read_text()
    assert after.count(DEFAULT_SKIN_MARKER) == 1
    compile(after, str(DEFAULT_SKIN_FILE), "exec")
    old, new = before.splitlines(), after.splitlines()
    at = next(i for i, line in enumerate(new) if DEFAULT_SKIN_MARKER in line)
    assert "skipping injection for default skin" in new[at - 1]
    added = len(new) - len(old)
    assert new[:at] == old[:at] and new[at + added :] == old[at:]  # nothing else moved
    assert added <= 12
    assert {c.action for c in adopt(rose, swiftplay=True, default_skin=True)} == {
        Action.UNCHANGED
    }


def test_roses_party_packages_import_with_the_adopted_files(tmp_path: Path) -> None:
    """Rose's own party/__init__ and party/integration/__init__ (which imports ui_bridge) still
    import, and hand out our classes, in a fresh interpreter with the copy on sys.path."""
    rose = copy(tmp_path)
    adopt(rose, swiftplay=True, default_skin=True)
    probe = (
        "import json, party, party.core, party.integration, "
        "threads.handlers.swiftplay_handler, threads.handlers.injection_trigger;"
        "from party.core.party_manager import PartyManager as P;"
        "from party.integration.injection_hook import PartyInjectionHook as H;"
        "print(json.dumps([P.__module__, H.__module__, party.PartyManager is P]))"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(rose), str(WORKTREE)]),
               XDG_DATA_HOME=str(tmp_path / "xdg"))
    out = subprocess.run([sys.executable, "-c", probe], cwd=rose, env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert modules[2] is True
    assert all(m.startswith("webrtc_party.rose") for m in modules[:2]), modules
