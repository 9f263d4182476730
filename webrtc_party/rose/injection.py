"""``PartyInjectionHook``: the class Rose builds on every injection to add friends' skins.

Rose (``injection/core/manager.py`` and ``threads/handlers/injection_trigger.py``) does, from
its injection threads, when ``party_manager.enabled``::

    hook = PartyInjectionHook(party_manager, shared_state, injection_manager)
    if hook.is_enabled():
        extra_mods_callback = lambda inj: hook.prepare_party_mods(inj)

and its injector calls the callback after it emptied ``mods_dir`` and unpacked our own skin,
just before it builds the overlay. So the constructor does nothing but remember its
arguments; the hook reads the party through three methods of the manager only
(``get_party_skins()``, ``get_team_view()``, ``publish_injection_report(report)``), finds
Rose's folders from the injector (``zips_dir`` is Rose's skins folder, custom mods are
``zips_dir/../mods/skins``), and keeps nothing between injections: the custom-mod hash cache
and the per-folder lock are process-wide (see :mod:`~webrtc_party.rose.modindex`).

The older form ``PartyInjectionHook(skins_root, custom_mods_root, team, party, ...)`` (first
argument a path) still works and is :class:`~webrtc_party.rose.preparer.PartyModPreparer`
underneath; new code outside Rose should use that class directly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, overload

from webrtc_party.rose.archive import ArchiveLimits
from webrtc_party.rose.layout import RoseLayout
from webrtc_party.rose.modindex import CustomModIndex
from webrtc_party.rose.planning import is_party_mod_name
from webrtc_party.rose.preparer import PartyModPreparer, RoseInjector
from webrtc_party.rose.records import InjectionReport, PartySkin, TeamView

__all__ = ["MANAGER_METHODS", "PartyInjectionHook", "RoseInjector", "RosePartyManager"]

log = logging.getLogger(__name__)

MANAGER_METHODS = ("get_party_skins", "get_team_view", "publish_injection_report")


class RosePartyManager(Protocol):
    """The three methods (and the flag) the hook reads from Rose's party manager."""

    @property
    def enabled(self) -> bool: ...

    def get_party_skins(self) -> Sequence[PartySkin]: ...

    def get_team_view(self) -> TeamView | None: ...

    def publish_injection_report(self, report: InjectionReport) -> None: ...


class PartyInjectionHook:
    """Friends' skins as extra mod folders for Rose's overlay. Never raises into Rose."""

    @overload
    def __init__(
        self,
        party_manager: RosePartyManager,
        state: object = None,
        injection_manager: object = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        skins_root: Path,
        custom_mods_root: Path,
        team: Callable[[], TeamView | None],
        party: Callable[[], Sequence[PartySkin]],
        *,
        limits: ArchiveLimits = ...,
        mod_index: CustomModIndex | None = ...,
        on_report: Callable[[InjectionReport], None] | None = ...,
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fixed: PartyModPreparer | None = None
        self._manager: Any = None
        self.state: object = None
        self.injection_manager: object = None
        self._last_report = InjectionReport()
        if args and isinstance(args[0], (str, os.PathLike)):
            self._fixed = PartyModPreparer(*args, **kwargs)
            return
        names = ("party_manager", "state", "injection_manager")
        bound = dict(zip(names, args, strict=False)) | kwargs
        unknown = set(bound) - set(names)
        if unknown or len(args) > 3 or "party_manager" not in bound:
            raise TypeError(
                "PartyInjectionHook(party_manager, state, injection_manager) "
                f"got {len(args)} positional and {sorted(kwargs)} keyword arguments"
            )
        self._manager = bound["party_manager"]
        self.state = bound.get("state")
        self.injection_manager = bound.get("injection_manager")

    @classmethod
    def from_rose_data_dir(
        cls,
        data_dir: Path,
        team: Callable[[], TeamView | None],
        party: Callable[[], Sequence[PartySkin]],
        **options: Any,
    ) -> PartyInjectionHook:
        """A hook over fixed providers for Rose's data folder (``skins``, ``mods/skins``)."""
        return cls(data_dir / "skins", data_dir / "mods" / "skins", team, party, **options)

    @property
    def party_manager(self) -> object:
        return self._manager

    @property
    def last_report(self) -> InjectionReport:
        """The report of this hook's latest preparation (empty before it ran)."""
        return self._last_report

    def is_enabled(self) -> bool:
        """True when the party is on and the manager offers what the hook reads."""
        manager = self._manager
        if manager is None:
            return self._fixed is not None
        try:
            enabled = bool(getattr(manager, "enabled", False))
        except Exception as exc:
            log.warning("[PARTY] party manager's 'enabled' failed: %s", exc)
            return False
        missing = [n for n in MANAGER_METHODS if not callable(getattr(manager, n, None))]
        if missing:
            log.warning(
                "[PARTY] friends' skins are not injected: the party manager %s lacks %s",
                type(manager).__name__,
                ", ".join(missing),
            )
            return False
        return enabled

    # -- what Rose calls ----------------------------------------------------------------

    def prepare_party_mods(self, injector: RoseInjector) -> list[str]:
        """Rose's ``extra_mods_callback``: unpack friends' skins under ``injector.mods_dir``
        and return their folder names (carrier before mod). Never raises."""
        return self.prepare(injector).mod_names

    # -- the richer API -------------------------------------------------------------------

    def prepare(self, injector: RoseInjector) -> InjectionReport:
        """Do the work of :meth:`prepare_party_mods`, publish and return the full report."""
        preparer = self._preparer(injector)
        if preparer is None:
            return InjectionReport()
        report = preparer.prepare(injector)
        self._last_report = report
        return report

    def inject_party_skins_only(
        self, injector: RoseInjector, run_overlay: Callable[[list[str]], bool]
    ) -> InjectionReport:
        """Prepare friends' skins and run an overlay of them alone (our skin is the default)."""
        preparer = self._preparer(injector)
        if preparer is None:
            return InjectionReport()
        report = preparer.inject_party_skins_only(injector, run_overlay)
        self._last_report = report
        return report

    def run_party_overlay(
        self, stop_callback: Callable[[], bool] | None = None, timeout: int = 120
    ) -> bool:
        """Run Rose's overlay with friends' skins alone, for a game in which our own skin is
        the default and Rose injects nothing of ours. Rose's injection trigger calls it with
        the optional ``rose adopt --default-skin`` patch (docs/rose-adoption.md).

        Done the way Rose's own ``inject_skin_immediately`` does it, on the injection
        manager given to the constructor: its injection lock (skipped while another
        injection runs), its game monitor, cleaned mods and overlay folders, then
        ``injector._mk_run_overlay``. True if an overlay ran and succeeded. Never raises.
        """
        manager: Any = self.injection_manager
        try:
            if manager is None:
                log.warning("[PARTY] no party-only overlay: the hook has no injection manager")
                return False
            return self._party_overlay(manager, stop_callback, timeout)
        except Exception as exc:
            log.warning("[PARTY] the party-only overlay failed: %s", exc)
            log.debug("[PARTY] party-only overlay failure", exc_info=True)
            return False

    def _party_overlay(
        self, manager: Any, stop_callback: Callable[[], bool] | None, timeout: int
    ) -> bool:
        ensure = getattr(manager, "_ensure_initialized", None)
        if callable(ensure):
            ensure()
        injector = getattr(manager, "injector", None)
        if injector is None or getattr(injector, "game_dir", "") is None:
            log.warning("[PARTY] no party-only overlay: Rose's injector is not ready (no game)")
            return False
        if getattr(manager, "_injection_in_progress", False):
            log.warning("[PARTY] no party-only overlay: another injection is running")
            return False
        lock = getattr(manager, "injection_lock", None)
        if lock is not None and not lock.acquire(timeout=5.0):
            log.warning("[PARTY] no party-only overlay: Rose's injection lock stayed taken")
            return False
        started = getattr(manager, "_monitor_active", None) is False
        try:
            manager._injection_in_progress = True
            if started:
                manager._start_monitor()  # suspends the game until the overlay is ready
            for clean in ("_clean_mods_dir", "_clean_overlay_dir"):
                step = getattr(injector, clean, None)
                if callable(step):
                    step()

            def run(names: list[str]) -> bool:
                log.info("[PARTY] our skin is the default: overlay of %d party mod(s)", len(names))
                code = injector._mk_run_overlay(names, timeout, stop_callback, manager)
                return bool(code == 0)

            return bool(self.inject_party_skins_only(injector, run).overlay_ok)
        finally:
            manager._injection_in_progress = False
            if lock is not None:
                lock.release()
            stop = getattr(manager, "_stop_monitor", None)
            if callable(stop):
                stop()  # resumes the game, as after Rose's own injections

    def prepare_swiftplay_party_mods(self) -> list[str]:
        """Friends' mods for a Swiftplay game in which Rose extracts nothing of ours (no tracked
        skin, or only default skins, which have no file): Rose's
        ``trigger_swiftplay_injection`` calls it with the optional ``rose adopt --swiftplay``
        patch and keeps the names as its extracted mods, so its overlay still runs.

        Done as Rose's own extraction does it, on the injection manager given to the
        constructor: initialized, mods and overlay folders cleaned, then the friends' folders
        unpacked. Their names ([] for none). Never raises.
        """
        manager: Any = self.injection_manager
        try:
            if manager is None:
                log.warning("[PARTY] no party mods for Swiftplay: no injection manager")
                return []
            ensure = getattr(manager, "_ensure_initialized", None)
            if callable(ensure):
                ensure()
            injector = getattr(manager, "injector", None)
            if injector is None:
                log.warning("[PARTY] no party mods for Swiftplay: Rose's injector is not ready")
                return []
            for clean in ("_clean_mods_dir", "_clean_overlay_dir"):
                step = getattr(injector, clean, None)
                if callable(step):
                    step()
            names = self.prepare_party_mods(injector)
        except Exception as exc:
            log.warning("[PARTY] no party mods for Swiftplay: %s", exc)
            log.debug("[PARTY] Swiftplay party mods failure", exc_info=True)
            return []
        if names:
            log.info("[PARTY] Swiftplay, none of our skins to extract: %d party mod(s)", len(names))
        return names

    def swiftplay_overlay_mods(self, injector: RoseInjector, mods: Sequence[str]) -> list[str]:
        """The mod list for Rose's Swiftplay overlay, called (``rose adopt --swiftplay``)
        right before it runs: Rose's own folders of ``mods`` and, with the party on, the
        friends' folders prepared afresh (those prepared at matchmaking are replaced, so a pick
        changed since then, or a friend who left, is honoured). Never raises.
        """
        own = [name for name in mods if not is_party_mod_name(name)]
        if not self.is_enabled():
            return own
        return own + self.prepare_party_mods(injector)

    def cleanup(self, injector: RoseInjector) -> list[str]:
        """Remove every mod folder a party hook created in ``injector.mods_dir``."""
        preparer = self._preparer(injector)
        return [] if preparer is None else preparer.cleanup(injector)

    def _preparer(self, injector: RoseInjector) -> PartyModPreparer | None:
        if self._fixed is not None:
            return self._fixed
        manager = self._manager
        zips_dir = getattr(injector, "zips_dir", None)
        if zips_dir is None:
            log.warning("[PARTY] friends' skins are not injected: the injector has no zips_dir")
            return None
        try:
            layout = RoseLayout.from_folders(Path(zips_dir), Path(injector.mods_dir))
            return PartyModPreparer(
                layout.skins,
                layout.custom_mods,
                manager.get_team_view,
                manager.get_party_skins,
                on_report=manager.publish_injection_report,
            )
        except Exception as exc:  # an injector without zips_dir, a manager without methods
            log.warning("[PARTY] friends' skins are not injected: %s", exc)
            return None
