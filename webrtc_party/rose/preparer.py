"""The engine of the party injection hook: friends' skins unpacked as extra mod folders.

Rose's injector calls ``extra_mods_callback(injector) -> list[str]`` from its injection thread
and adds the returned folder names (already unpacked under ``injector.mods_dir``) to the one
overlay it builds. :class:`PartyModPreparer` does that work for given folders and providers:
it asks for MY team (the League client's view) and the party's skin selections, lets
:func:`~webrtc_party.rose.planning.plan_injection` decide who gets what, finds the files the
way Rose does (:mod:`~webrtc_party.rose.layout`, :mod:`~webrtc_party.rose.forms`, the custom-mod
index) and unpacks them with :mod:`~webrtc_party.rose.archive`'s limits.

Loud, not silent: whenever a friend on my team does not get exactly what they picked, the
outcome's ``detail`` says why in a sentence the panel shows, and a WARNING naming the friend
goes to the ``webrtc_party.rose.preparer`` logger (Rose's root handlers write it to Rose's log).
Problems never raise. Rose's own hook is :class:`~webrtc_party.rose.injection.PartyInjectionHook`.
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
from webrtc_party.rose.forms import form_of, is_form_skin
from webrtc_party.rose.layout import Candidate, skin_file_candidates
from webrtc_party.rose.modindex import CustomModIndex, shared_index
from webrtc_party.rose.outcomes import describe_look, is_warning
from webrtc_party.rose.ownership import OwnedFolders
from webrtc_party.rose.planning import PlannedSkin, is_party_mod_name, plan_injection
from webrtc_party.rose.records import (
    InjectionReport,
    InjectionStatus,
    MemberOutcome,
    PartySkin,
    TeamView,
)

__all__ = ["PartyModPreparer", "RoseInjector"]

log = logging.getLogger(__name__)

TeamProvider = Callable[[], TeamView | None]
PartyProvider = Callable[[], Sequence[PartySkin]]

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def _mods_dir_lock(mods_dir: Path) -> threading.Lock:
    """One lock per mods folder for the whole process: hooks are built per injection."""
    key = os.path.abspath(mods_dir)
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(key, threading.Lock())


class RoseInjector(Protocol):
    """What the preparer needs from Rose's injector: the folder that holds extracted mods."""

    @property
    def mods_dir(self) -> Path: ...


class PartyModPreparer:
    """Prepares friends' skins as extra mod folders for Rose's overlay (thread-safe, sync).

    ``skins_root`` is Rose's skins folder (``{champion}/{skin}/...``); ``custom_mods_root`` is
    Rose's ``mods/skins`` folder (``{skin_id}/<mod>``). ``team`` and ``party`` are called once
    per game from Rose's injection thread and must not block on an event loop. Building one is
    cheap (no I/O): the custom-mod index is the process-wide one of its folder
    (:func:`~webrtc_party.rose.modindex.shared_index`) unless ``mod_index`` is given.
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
        self._skins_root = Path(skins_root)
        self._custom_root = Path(custom_mods_root)
        self._team = team
        self._party = party
        self._limits = limits
        self._index = mod_index
        self._on_report = on_report
        self._last_report = InjectionReport()

    @classmethod
    def from_rose_data_dir(
        cls,
        data_dir: Path,
        team: TeamProvider,
        party: PartyProvider,
        **options: Any,
    ) -> PartyModPreparer:
        """A preparer for Rose's data folder (``%LOCALAPPDATA%\\Rose``): ``skins`` and
        ``mods/skins`` below it. ``options`` are the keyword options of the constructor."""
        return cls(data_dir / "skins", data_dir / "mods" / "skins", team, party, **options)

    @property
    def index(self) -> CustomModIndex:
        if self._index is None:
            self._index = shared_index(self._custom_root, self._limits)
        return self._index

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
                log.exception("[PARTY] party-only injection: the overlay runner failed")
                ok = False
            report = dataclasses.replace(report, overlay_ok=ok)
        else:
            log.info("[PARTY] party-only injection: no friend's skin to inject")
        self._publish(report)
        return report

    def cleanup(self, injector: RoseInjector) -> list[str]:
        """Remove every mod folder a party hook created in ``injector.mods_dir``."""
        mods_dir = Path(injector.mods_dir)
        with _mods_dir_lock(mods_dir):
            return OwnedFolders(mods_dir).remove_all()

    def prepare(self, injector: RoseInjector) -> InjectionReport:
        """Do the work of :meth:`prepare_party_mods` and return the full report."""
        report = self._build_report(injector)
        self._publish(report)
        return report

    # -- internals ----------------------------------------------------------------------

    def _build_report(self, injector: RoseInjector) -> InjectionReport:
        try:
            mods_dir = Path(injector.mods_dir)
            with _mods_dir_lock(mods_dir):
                return self._prepare_locked(mods_dir)
        except Exception as exc:
            log.warning("[PARTY] friends' skins could not be prepared, none injected: %s", exc)
            log.debug("[PARTY] preparation failure", exc_info=True)
            return InjectionReport()

    def _publish(self, report: InjectionReport) -> None:
        self._last_report = report
        if self._on_report is not None:
            try:
                self._on_report(report)
            except Exception:
                log.exception("[PARTY] the injection report listener failed")

    def _prepare_locked(self, mods_dir: Path) -> InjectionReport:
        mods_dir.mkdir(parents=True, exist_ok=True)
        owned = OwnedFolders(mods_dir)
        removed = tuple(owned.remove_all())
        if removed:
            log.info("[PARTY] removed %d party mod folder(s) left over", len(removed))
        try:
            team = self._team()
            skins = list(self._party())
        except Exception as exc:
            log.warning("[PARTY] the party could not be read, no friends' skins: %s", exc)
            return InjectionReport(removed_leftovers=removed)

        outcomes: list[MemberOutcome] = []
        for decision in plan_injection(team, skins):
            if isinstance(decision, MemberOutcome):
                outcomes.append(decision)
                continue
            try:
                outcome = self._resolve(decision, mods_dir, owned)
            except Exception as exc:
                log.debug("[PARTY] party mod %s failed", decision.mod_name, exc_info=True)
                for name in (decision.carrier_name, decision.mod_name):
                    if name is not None and owned.owns(name):
                        owned.remove(name)
                outcome = MemberOutcome(
                    decision.skin, InjectionStatus.REJECTED, f"could not be prepared: {exc}"
                )
            outcomes.append(outcome)
        for outcome in outcomes:
            # %r: names come from peers, and must not forge log lines
            level = logging.WARNING if is_warning(outcome, team) else logging.INFO
            log.log(
                level,
                "[PARTY] friend %r, champion %d: %s: %s",
                outcome.skin.display_name,
                outcome.skin.champion_id,
                outcome.status.value,
                outcome.detail,
            )
        return InjectionReport(tuple(outcomes), removed_leftovers=removed)

    def _resolve(self, planned: PlannedSkin, mods_dir: Path, owned: OwnedFolders) -> MemberOutcome:
        skin = planned.skin
        look = describe_look(planned.skin_id, planned.chroma_id)
        if planned.custom_hash is not None and skin.custom_mod is not None:
            label = skin.custom_mod.display_name
            found = self.index.find(planned.custom_hash, skin.champion_id, planned.skin_id)
            if found is not None:
                return self._resolve_custom(planned, found.path, label, look, mods_dir, owned)
            outcome = self._resolve_look(planned, look, mods_dir, owned)
            missing = f"custom mod not found locally: {label!r} is not on this PC"
            if outcome.status is not InjectionStatus.INJECTED:
                return dataclasses.replace(outcome, detail=f"{missing}, and {outcome.detail}")
            return dataclasses.replace(
                outcome,
                degraded=True,
                detail=f"custom mod not found locally, using the skin instead: {label!r} is "
                f"not on this PC (same content under any name would do); {outcome.detail}",
            )
        return self._resolve_look(planned, look, mods_dir, owned)

    def _resolve_custom(
        self,
        planned: PlannedSkin,
        source: Path,
        label: str,
        look: str,
        mods_dir: Path,
        owned: OwnedFolders,
    ) -> MemberOutcome:
        skin = planned.skin
        carrier: Candidate | None = None
        detail = f"custom mod {label!r} for {look}"
        degraded = False
        if planned.carrier_name is not None:
            carrier, problems = self._unpack_look(planned, planned.carrier_name, mods_dir, owned)
            if carrier is None:
                why = "; ".join(problems) or "not installed on this PC"
                degraded = True
                detail += (
                    f", without its carrier: {look} is {why}, so the mod shows only if they "
                    "own that skin"
                )
            else:
                detail += f", with its carrier {carrier.path.name}"
        try:
            self._unpack(source, planned.mod_name, mods_dir, owned, custom=True)
        except ArchiveRejectedError as exc:
            if carrier is not None and planned.carrier_name is not None:
                owned.remove(planned.carrier_name)
            return MemberOutcome(
                skin, InjectionStatus.REJECTED, f"custom mod {label!r} was refused: {exc}"
            )
        return MemberOutcome(
            skin,
            InjectionStatus.INJECTED,
            detail,
            planned.mod_name,
            source,
            carrier_name=None if carrier is None else planned.carrier_name,
            degraded=degraded,
        )

    def _resolve_look(
        self, planned: PlannedSkin, look: str, mods_dir: Path, owned: OwnedFolders
    ) -> MemberOutcome:
        skin = planned.skin
        found, problems = self._unpack_look(planned, planned.mod_name, mods_dir, owned)
        if found is None:
            if problems:
                return MemberOutcome(
                    skin,
                    InjectionStatus.REJECTED,
                    f"{look} could not be used: {'; '.join(problems)}",
                )
            return MemberOutcome(
                skin,
                InjectionStatus.MISSING_LOCALLY,
                f"{look} is not installed on this PC (Rose's skins folder has no file for it)",
            )
        chroma = planned.chroma_id
        missed = ""
        if chroma is not None and found.kind == "skin":
            form = form_of(chroma)
            if form is not None:
                missed = f"without form {form.name} ({chroma}): its file is not on this PC"
            elif is_form_skin(planned.skin_id):
                missed = f"without form {chroma}: Rose knows no such form"
            else:
                missed = f"without chroma {chroma}: it is not installed on this PC"
        what = describe_look(planned.skin_id, None) if missed else look
        detail = f"{what} ({found.path.name})"
        notes = [missed] if missed else []
        if problems:
            notes.append("skipped: " + "; ".join(problems))
        return MemberOutcome(
            skin,
            InjectionStatus.INJECTED,
            " ".join([detail, *notes]),
            planned.mod_name,
            found.path,
            degraded=bool(missed),
        )

    def _unpack_look(
        self, planned: PlannedSkin, name: str, mods_dir: Path, owned: OwnedFolders
    ) -> tuple[Candidate | None, list[str]]:
        """Unpack the best file for the member's look into ``name``; (found, problems)."""
        problems: list[str] = []
        root = self._skins_root
        champion = planned.skin.champion_id
        for candidate in skin_file_candidates(root, champion, planned.skin_id, planned.chroma_id):
            path = candidate.path
            if not os.path.lexists(path):
                continue
            if not path.is_file() or not is_within(root, path):
                problems.append(f"{path.name} is not a file inside the skins folder")
                continue
            try:
                self._unpack(path, name, mods_dir, owned, custom=False)
            except ArchiveRejectedError as exc:
                problems.append(f"{path.name} was refused: {exc}")
                continue
            return candidate, problems
        return None, problems

    def _unpack(
        self, source: Path, name: str, mods_dir: Path, owned: OwnedFolders, *, custom: bool
    ) -> None:
        """Unpack ``source`` into ``mods_dir/name``; raises ArchiveRejectedError."""
        if not is_party_mod_name(name):  # defence in depth: names come from the planner
            raise ArchiveRejectedError(f"refusing mod folder name {name!r}")
        if custom and not is_within(self.index.root, source):
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
