"""A chroma id -> its base skin, the way Rose knows it.

Rose hovers chromas by id (``last_hovered_skin_id``); we announce ``(base skin, chroma)``. Our
bundled game data knows only a handful of chromas, and Rose's own chroma table lives in its
skin scraper, which Rose does not hand its party manager (at 59922fc the manager gets ``lcu``,
the state and the injection manager, and the injection manager holds no scraper). So:

1. our bundled game data (``GameData.chroma_parents``);
2. Rose's skins folder, where a chroma Rose can inject lives at ``{champion}/{skin}/{chroma}/``
   (injection/mods/zip_resolver.py): the skin folder holding a folder named for the chroma.
   Rose only injects a chroma whose file it has, so what we announce is found here.

Answers are cached (a miss too, for a while: the folder may fill in later). Never raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["ChromaParents"]

_MISS_TTL = 30.0  # seconds before a miss is looked up again


class ChromaParents:
    """Callable ``chroma_id -> base skin id | None``; cheap after the first call per id."""

    def __init__(
        self,
        *,
        bundled: Mapping[int, int] | None = None,
        skins_dir: Path | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._bundled = bundled or {}
        self._skins_dir = skins_dir
        self._clock = clock or time.monotonic
        self._known: dict[int, int] = {}
        self._missed: dict[int, float] = {}

    def __call__(self, chroma_id: int) -> int | None:
        if chroma_id in self._known:
            return self._known[chroma_id]
        missed = self._missed.get(chroma_id)
        if missed is not None and self._clock() - missed < _MISS_TTL:
            return None
        found = self._bundled.get(chroma_id) or self._from_folders(chroma_id)
        if found is None or found == chroma_id or found // 1000 != chroma_id // 1000:
            self._missed[chroma_id] = self._clock()
            return None
        self._known[chroma_id] = found
        self._missed.pop(chroma_id, None)
        return found

    def _from_folders(self, chroma_id: int) -> int | None:
        if self._skins_dir is None:
            return None
        champion, name_of = self._skins_dir / str(chroma_id // 1000), str(chroma_id)
        try:
            for skin_dir in champion.iterdir():
                name = skin_dir.name
                if name.isdigit() and name != str(chroma_id) and (skin_dir / name_of).is_dir():
                    return int(name)
        except OSError:
            return None
        return None
