"""Pure mapping: Rose's ``SharedState`` -> what Rose will inject for us, as a party pick.

No I/O: the caller passes a SharedState-like object (any object with Rose's attribute names),
a chroma -> base skin lookup and the custom-mods root; :func:`read_pick` says what Rose will
inject, in Rose's own order of precedence (Rose at 59922fc):

0. Swiftplay (``is_swiftplay_mode`` + ``swiftplay_skin_tracking`` {champion_id: skin_id}):
   Rose's Swiftplay path injects exactly that dict, one skin per champion, and nothing else,
   so :func:`read_picks` gives every entry (the locked champion first) and :func:`read_pick`
   the first; threads/handlers/swiftplay_handler.py 438-547;
1. ``selected_custom_mod`` (a dict: skin_id, champion_id, mod_name, mod_path, relative_path),
   threads/handlers/injection_trigger.py 182-190 and 608-666;
2. historic mode (``historic_mode_active`` + ``historic_skin_id``: a skin/chroma id or
   ``"path:skins/<skin_id>/<file>"`` for a custom mod), threads/utilities/skin_name_resolver.py
   78-126;
3. random mode (``random_mode_active`` + ``random_skin_id``), skin_name_resolver.py 128-143;
4. the hovered skin ``last_hovered_skin_id`` (may be an unowned skin, a chroma or a form's fake
   id) with ``selected_chroma_id``, skin_name_resolver.py 145-157, injection_trigger.py 154-172.

``selected_skin_id`` is the OWNED skin the client shows (Rose forces the base skin for an
unowned pick), so it is never used. Forms (ui/chroma/special_cases.py) are carried as a
``chroma_id`` of their base skin. The custom mod's file is hashed by the caller
(:func:`webrtc_party.rose.modindex.content_hash`, off the event loop); :func:`to_selection`
then builds the announced :class:`~webrtc_party.party.Selection`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webrtc_party.party import MAX_SELECTIONS, CustomMod, FieldError, Selection, Source

__all__ = [
    "FORM_BASES",
    "ChromaParent",
    "RosePick",
    "form_base",
    "read_pick",
    "read_picks",
    "to_selection",
    "to_selections",
]

ChromaParent = Callable[[int], int | None]
"""A chroma id -> its base skin id (None: not a chroma), e.g. ``GameData.chroma_parents.get``."""

# Rose's forms: fake or real ids shown as chromas of one base skin (ui/chroma/special_cases.py).
FORM_BASES: Mapping[int, int] = {
    **{i: 99007 for i in range(99991, 100000)},  # Elementalist Lux
    82998: 82054,  # Sahn Uzal Mordekaiser
    82999: 82054,
    25999: 25080,  # Spirit Blossom Morgana
    875998: 875066,  # Radiant Sett
    875999: 875066,
    147002: 147001,  # K/DA ALL OUT Seraphine
    147003: 147001,
    **{i: 234043 for i in range(234994, 235000)},  # Viego
    21997: 21016,  # Gun Goddess Miss Fortune
    21998: 21016,
    21999: 21016,
}
_CHROMA_SPAN = 100  # Rose's own check: a chroma id lies within base+1 .. base+99


def form_base(skin_id: int) -> int | None:
    return FORM_BASES.get(skin_id)


@dataclass(frozen=True)
class RosePick:
    """What Rose will inject for us. ``mod_path``: the custom mod's file or folder."""

    champion_id: int
    skin_id: int
    chroma_id: int | None
    source: Source
    mod_path: Path | None = None
    mod_name: str | None = None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value) or None
    return None


def _split(skin_id: int, parent: ChromaParent) -> tuple[int, int | None]:
    """A hovered id -> (base skin, chroma or form)."""
    base = form_base(skin_id)
    if base is not None:
        return base, skin_id
    base = parent(skin_id)
    if base is not None and base != skin_id:
        return base, skin_id
    return skin_id, None


def _champion(state: Any) -> int | None:
    return _int(getattr(state, "locked_champ_id", None)) or _int(
        getattr(state, "hovered_champ_id", None)
    )


def _with_champion(skin_id: int, chroma: int | None, source: Source) -> RosePick:
    return RosePick(skin_id // 1000, skin_id, chroma, source)


def _custom(state: Any, mods_root: Path | None) -> RosePick | None:
    mod = getattr(state, "selected_custom_mod", None)
    if not isinstance(mod, Mapping):
        return None
    skin_id = _int(mod.get("skin_id")) or _int(getattr(state, "last_hovered_skin_id", None))
    if skin_id is None:
        return None
    skin_id = form_base(skin_id) or skin_id
    raw = mod.get("mod_path")
    path: Path | None = Path(raw) if isinstance(raw, str) and raw else None
    rel = mod.get("relative_path")
    if path is None and isinstance(rel, str) and rel and mods_root is not None:
        path = mods_root / rel
    if path is None:
        return None
    name = mod.get("mod_name") or mod.get("mod_folder_name") or path.stem
    champion = _int(mod.get("champion_id")) or skin_id // 1000
    return RosePick(champion, skin_id, None, Source.CUSTOM, path, str(name))


def _historic(state: Any, parent: ChromaParent, mods_root: Path | None) -> RosePick | None:
    if not getattr(state, "historic_mode_active", False):
        return None
    value = getattr(state, "historic_skin_id", None)
    if isinstance(value, str) and value.startswith("path:"):
        rel = value[5:].replace("\\", "/")
        parts = rel.split("/")
        skin_id = _int(parts[1]) if len(parts) >= 3 and parts[0] == "skins" else None
        if skin_id is None or mods_root is None:
            return None
        path = mods_root / rel
        return RosePick(skin_id // 1000, skin_id, None, Source.CUSTOM, path, path.stem)
    skin_id = _int(value)
    if skin_id is None:
        return None
    return _with_champion(*_split(skin_id, parent), Source.HISTORIC)


def _random(state: Any, parent: ChromaParent) -> RosePick | None:
    if not getattr(state, "random_mode_active", False):
        return None
    skin_id = _int(getattr(state, "random_skin_id", None))
    if skin_id is None:
        return None
    return _with_champion(*_split(skin_id, parent), Source.RANDOM)


def _swiftplay_all(state: Any, parent: ChromaParent) -> tuple[RosePick, ...]:
    """Every Swiftplay pick, as Rose's Swiftplay path injects them: each entry of
    ``swiftplay_skin_tracking`` ({champion_id: skin, chroma or form id}, threads/handlers/
    swiftplay_handler.py 438-547), the locked champion first, one per champion, at most
    ``MAX_SELECTIONS``."""
    if not getattr(state, "is_swiftplay_mode", False):
        return ()
    tracking = getattr(state, "swiftplay_skin_tracking", None)
    if not isinstance(tracking, Mapping) or not tracking:
        return ()
    try:
        entries = list(tracking.items())  # Rose's threads mutate it under swiftplay_lock
    except RuntimeError:
        return ()
    champion = _champion(state)
    entries.sort(key=lambda kv: _int(kv[0]) != champion)  # stable: the locked one first
    out: list[RosePick] = []
    for key, value in entries:
        skin_id = _int(value)
        if skin_id is None:
            continue
        base, chroma = _split(skin_id, parent)
        pick = _with_champion(base, chroma, Source.CHROMA if chroma else Source.PICKED)
        keyed = _int(key)
        if keyed is not None and keyed != pick.champion_id:
            continue  # Rose would inject this skin for another champion: not a pick of it
        if all(p.champion_id != pick.champion_id for p in out):
            out.append(pick)
    return tuple(out[:MAX_SELECTIONS])


def _hovered(state: Any, parent: ChromaParent) -> RosePick | None:
    hovered = _int(getattr(state, "last_hovered_skin_id", None))
    if hovered is None:
        return None
    base, chroma = _split(hovered, parent)
    selected = _int(getattr(state, "selected_chroma_id", None))
    if chroma is None and selected is not None:
        if form_base(selected) == base or base < selected < base + _CHROMA_SPAN:
            chroma = selected
    return _with_champion(base, chroma, Source.CHROMA if chroma else Source.PICKED)


def read_pick(
    state: Any,
    chroma_parent: ChromaParent = lambda _id: None,
    mods_root: Path | None = None,
) -> RosePick | None:
    """What Rose will inject for us now, or None (nothing hovered, or a stale champion)."""
    swiftplay = _swiftplay_all(state, chroma_parent)
    if swiftplay:
        return swiftplay[0]  # Rose's Swiftplay path ignores custom, historic and random picks
    pick = (
        _custom(state, mods_root)
        or _historic(state, chroma_parent, mods_root)
        or _random(state, chroma_parent)
        or _hovered(state, chroma_parent)
    )
    if pick is None:
        return None
    champion = _champion(state)
    swift = bool(getattr(state, "is_swiftplay_mode", False))
    if champion is not None and champion != pick.champion_id and not swift:
        return None  # Rose refuses a skin of another champion (injection_trigger.py 156-162)
    return pick


def read_picks(
    state: Any,
    chroma_parent: ChromaParent = lambda _id: None,
    mods_root: Path | None = None,
) -> tuple[RosePick, ...]:
    """Everything Rose will inject for us now, first pick first (empty: nothing).

    In Swiftplay, Rose's Swiftplay path injects exactly its tracking (one skin per champion,
    both champions), so those are the picks; anywhere else the one pick of :func:`read_pick`.
    """
    picks = _swiftplay_all(state, chroma_parent)
    if picks:
        return picks
    pick = read_pick(state, chroma_parent, mods_root)
    return () if pick is None else (pick,)


def to_selection(pick: RosePick | None, mod: CustomMod | None = None) -> Selection | None:
    """The announced selection; ``mod`` is the hashed custom mod of a ``custom`` pick."""
    if pick is None:
        return None
    try:
        if pick.source is Source.CUSTOM:
            if mod is None:
                return Selection(pick.champion_id, pick.skin_id, None, None, Source.PICKED)
            return Selection(pick.champion_id, pick.skin_id, None, mod, Source.CUSTOM)
        return Selection(pick.champion_id, pick.skin_id, pick.chroma_id, None, pick.source)
    except FieldError:
        return None  # ids no skin numbering allows: announce nothing


def to_selections(
    picks: tuple[RosePick, ...], mods: Mapping[int, CustomMod | None] | None = None
) -> tuple[Selection, ...]:
    """The announced selections, first pick first; ``mods`` maps a pick's index to its
    hashed custom mod. A pick no skin numbering allows is left out."""
    out: list[Selection] = []
    for index, pick in enumerate(picks):
        sel = to_selection(pick, (mods or {}).get(index))
        if sel is not None and all(s.champion_id != sel.champion_id for s in out):
            out.append(sel)
    return tuple(out)
