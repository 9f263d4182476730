"""Does a friend's selection exist in OUR skins folder? (file checks, run off the event loop)

The answer uses the hook's own rules (:func:`~webrtc_party.rose.layout.skin_file_candidates`
and the custom-mod index), so "installed" in the panel means the hook will find a file: the
chroma or form or, failing that, the base skin; a custom mod by its content hash. Results are
cached per selection for ``ttl`` seconds, so the panel can ask often.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from webrtc_party.party import Selection
from webrtc_party.rose.archive import is_within
from webrtc_party.rose.forms import normalize
from webrtc_party.rose.layout import skin_file_candidates
from webrtc_party.rose.modindex import shared_index

__all__ = ["SkinFiles"]

_Key = tuple[int, int, int | None, str | None]


def _key(sel: Selection) -> _Key:
    return (
        sel.champion_id,
        sel.skin_id,
        sel.chroma_id,
        None if sel.custom is None else sel.custom.content_hash,
    )


class SkinFiles:
    """Checks a skins folder (``{champion}/{skin}/...``) and a custom-mods folder.

    ``check`` does file I/O (and may hash a new custom mod): call it in a worker thread.
    ``cached`` never touches the disk and is what the snapshot uses.
    """

    def __init__(
        self,
        skins_root: Path | None,
        custom_mods_root: Path | None = None,
        *,
        ttl: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.skins_root = skins_root
        self._index = None if custom_mods_root is None else shared_index(custom_mods_root)
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[_Key, tuple[float, bool]] = {}

    def cached(self, sel: Selection) -> bool | None:
        if self.skins_root is None:
            return None
        with self._lock:
            hit = self._cache.get(_key(sel))
        return None if hit is None else hit[1]

    def missing(self, selections: Iterable[Selection]) -> list[Selection]:
        """The selections whose cached answer is absent or older than ``ttl``."""
        if self.skins_root is None:
            return []
        now = self._clock()
        with self._lock:
            return [
                s
                for s in selections
                if (hit := self._cache.get(_key(s))) is None or now - hit[0] > self._ttl
            ]

    def check(self, sel: Selection) -> bool | None:
        """Look on disk now and remember the answer."""
        root = self.skins_root
        if root is None:
            return None
        found = self._custom_found(sel) or self._skin_found(root, sel)
        with self._lock:
            self._cache[_key(sel)] = (self._clock(), found)
        return found

    def check_all(self, selections: Iterable[Selection]) -> None:
        for sel in selections:
            self.check(sel)

    def _custom_found(self, sel: Selection) -> bool:
        if sel.custom is None or self._index is None:
            return False
        return self._index.find(sel.custom.content_hash, sel.champion_id, sel.skin_id) is not None

    @staticmethod
    def _skin_found(root: Path, sel: Selection) -> bool:
        if sel.skin_id % 1000 == 0 and sel.chroma_id is None and sel.custom is None:
            return True  # the default look needs no file
        skin_id, chroma_id = normalize(sel.skin_id, sel.chroma_id)
        for candidate in skin_file_candidates(root, sel.champion_id, skin_id, chroma_id):
            if os.path.isfile(candidate.path) and is_within(root, candidate.path):
                return True
        return False
