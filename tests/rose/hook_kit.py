"""Rose's side of the injection hook, written from reading Rose 59922fc (not copied from it).

* :class:`RoseData`: a Rose data folder in tmp with Rose's real layouts: ``skins/`` (skins,
  chromas, forms in the chroma layout and under Rose's form file names) and ``mods/skins/``
  (custom mods as ZIP, .fantome or imported folder with a ``rose_mod_targets.json``);
* :class:`RoseShapedInjector`: ``mods_dir``, ``zips_dir`` and ``inject_skin`` in Rose's order
  (``injection/core/injector.py`` 139-216: empty ``mods_dir`` and ``overlay``, unpack our skin,
  call ``extra_mods_callback(self)`` inside try/except, build one overlay);
* :func:`rose_manager_injects` / :func:`rose_trigger_injects_custom_mod`: the two call sites
  (``injection/core/manager.py`` 307-330 and ``threads/handlers/injection_trigger.py``
  1163-1401), each run on a plain thread named as Rose names it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tests.helpers import wait as wait  # re-exported: the kit's one poll
from tests.rose.manager_kit import service_over
from tests.rose.rose_like import EmulatorThread
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.adopt import module_text
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.manager import PartyManager
from webrtc_party.rose.modindex import content_hash

from .rose_kit import make_zip, mod_payload

__all__ = [
    "LeagueThread",
    "RoseData",
    "RoseInjectionManager",
    "RoseShapedInjector",
    "RoseState",
    "in_rose_thread",
    "make_manager",
    "rose_manager_injects",
    "rose_trigger_injects_custom_mod",
    "wait",
]

rose_log = logging.getLogger("tracer")  # Rose's get_logger() name


class RoseData:
    """``<base>/Rose`` as ``get_user_data_dir()`` lays it out."""

    def __init__(self, base: Path) -> None:
        self.root = base / "Rose"
        self.skins = self.root / "skins"
        self.custom = self.root / "mods" / "skins"
        self.skins.mkdir(parents=True, exist_ok=True)
        self.custom.mkdir(parents=True, exist_ok=True)

    def add_skin(self, champion: int, skin_id: int, ext: str = ".zip") -> Path:
        path = self.skins / str(champion) / str(skin_id) / f"{skin_id}{ext}"
        return make_zip(path, mod_payload(f"skin {skin_id}"))

    def add_chroma(self, champion: int, skin_id: int, chroma: int, ext: str = ".zip") -> Path:
        path = self.skins / str(champion) / str(skin_id) / str(chroma) / f"{chroma}{ext}"
        return make_zip(path, mod_payload(f"chroma {chroma}"))

    def add_named_form(self, relative: str) -> Path:
        """A form file under one of Rose's fixed names, e.g. ``Lux/Forms/Lux Elementalist
        Air.zip``."""
        return make_zip(self.skins / relative, mod_payload(f"form {Path(relative).stem}"))

    def champion_mods(self, champion: int) -> Path:
        """Rose stores custom skin mods once per champion, in ``{champion * 1000}``."""
        return self.custom / str(champion * 1000)

    def add_custom_archive(self, champion: int, name: str, members: Mapping[str, bytes]) -> Path:
        return make_zip(self.champion_mods(champion) / name, members)

    def import_custom(self, champion: int, archive: Path, targets: list[int], name: str) -> Path:
        """What Rose's import does: the archive's members unpacked into a folder named after
        it (here under ``name``, as if Rose had shortened it), and the targets recorded in the
        champion folder's ``rose_mod_targets.json``, keyed by a hash of the folder."""
        folder = self.champion_mods(champion) / name
        folder.mkdir(parents=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(folder)
        manifest = self.champion_mods(champion) / "rose_mod_targets.json"
        key = content_hash(folder)
        manifest.write_text(
            json.dumps(
                {
                    "version": 1,
                    "championId": champion,
                    "targets": [],
                    "mods": {key: {"name": name, "folderHash": key, "targets": targets}},
                }
            ),
            encoding="utf-8",
        )
        return folder


class RoseShapedInjector:
    """Rose's ``SkinInjector`` as far as the hook sees it, with Rose's order of work."""

    def __init__(self, data: RoseData) -> None:
        self.zips_dir = data.skins
        self.mods_dir = data.root / "injection" / "mods"
        self.mods_dir.mkdir(parents=True, exist_ok=True)
        self.overlays: list[list[str]] = []

    def _clean_mods_dir(self) -> None:
        for entry in self.mods_dir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    def _clean_overlay_dir(self) -> None:
        overlay = self.mods_dir.parent / "overlay"
        shutil.rmtree(overlay, ignore_errors=True)
        overlay.mkdir(parents=True, exist_ok=True)

    def _extract_zip_to_mod(self, archive: Path) -> Path:
        target = self.mods_dir / archive.stem
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
        return target

    def mk_run_overlay(self, mod_names: list[str]) -> int:
        """mkoverlay gets folder names below ``mods_dir``: every one must be a real mod."""
        for name in mod_names:
            if not (self.mods_dir / name / "META" / "info.json").is_file():
                raise AssertionError(f"overlay asked for a mod that is not there: {name}")
        self.overlays.append(list(mod_names))
        return 0

    def _mk_run_overlay(
        self,
        mod_names: list[str],
        timeout: int = 120,
        stop_callback: Any = None,
        injection_manager: Any = None,
    ) -> int:
        """Rose's ``SkinInjector._mk_run_overlay`` signature (the Swiftplay path calls it)."""
        return self.mk_run_overlay(mod_names)

    def inject_skin(
        self, own_skin: Path, extra_mods_callback: Callable[[Any], list[str]] | None = None
    ) -> bool:
        self._clean_mods_dir()
        self._clean_overlay_dir()
        mod_names = [self._extract_zip_to_mod(own_skin).name]
        if extra_mods_callback:
            try:
                extra = extra_mods_callback(self)
                if extra:
                    mod_names.extend(extra)
            except Exception as exc:  # Rose: a WARNING, then the overlay without them
                rose_log.warning("[INJECT] Extra mods callback failed: %s", exc)
        return self.mk_run_overlay(mod_names) == 0


class RoseState:
    """The part of Rose's SharedState the call sites read."""

    def __init__(self, party_manager: object | None) -> None:
        self.party_manager = party_manager


class RoseInjectionManager:
    """Rose's InjectionManager as its injection paths use it: the injector, the injection
    lock and busy flag, the game monitor (started and stopped around an overlay)."""

    def __init__(self, state: RoseState, injector: RoseShapedInjector) -> None:
        self.shared_state = state
        self.injector = injector
        self.injection_lock = threading.Lock()
        self._injection_in_progress = False
        self._monitor_active = False
        self.monitor_calls: list[str] = []

    def _ensure_initialized(self) -> None:
        self.monitor_calls.append("init")

    def _start_monitor(self) -> None:
        self._monitor_active = True
        self.monitor_calls.append("start")

    def _stop_monitor(self) -> None:
        self._monitor_active = False
        self.monitor_calls.append("stop")


def rose_manager_injects(manager: RoseInjectionManager, own_skin: Path) -> bool:
    """``InjectionManager.inject_skin_immediately``'s party block, then the injector."""
    extra_mods_callback = None
    if manager.shared_state:
        party_manager = getattr(manager.shared_state, "party_manager", None)
        if party_manager and getattr(party_manager, "enabled", False):
            try:
                party_hook = PartyInjectionHook(party_manager, manager.shared_state, manager)
                if party_hook.is_enabled():

                    def extra_mods_callback(inj: Any) -> list[str]:
                        return party_hook.prepare_party_mods(inj)
            except Exception as exc:
                rose_log.debug("[INJECT] Party injection hook not used: %s", exc)
    return manager.injector.inject_skin(own_skin, extra_mods_callback=extra_mods_callback)


def rose_trigger_injects_custom_mod(
    manager: RoseInjectionManager, carrier: Path | None, custom_mod: Path, folder_name: str
) -> list[str]:
    """``InjectionTrigger._inject_custom_mod``: clean, carrier, our mod, party mods, overlay."""
    injector = manager.injector
    injector._clean_mods_dir()
    injector._clean_overlay_dir()
    names: list[str] = []
    if carrier is not None:
        names.append(injector._extract_zip_to_mod(carrier).name)
    dest = injector.mods_dir / folder_name
    if custom_mod.is_dir():
        shutil.copytree(custom_mod, dest)  # Rose links; a copy is the same to the overlay
    else:
        dest.mkdir()
        with zipfile.ZipFile(custom_mod) as zf:
            zf.extractall(dest)
    names.append(folder_name)
    state = manager.shared_state
    party_manager = getattr(state, "party_manager", None)
    if party_manager and getattr(party_manager, "enabled", False):
        try:
            party_hook = PartyInjectionHook(party_manager, state, manager)
            if party_hook.is_enabled():
                party_mod_names = party_hook.prepare_party_mods(injector)
                if party_mod_names:
                    names.extend(party_mod_names)
        except Exception as exc:
            rose_log.debug("[INJECT] Party injection hook not used: %s", exc)
    injector.mk_run_overlay(names)
    return names


def in_rose_thread(work: Callable[[], Any], name: str = "InjectionThread") -> Any:
    """Run ``work`` on a plain daemon thread, as Rose does; return its result (or raise)."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), f"{name} did not finish"
    if errors:
        raise errors[0]
    return out[0]


class LeagueThread(EmulatorThread):
    """A League-client emulator on its own loop thread, whose own skin the test can set."""

    def __init__(self, folder: Path, local: int, size: int, scenario: str = "premade") -> None:
        super().__init__(folder, local, scenario=scenario, size=size)

    def choose_my_skin(self, skin_id: int) -> None:
        """What the League client reports after Rose's selection (e.g. a form's fake id)."""

        async def change() -> None:
            world = self.emu.world
            world.choose_skin(world.cell_of(world.me), skin_id)
            await self.emu.sync()

        self.run(change())


def make_manager(league: LeagueThread, data: RoseData) -> PartyManager:
    """The one place these tests build a manager (over a service on an emulated client)."""
    return PartyManager.for_service(service_over(league.emu, SkinFiles(data.skins, data.custom)))


@contextlib.contextmanager
def adopted_hook_on_path(root: Path) -> Iterator[Path]:
    """A Rose-shaped folder at ``root`` whose ``party.integration.injection_hook`` is the
    adopted one-line module, importable as Rose imports it while the block runs. Regular
    packages, as Rose's are (a namespace package loses to any regular one on sys.path)."""
    hook = root / "party" / "integration" / "injection_hook.py"
    hook.parent.mkdir(parents=True)
    hook.write_text(module_text("PartyInjectionHook"))
    for package in (hook.parent, hook.parent.parent):
        (package / "__init__.py").write_text("")
    sys.path.insert(0, str(root))
    forget_party_modules()  # a test that ran Rose's real code may have imported Rose's ``party``
    try:
        yield root
    finally:
        forget_party_modules()
        sys.path.remove(str(root))


def forget_party_modules() -> None:
    """Drop every imported ``party`` / ``party.*`` module: Rose's package and a test's
    Rose-shaped ``party.integration.injection_hook`` share that name, so whichever was
    imported first would otherwise answer the other's imports."""
    for name in [n for n in sys.modules if n == "party" or n.startswith("party.")]:
        del sys.modules[name]
