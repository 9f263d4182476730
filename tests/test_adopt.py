"""``webrtc-party rose adopt``: on a small Rose-shaped folder written here (CI has no Rose).

The folder holds only the lines adoption looks for, written for this test; the run against
Rose's real checkout is in tests/rose_real/test_adopt_real.py (under ROSE_SRC).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar

import pytest

from webrtc_party.cli.common import EXIT_LOCAL, EXIT_OK
from webrtc_party.cli.main import main
from webrtc_party.rose.adopt import (
    HOOK_FILE,
    MANAGER_FILE,
    PLUGIN_DIR,
    SWIFTPLAY_FILE,
    SWIFTPLAY_MARKER,
    Action,
    AdoptError,
    adopt,
    module_text,
    patch_swiftplay,
    plugin_files,
)

HANDLER = """\
import logging

log = logging.getLogger(__name__)


class Handler:
    def __init__(self, state, injection_manager):
        self.state = state
        self.injection_manager = injection_manager
        self.ran = []

    def trigger_swiftplay_injection(self):
        if not self.state.swiftplay_skin_tracking:
            log.warning("[phase] No tracked skins - cannot trigger injection")
            return
        tracked = dict(self.state.swiftplay_skin_tracking)
        if not tracked:
            log.warning("[phase] No tracked skins for active champions - cannot trigger injection")
            return
        extracted_mods = [str(skin) for skin in tracked.values() if skin % 1000]
        if not extracted_mods:
            log.warning("[phase] No mods extracted - cannot inject")
            return
        self.state.swiftplay_extracted_mods = extracted_mods

    def run_swiftplay_overlay(self):
        extracted_mods = list(self.state.swiftplay_extracted_mods)
        if extracted_mods:
            log.info(f"[phase] Running overlay injection for {len(extracted_mods)} mod(s): x")

            result = self.injection_manager.injector._mk_run_overlay(
                extracted_mods,
                timeout=60,
            )
            self.ran.append(result)

    def other(self):
        return None
"""


def make_rose(root: Path, handler: str = HANDLER) -> Path:
    files = {
        "main.py": "from main import main\n",
        "pengu/communication/message_handler.py":
            "from party.core.party_manager import PartyManager\n",
        "injection/core/manager.py": "from party.integration.injection_hook import "
        "PartyInjectionHook\n",
        "threads/handlers/injection_trigger.py": "from party.integration.injection_hook import "
        "PartyInjectionHook\n",
        "threads/handlers/swiftplay_handler.py": handler,
        "party/core/party_manager.py": "class PartyManager:\n    pass\n",
        "party/integration/injection_hook.py": "class PartyInjectionHook:\n    pass\n",
        "Pengu Loader/plugins/ROSE-PartyMode/index.js": "// Rose's own panel\n",
        "Pengu Loader/plugins/ROSE-PartyMode/old.css": "/* gone after adoption */\n",
        "Pengu Loader/plugins/ROSE-SkinMonitor/index.js": "// untouched\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return root


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_adopt_writes_the_two_imports_and_our_plugin(tmp_path: Path) -> None:
    rose = make_rose(tmp_path / "Rose")
    before = tree(rose)
    changes = adopt(rose)
    assert [(c.path, c.action) for c in changes] == [
        (MANAGER_FILE, Action.WRITE),
        (HOOK_FILE, Action.WRITE),
        (PLUGIN_DIR, Action.REPLACE),
    ]
    assert (rose / MANAGER_FILE).read_text() == module_text("PartyManager")
    assert (rose / HOOK_FILE).read_text() == module_text("PartyInjectionHook")
    ns: dict[str, object] = {}
    exec(compile((rose / MANAGER_FILE).read_text(), "pm", "exec"), ns)
    from webrtc_party.rose import PartyInjectionHook, PartyManager

    assert ns["PartyManager"] is PartyManager
    ns = {}
    exec(compile((rose / HOOK_FILE).read_text(), "hook", "exec"), ns)
    assert ns["PartyInjectionHook"] is PartyInjectionHook
    plugin = rose / PLUGIN_DIR
    ours = plugin_files()
    assert {p.relative_to(plugin).as_posix() for p in plugin.rglob("*") if p.is_file()} == {
        str(k) for k in ours
    }
    for rel, data in ours.items():
        assert (plugin / rel).read_bytes() == data
    after = tree(rose)
    touched = {str(MANAGER_FILE), str(HOOK_FILE)} | {
        k for k in before.keys() | after.keys() if k.startswith(str(PLUGIN_DIR) + "/")
    }
    assert {k: v for k, v in before.items() if k not in touched} == {
        k: v for k, v in after.items() if k not in touched
    }
    assert not list(plugin.parent.glob("*webrtc-party-new*"))


def test_adopt_twice_changes_nothing(tmp_path: Path) -> None:
    rose = make_rose(tmp_path / "Rose")
    adopt(rose, swiftplay=True)
    once = tree(rose)
    again = adopt(rose, swiftplay=True)
    assert {c.action for c in again} == {Action.UNCHANGED}
    assert len(again) == 4
    assert tree(rose) == once


def test_dry_run_says_and_changes_nothing(tmp_path: Path) -> None:
    rose = make_rose(tmp_path / "Rose")
    before = tree(rose)
    changes = adopt(rose, swiftplay=True, dry_run=True)
    assert [c.describe(dry_run=True) for c in changes] == [
        "party/core/party_manager.py: would write",
        "party/integration/injection_hook.py: would write",
        "Pengu Loader/plugins/ROSE-PartyMode: would replace",
        "threads/handlers/swiftplay_handler.py: would patch",
    ]
    assert tree(rose) == before


@pytest.mark.parametrize("missing", ["main.py", "injection/core/manager.py", "party/core"])
def test_not_a_rose_checkout_is_refused_untouched(tmp_path: Path, missing: str) -> None:
    rose = make_rose(tmp_path / "Rose")
    target = rose / missing
    if target.is_dir():
        for p in sorted(target.rglob("*"), reverse=True):
            p.unlink()
        target.rmdir()
    else:
        target.unlink()
    before = tree(rose)
    with pytest.raises(AdoptError, match=r"is not a Rose checkout this version can adopt: .*"
                       + missing.split("/")[0]):
        adopt(rose)
    assert tree(rose) == before


def test_a_file_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("hi")
    with pytest.raises(AdoptError, match="is not a folder"):
        adopt(f)


def test_swiftplay_patch_inserts_before_the_overlay_run(tmp_path: Path) -> None:
    patched = patch_swiftplay(HANDLER)
    assert patched.count(SWIFTPLAY_MARKER) == 1
    assert patched.index(SWIFTPLAY_MARKER) < patched.index("Running overlay injection")
    assert patch_swiftplay(patched) == patched
    # the patched handler runs: party mods join the overlay's list, in Rose's call shape
    calls: list[tuple[object, ...]] = []

    class Hook:
        def __init__(self, pm: object, state: object, im: object) -> None:
            calls.append(("init", pm, state, im))

        def is_enabled(self) -> bool:
            return True

        def prepare_party_mods(self, injector: object) -> list[str]:
            calls.append(("prepare", injector))
            return ["party-abc-103"]

        def swiftplay_overlay_mods(self, injector: object, mods: list[str]) -> list[str]:
            return [*mods, *self.prepare_party_mods(injector)]

    class Injector:
        def __init__(self) -> None:
            self.lists: list[list[str]] = []

        def _mk_run_overlay(self, mods: list[str], timeout: int) -> int:
            self.lists.append(list(mods))
            return 0

    class Manager:
        enabled = True

    class State:
        party_manager = Manager()
        swiftplay_extracted_mods: ClassVar[list[str]] = ["skin_103001"]

    class IM:
        injector = Injector()

    import sys
    import types

    pkg = types.ModuleType("party.integration.injection_hook")
    pkg.PartyInjectionHook = Hook  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("party", "party.integration", pkg.__name__)}
    sys.modules.update({"party": types.ModuleType("party"),
                        "party.integration": types.ModuleType("party.integration"),
                        pkg.__name__: pkg})
    try:
        ns: dict[str, object] = {"__name__": "handler"}
        exec(compile(patched, "swiftplay_handler.py", "exec"), ns)
        handler = ns["Handler"](State(), IM())  # type: ignore[operator]
        handler.run_swiftplay_overlay()
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    assert IM.injector.lists == [["skin_103001", "party-abc-103"]]
    assert calls[0][1] is State.party_manager and calls[1] == ("prepare", IM.injector)


def test_swiftplay_patch_keeps_crlf() -> None:
    crlf = HANDLER.replace("\n", "\r\n")
    patched = patch_swiftplay(crlf)
    assert "\n" not in patched.replace("\r\n", "")
    assert patched.replace("\r\n", "\n") == patch_swiftplay(HANDLER)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda t: t.replace("Running overlay injection", "Running the overlay"), "found 0"),
        (lambda t: t.replace("def run_swiftplay_overlay", "def run_overlay"), "found 0"),
        (lambda t: t.replace("_mk_run_overlay(", "_run("), "followed by _mk_run_overlay"),
        (lambda t: t + "\n    def run_swiftplay_overlay(self):\n        pass\n", "found 2"),
    ],
)
def test_swiftplay_refuses_moved_code_and_changes_nothing(
    tmp_path: Path, change: object, why: str
) -> None:
    handler = change(HANDLER)  # type: ignore[operator]
    assert handler != HANDLER
    rose = make_rose(tmp_path / "Rose", handler)
    before = tree(rose)
    with pytest.raises(AdoptError, match=why) as info:
        adopt(rose, swiftplay=True)
    assert "nothing was changed" in str(info.value)
    assert tree(rose) == before  # not even the two one-line files


def test_cli_adopt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rose = make_rose(tmp_path / "Rose")
    assert main(["rose", "adopt", str(rose), "--swiftplay"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "party/core/party_manager.py: written",
        "party/integration/injection_hook.py: written",
        "Pengu Loader/plugins/ROSE-PartyMode: replaced",
        f"{SWIFTPLAY_FILE}: patched",
    ]
    assert "4 change(s)" in err
    assert main(["rose", "adopt", str(rose)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "nothing changed" in err and out.count("unchanged") == 3


def test_cli_refuses_with_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rose", "adopt", str(tmp_path)]) == EXIT_LOCAL
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"webrtc-party: {tmp_path} is not a Rose checkout")
    assert "Traceback" not in err
