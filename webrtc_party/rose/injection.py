"""The party injection hook: friends' skins ride along in Rose's overlay.

Rose's injection manager calls ``extra_mods_callback(injector) -> list[str]`` from its injection
thread, shortly before champion select ends, and adds the returned folder names (already
extracted under ``injector.mods_dir``) to the one overlay it builds. :class:`PartyInjectionHook`
is that callback. It asks two providers for the current state (the League client's view of MY
team and the party's skin selections), lets :func:`~webrtc_party.rose.planning.plan_injection`
decide who gets what, then finds and unpacks the local files. Problems with one member are
reported in an :class:`~webrtc_party.rose.records.InjectionReport`, never raised.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from webrtc_party.rose.archive import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    ArchiveRejectedError,
    copy_mod_folder,
    extract_archive,
    is_within,
)
from webrtc_party.rose.modindex import CustomModIndex
from webrtc_party.rose.ownership import OwnedFolders
from webrtc_party.rose.planning import PlannedSkin, is_party_mod_name, plan_injection
from webrtc_party.rose.records import (
    InjectionReport,
    MemberOutcome,
    MemberStatus,
    PartySkin,
    TeamView,
)

__all__ = ["PartyInjectionHook", "RoseInjector"]

log = logging.getLogger(__name__)

TeamProvider = Callable[[], TeamView | None]
PartyProvider = Callable[[], Sequence[PartySkin]]


class RoseInjector(Protocol):
    """What the hook needs from Rose's injector: the folder that holds extracted mods."""

    @property
    def mods_dir(self) -> Path: ...


class PartyInjectionHook:
    """Prepares friends' skins as extra mod folders for Rose's overlay (thread-safe, sync).

    ``skins_root`` is Rose's skins folder (``{champion}/{skin}/...``); ``custom_mods_root`` is
    Rose's ``mods/skins`` folder (``{skin_id}/<mod>``). ``team`` and ``party`` are called once
    per game from Rose's injection thread and must not block on an event loop.
    """

    def __init__(
        self,
        skins_root: Path,
        custom_mods_root: Path,
        team: TeamProvider,
        party: PartyProvider,
        *,
        limits: ArchiveLimits = DEFAULT_LIMITS,
        mod_index: CustomModIndex | None = None,
        on_report: Callable[[InjectionReport], None] | None = None,
    ) -> None:
        self._skins_root = skins_root
        self._team = team
        self._party = party
        self._limits = limits
        self._index = (
            mod_index if mod_index is not None else CustomModIndex(custom_mods_root, limits)
        )
        self._on_report = on_report
        self._lock = threading.Lock()
        self._last_report = InjectionReport()

    @classmethod
    def from_rose_data_dir(
        cls,
        data_dir: Path,
        team: TeamProvider,
        party: PartyProvider,
        **options: Any,
    ) -> PartyInjectionHook:
        """A hook for Rose's data folder (``%LOCALAPPDATA%\\Rose``): ``skins`` and
        ``mods/skins`` below it. ``options`` are the keyword options of the constructor."""
        return cls(data_dir / "skins", data_dir / "mods" / "skins", team, party, **options)

    @property
    def last_report(self) -> InjectionReport:
        """The report of the latest preparation (empty before the first game)."""
        return self._last_report

    # -- entry points -------------------------------------------------------------------

    def prepare_party_mods(self, injector: RoseInjector) -> list[str]:
        """Rose's ``extra_mods_callback``: unpack friends' skins, return their folder names.

        Works the same whether or not our own skin is the default one. Never raises.
        """
        return self.prepare(injector).mod_names

    def inject_party_skins_only(
        self, injector: RoseInjector, run_overlay: Callable[[list[str]], bool]
    ) -> InjectionReport:
        """Party-only injection, for games where Rose injects nothing of ours (default skin).

        Prepares the friends' mods and, if there are any, hands their names to ``run_overlay``
        (Rose's mkoverlay + runoverlay). ``overlay_ok`` in the report tells how that went.
        Never raises.
        """
        report = self._build_report(injector)
        names = report.mod_names
        if names:
            try:
                ok = bool(run_overlay(names))
            except Exception:
                log.exception("[party-hook] party-only injection: the overlay runner failed")
                ok = False
            report = dataclasses.replace(report, overlay_ok=ok)
        else:
            log.info("[party-hook] party-only injection: no friend's skin to inject")
        self._publish(report)
        return report

    def cleanup(self, injector: RoseInjector) -> list[str]:
        """Remove every mod folder this hook created in ``injector.mods_dir``."""
        with self._lock:
            return OwnedFolders(Path(injector.mods_dir)).remove_all()

    def prepare(self, injector: RoseInjector) -> InjectionReport:
        """Do the work of :meth:`prepare_party_mods` and return the full report."""
        report = self._build_report(injector)
        self._publish(report)
        return report

    # -- internals ----------------------------------------------------------------------

    def _build_report(self, injector: RoseInjector) -> InjectionReport:
        with self._lock:
            try:
                return self._prepare_locked(Path(injector.mods_dir))
            except Exception:
                log.exception("[party-hook] party mods could not be prepared; injecting none")
                return InjectionReport()

    def _publish(self, report: InjectionReport) -> None:
        self._last_report = report
        if self._on_report is not None:
            try:
                self._on_report(report)
            except Exception:
                log.exception("[party-hook] the injection report listener failed")

    def _prepare_locked(self, mods_dir: Path) -> InjectionReport:
        mods_dir.mkdir(parents=True, exist_ok=True)
        owned = OwnedFolders(mods_dir)
        removed = tuple(owned.remove_all())
        if removed:
            log.info("[party-hook] removed %d party mod folder(s) left over", len(removed))
        try:
            team = self._team()
            skins = list(self._party())
        except Exception:
            log.exception("[party-hook] the team or party provider failed; no party mods")
            return InjectionReport(removed_leftovers=removed)

        outcomes: list[MemberOutcome] = []
        for decision in plan_injection(team, skins):
            if isinstance(decision, MemberOutcome):
                outcomes.append(decision)
                continue
            try:
                outcome = self._resolve(decision, mods_dir, owned)
            except Exception as exc:
                log.exception("[party-hook] party mod %s failed", decision.mod_name)
                outcome = MemberOutcome(decision.skin, MemberStatus.REJECTED, f"failed: {exc}")
            outcomes.append(outcome)
        for outcome in outcomes:
            # %r: names come from peers, and must not forge log lines
            log.info(
                "[party-hook] member %r champion %d: %s %r",
                outcome.skin.display_name,
                outcome.skin.champion_id,
                outcome.status.value,
                outcome.detail,
            )
        return InjectionReport(tuple(outcomes), removed_leftovers=removed)

    def _resolve(self, planned: PlannedSkin, mods_dir: Path, owned: OwnedFolders) -> MemberOutcome:
        skin = planned.skin
        notes: list[str] = []

        def injected(source: Path, what: str) -> MemberOutcome:
            detail = "; ".join([what, *notes])
            return MemberOutcome(skin, MemberStatus.INJECTED, detail, planned.mod_name, source)

        if planned.custom_hash is not None:
            found = self._index.find(planned.custom_hash, skin.champion_id, skin.skin_id)
            if found is None:
                notes.append("custom mod not found locally, using the skin instead")
            else:
                try:
                    self._unpack(found.path, planned.mod_name, mods_dir, owned, custom=True)
                except ArchiveRejectedError as exc:
                    return MemberOutcome(skin, MemberStatus.REJECTED, f"custom mod: {exc}")
                return injected(found.path, "custom mod")

        rejected = False
        for rel in planned.candidates:
            path = self._skins_root.joinpath(*rel.parts)
            if not os.path.lexists(path):
                continue
            if not path.is_file() or not is_within(self._skins_root, path):
                notes.append(f"{rel.name} is not a file inside the skins folder")
                rejected = True
                continue
            try:
                self._unpack(path, planned.mod_name, mods_dir, owned, custom=False)
            except ArchiveRejectedError as exc:
                notes.append(f"{rel.name}: {exc}")
                rejected = True
                continue
            what = "chroma" if len(rel.parts) == 4 else "skin"
            return injected(path, what)

        if rejected:
            return MemberOutcome(skin, MemberStatus.REJECTED, "; ".join(notes))
        wanted = f"skin {skin.skin_id}" + (
            f" / chroma {skin.chroma_id}" if skin.chroma_id is not None else ""
        )
        detail = "; ".join([f"no local file for {wanted}", *notes])
        return MemberOutcome(skin, MemberStatus.MISSING_LOCALLY, detail)

    def _unpack(
        self, source: Path, name: str, mods_dir: Path, owned: OwnedFolders, *, custom: bool
    ) -> None:
        """Unpack ``source`` into ``mods_dir/name``; raises ArchiveRejectedError."""
        if not is_party_mod_name(name):  # defence in depth: names come from the planner
            raise ArchiveRejectedError(f"refusing mod folder name {name!r}")
        if custom and not is_within(self._index.root, source):
            raise ArchiveRejectedError("custom mod lies outside the mods folder")
        dest = mods_dir / name
        if os.path.lexists(dest):
            if not owned.owns(name) or not owned.remove(name):
                raise ArchiveRejectedError(f"the mods folder already holds a foreign {name!r}")
        owned.claim(name)
        dest.mkdir()
        try:
            if custom and source.is_dir():
                copy_mod_folder(source, dest, self._limits)
            else:
                extract_archive(source, dest, self._limits)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
