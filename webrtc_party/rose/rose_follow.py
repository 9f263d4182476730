"""Follow Rose's ``SharedState``: what Rose will inject for us, as the selection we announce.

A cheap poll (4 times a second by default) of a few attributes through the pure
:func:`~webrtc_party.rose.rose_state.read_pick`; a custom mod is hashed off the event loop
(``asyncio.to_thread``) and cached by path and modification time, so an unchanged pick costs
no I/O. ``push(selection)`` is called on the loop only when the selection changes.
In Swiftplay Rose injects one skin per champion: ``selections`` holds them all (first pick
first) and ``selection`` the first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webrtc_party.party import CustomMod, FieldError, Selection
from webrtc_party.rose.archive import ArchiveRejectedError
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.rose_state import ChromaParent, RosePick, read_picks, to_selections

__all__ = ["RoseFollower"]

log = logging.getLogger(__name__)
Hasher = Callable[[Path], str]
_UNSET: Any = object()


class RoseFollower:
    """``await follower.run(push)`` until cancelled. ``problem`` names a mod that failed."""

    def __init__(
        self,
        state: Any,
        *,
        chroma_parent: ChromaParent = lambda _id: None,
        mods_root: Path | None = None,
        hasher: Hasher = content_hash,
        poll: float = 0.25,
    ) -> None:
        self._state = state
        self._parent = chroma_parent
        self._mods_root = mods_root
        self._hasher = hasher
        self._poll = poll
        self._hashes: dict[Path, tuple[float, str]] = {}
        self._last_picks: tuple[RosePick, ...] = _UNSET
        self._last_mtime: float | None = None
        self.selections: tuple[Selection, ...] = ()
        self.problem: str | None = None

    @property
    def selection(self) -> Selection | None:
        """The first (or only) selection, None for none."""
        return self.selections[0] if self.selections else None

    def _hash(self, path: Path) -> tuple[float, str]:
        """In a worker thread: (mtime, content hash), from the cache when unchanged."""
        mtime = path.stat().st_mtime
        cached = self._hashes.get(path)
        if cached is not None and cached[0] == mtime:
            return cached
        found = (mtime, self._hasher(path))
        self._hashes[path] = found
        return found

    async def _mod_of(self, pick: RosePick) -> CustomMod | None:
        assert pick.mod_path is not None
        try:
            mtime, digest = await asyncio.to_thread(self._hash, pick.mod_path)
            self._last_mtime = mtime
            label = (pick.mod_name or pick.mod_path.stem).strip()[:64] or "custom mod"
            mod = CustomMod(digest, label)
        except (OSError, ArchiveRejectedError, FieldError, ValueError) as exc:
            self.problem = f"Your custom mod {pick.mod_path.name} cannot be shared: {exc}"
            log.warning("%s", self.problem)
            return None
        self.problem = None
        return mod

    async def _mtime_changed(self, pick: RosePick) -> bool:
        if pick.mod_path is None:
            return False
        try:
            mtime = await asyncio.to_thread(lambda: pick.mod_path.stat().st_mtime)  # type: ignore[union-attr]
        except OSError:
            return self._last_mtime is not None
        return mtime != self._last_mtime

    async def step(self) -> Selection | None:
        """Read the state once; returns the (possibly unchanged) first selection."""
        await self.step_all()
        return self.selection

    async def step_all(self) -> tuple[Selection, ...]:
        """Read the state once; returns every (possibly unchanged) selection."""
        try:
            picks = read_picks(self._state, self._parent, self._mods_root)
        except Exception:  # Rose's state is shared with its threads: never crash the poll
            log.exception("reading Rose's state failed")
            return self.selections
        if picks == self._last_picks and not await self._any_mtime_changed(picks):
            return self.selections
        self._last_picks = picks
        mods: dict[int, CustomMod | None] = {}
        for index, pick in enumerate(picks):
            if pick.mod_path is not None:
                mods[index] = await self._mod_of(pick)
        if not mods:
            self.problem = None
        self.selections = to_selections(picks, mods)
        return self.selections

    async def _any_mtime_changed(self, picks: tuple[RosePick, ...]) -> bool:
        for pick in picks:
            if await self._mtime_changed(pick):
                return True
        return False

    async def run(self, push: Callable[[Selection | None], None]) -> None:
        last: tuple[Selection, ...] = _UNSET
        while True:
            selections = await self.step_all()
            if selections != last:
                last = selections
                push(self.selection)
            await asyncio.sleep(self._poll)
