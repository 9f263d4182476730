"""Make a Rose checkout use webrtc-party: two one-line files and the panel plugin.

``adopt(rose_dir)`` writes Rose's ``party/core/party_manager.py`` and
``party/integration/injection_hook.py`` as one import each from ``webrtc_party.rose`` and
replaces ``Pengu Loader/plugins/ROSE-PartyMode`` with the plugin shipped in this package.
With ``swiftplay=True`` it also adds party mods to Rose's Swiftplay overlay by one anchored
insertion into ``threads/handlers/swiftplay_handler.py`` (the only Rose path that never calls
the party hook). Nothing else in Rose is touched.

Everything is checked before anything is written: a folder that is not a Rose checkout, or a
Swiftplay handler whose code moved, is refused with an :class:`AdoptError` and no change.
Running it again changes nothing and says so.
"""

from __future__ import annotations

import enum
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from webrtc_party.errors import LocalError

__all__ = [
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
    "patch_swiftplay",
    "plugin_files",
]

MANAGER_FILE = PurePosixPath("party/core/party_manager.py")
HOOK_FILE = PurePosixPath("party/integration/injection_hook.py")
PLUGIN_DIR = PurePosixPath("Pengu Loader/plugins/ROSE-PartyMode")
SWIFTPLAY_FILE = PurePosixPath("threads/handlers/swiftplay_handler.py")
SWIFTPLAY_MARKER = "# webrtc-party: party mods in the Swiftplay overlay"

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

# The Swiftplay anchor: inside ``run_swiftplay_overlay``, the log line just before Rose runs
# the overlay with ``extracted_mods``. Party mods are added to that list right before it.
_SWIFTPLAY_DEF = re.compile(r"^([ \t]*)def run_swiftplay_overlay\(self\)", re.M)
_SWIFTPLAY_ANCHOR = re.compile(
    r'^(?P<indent>[ \t]+)log\.info\(f"\[phase\] Running overlay injection for '
    r"\{len\(extracted_mods\)\}[^\n]*\n",
    re.M,
)
_SWIFTPLAY_RUN = "_mk_run_overlay("


class AdoptError(LocalError):
    """The Rose checkout cannot be adopted as it is; nothing was changed."""

    user_message = "This Rose folder cannot be adopted as it is; nothing was changed."


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


def _swiftplay_block(indent: str, nl: str) -> str:
    lines = [
        SWIFTPLAY_MARKER + " (optional patch, `webrtc-party rose adopt --swiftplay`)",
        'party_manager = getattr(self.state, "party_manager", None)',
        'if party_manager is not None and getattr(party_manager, "enabled", False):',
        "    try:",
        "        from party.integration.injection_hook import PartyInjectionHook",
        "",
        "        hook = PartyInjectionHook(party_manager, self.state, self.injection_manager)",
        "        if hook.is_enabled():",
        "            extracted_mods.extend(",
        "                hook.prepare_party_mods(self.injection_manager.injector)",
        "            )",
        "    except Exception as exc:  # the overlay must still run without party mods",
        '        log.warning("[phase] webrtc-party: no party mods for Swiftplay: %s", exc)',
        "",
    ]
    return "".join(f"{indent}{line}{nl}" if line else nl for line in lines)


def patch_swiftplay(text: str) -> str:
    """Rose's Swiftplay handler with party mods added to its overlay (same text if patched).

    Raises :class:`AdoptError` if the anchor is not found exactly once in
    ``run_swiftplay_overlay`` followed by the overlay run: Rose's code moved and a blind
    insertion could break it.
    """
    if SWIFTPLAY_MARKER in text:  # already patched
        return text
    defs = list(_SWIFTPLAY_DEF.finditer(text))
    if len(defs) != 1:
        raise AdoptError(
            f"{SWIFTPLAY_FILE}: expected one 'def run_swiftplay_overlay(self)', found "
            f"{len(defs)}; Rose's Swiftplay code has changed, so the --swiftplay patch was "
            "not applied (nothing was changed)"
        )
    start = defs[0].end()
    following = re.search(rf"^[ \t]{{0,{len(defs[0].group(1))}}}def \w", text[start:], re.M)
    body_end = start + following.start() if following else len(text)
    anchors = list(_SWIFTPLAY_ANCHOR.finditer(text, start, body_end))
    if len(anchors) != 1 or _SWIFTPLAY_RUN not in text[anchors[0].end() : body_end]:
        raise AdoptError(
            f"{SWIFTPLAY_FILE}: the line that logs 'Running overlay injection for ...' before "
            f"the overlay runs was found {len(anchors)} time(s) in run_swiftplay_overlay "
            "(expected once, followed by _mk_run_overlay); Rose's Swiftplay code has "
            "changed, so the --swiftplay patch was not applied (nothing was changed)"
        )
    anchor = anchors[0]
    nl = "\r\n" if anchor.group(0).endswith("\r\n") else "\n"
    block = _swiftplay_block(anchor.group("indent"), nl)
    return text[: anchor.start()] + block + text[anchor.start() :]


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


def _plan(rose: Path, swiftplay: bool) -> tuple[list[Change], str | None]:
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
    patched = None
    if swiftplay:
        path = rose / SWIFTPLAY_FILE
        try:
            with path.open(encoding="utf-8", newline="") as f:  # keep its line endings
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise AdoptError(
                f"{SWIFTPLAY_FILE} cannot be read ({exc}); nothing was changed"
            ) from exc
        patched = patch_swiftplay(text)
        action = Action.UNCHANGED if patched == text else Action.PATCH
        changes.append(Change(SWIFTPLAY_FILE, action))
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


def adopt(rose_dir: Path, *, swiftplay: bool = False, dry_run: bool = False) -> list[Change]:
    """Adopt the Rose checkout at ``rose_dir``; returns what changed (or would, with dry_run)."""
    rose = Path(rose_dir)
    _check_rose(rose)
    changes, patched = _plan(rose, swiftplay)
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
        elif change.path == SWIFTPLAY_FILE and patched is not None:
            _write_text(path, patched)
    return changes
