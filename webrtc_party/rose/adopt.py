"""Make a Rose checkout use webrtc-party: two one-line files and the panel plugin.

``adopt(rose_dir)`` writes Rose's ``party/core/party_manager.py`` and
``party/integration/injection_hook.py`` as one import each from ``webrtc_party.rose`` and
replaces ``Pengu Loader/plugins/ROSE-PartyMode`` with the plugin shipped in this package.
With ``swiftplay=True`` it also adds party mods to Rose's Swiftplay overlay, and with
``default_skin=True`` it makes Rose's injection trigger run an overlay of friends' mods when
our own skin is the default; each is one anchored insertion (:mod:`webrtc_party.rose.patches`).
Nothing else in Rose is touched.

Everything is checked before anything is written: a folder that is not a Rose checkout, or a
patched file whose code moved, is refused with an :class:`AdoptError` and no change.
Running it again changes nothing and says so.
"""

from __future__ import annotations

import enum
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from webrtc_party.rose.patches import (
    DEFAULT_SKIN_FILE,
    DEFAULT_SKIN_MARKER,
    SWIFTPLAY_FILE,
    SWIFTPLAY_MARKER,
    AdoptError,
    patch_default_skin,
    patch_swiftplay,
)

__all__ = [
    "DEFAULT_SKIN_FILE",
    "DEFAULT_SKIN_MARKER",
    "HOOK_FILE",
    "MANAGER_FILE",
    "PLUGIN_DIR",
    "SWIFTPLAY_FILE",
    "SWIFTPLAY_MARKER",
    "Action",
    "AdoptError",
    "Change",
    "adopt",
    "module_text",
    "patch_default_skin",
    "patch_swiftplay",
    "plugin_files",
]

MANAGER_FILE = PurePosixPath("party/core/party_manager.py")
HOOK_FILE = PurePosixPath("party/integration/injection_hook.py")
PLUGIN_DIR = PurePosixPath("Pengu Loader/plugins/ROSE-PartyMode")

# What makes a folder a Rose checkout: these files exist and Rose's own party call sites are
# where its code has them (file -> a text the file must contain).
_ROSE_SIGNS: dict[PurePosixPath, str] = {
    PurePosixPath("main.py"): "from main import main",
    PurePosixPath("pengu/communication/message_handler.py"):
        "from party.core.party_manager import PartyManager",
    PurePosixPath("injection/core/manager.py"):
        "from party.integration.injection_hook import PartyInjectionHook",
    PurePosixPath("threads/handlers/injection_trigger.py"):
        "from party.integration.injection_hook import PartyInjectionHook",
}

class Action(enum.Enum):
    WRITE = "written"
    REPLACE = "replaced"
    PATCH = "patched"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One path in the Rose checkout and what adoption does (or did) to it."""

    path: PurePosixPath
    action: Action

    def describe(self, dry_run: bool = False) -> str:
        if self.action is Action.UNCHANGED:
            return f"{self.path}: already adopted, unchanged"
        verb = {Action.WRITE: "write", Action.REPLACE: "replace", Action.PATCH: "patch"}
        if dry_run:
            return f"{self.path}: would {verb[self.action]}"
        return f"{self.path}: {self.action.value}"


def module_text(name: str) -> str:
    """The whole text of one adopted Rose module: ``name`` imported from webrtc_party.rose."""
    return (
        f'"""Rose\'s {name} is webrtc-party\'s (written by `webrtc-party rose adopt`)."""\n'
        "\n"
        f"from webrtc_party.rose import {name}\n"
        "\n"
        f'__all__ = ["{name}"]\n'
    )


def plugin_files() -> dict[PurePosixPath, bytes]:
    """Our ROSE-PartyMode plugin as shipped in the package: relative path -> bytes."""
    root = resources.files("webrtc_party.rose").joinpath("plugin").joinpath("ROSE-PartyMode")
    files = dict(_walk(root, PurePosixPath()))
    if not files:
        raise AdoptError("this webrtc-party install has no ROSE-PartyMode plugin to install")
    return files


def _walk(node: Traversable, rel: PurePosixPath) -> Iterator[tuple[PurePosixPath, bytes]]:
    for child in node.iterdir():
        if child.name == "__pycache__":
            continue
        if child.is_dir():
            yield from _walk(child, rel / child.name)
        else:
            yield rel / child.name, child.read_bytes()


def _folder_files(folder: Path) -> dict[PurePosixPath, bytes] | None:
    """The regular files under ``folder`` (None if it holds anything else, such as a link)."""
    out: dict[PurePosixPath, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            return None
        if path.is_file():
            out[PurePosixPath(path.relative_to(folder).as_posix())] = path.read_bytes()
    return out


def _check_rose(rose: Path) -> None:
    if not rose.is_dir():
        raise AdoptError(f"{rose} is not a folder; give the path of a Rose checkout")
    missing = []
    for rel, sign in _ROSE_SIGNS.items():
        path = rose / rel
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            missing.append(f"{rel} (missing)")
            continue
        if sign not in text:
            missing.append(f"{rel} (no '{sign}')")
    for rel in (MANAGER_FILE.parent, HOOK_FILE.parent, PLUGIN_DIR.parent):
        if not (rose / rel).is_dir():
            missing.append(f"{rel}/ (missing)")
    if missing:
        raise AdoptError(
            f"{rose} is not a Rose checkout this version can adopt: " + "; ".join(missing)
        )
    if (rose / PLUGIN_DIR).is_symlink():
        raise AdoptError(f"{rose / PLUGIN_DIR} is a link; replace it by hand, then run again")


def _read_keeping_newlines(path: Path, rel: PurePosixPath) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as f:  # keep its line endings
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise AdoptError(f"{rel} cannot be read ({exc}); nothing was changed") from exc


def _plan(
    rose: Path, patches: dict[PurePosixPath, Callable[[str], str]]
) -> tuple[list[Change], dict[PurePosixPath, str]]:
    changes = []
    for rel, name in ((MANAGER_FILE, "PartyManager"), (HOOK_FILE, "PartyInjectionHook")):
        path = rose / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == module_text(name):
            changes.append(Change(rel, Action.UNCHANGED))
        else:
            changes.append(Change(rel, Action.WRITE))
    folder = rose / PLUGIN_DIR
    current_plugin = _folder_files(folder) if folder.is_dir() else None
    same = current_plugin == plugin_files()
    changes.append(Change(PLUGIN_DIR, Action.UNCHANGED if same else Action.REPLACE))
    patched: dict[PurePosixPath, str] = {}
    for rel, patch in patches.items():
        text = _read_keeping_newlines(rose / rel, rel)
        patched[rel] = patch(text)
        changes.append(Change(rel, Action.UNCHANGED if patched[rel] == text else Action.PATCH))
    return changes, patched


def _install_plugin(folder: Path) -> None:
    staging = folder.with_name(folder.name + ".webrtc-party-new")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        for rel, data in plugin_files().items():
            target = staging.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".webrtc-party-new")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)


def adopt(
    rose_dir: Path, *, swiftplay: bool = False, default_skin: bool = False, dry_run: bool = False
) -> list[Change]:
    """Adopt the Rose checkout at ``rose_dir``; returns what changed (or would, with dry_run).

    ``swiftplay`` and ``default_skin`` add the optional patches of
    :mod:`webrtc_party.rose.patches`; all of them are checked before anything is written."""
    rose = Path(rose_dir)
    _check_rose(rose)
    patches: dict[PurePosixPath, Callable[[str], str]] = {}
    if swiftplay:
        patches[SWIFTPLAY_FILE] = patch_swiftplay
    if default_skin:
        patches[DEFAULT_SKIN_FILE] = patch_default_skin
    changes, patched = _plan(rose, patches)
    if dry_run:
        return changes
    for change in changes:
        if change.action is Action.UNCHANGED:
            continue
        path = rose / change.path
        if change.path == MANAGER_FILE:
            _write_text(path, module_text("PartyManager"))
        elif change.path == HOOK_FILE:
            _write_text(path, module_text("PartyInjectionHook"))
        elif change.path == PLUGIN_DIR:
            _install_plugin(path)
        elif change.path in patched:
            _write_text(path, patched[change.path])
    return changes
