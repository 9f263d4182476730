"""Rose's skin forms: the fake chroma ids Rose gives a skin's forms, and the files behind them.

A few skins come in *forms* (Elementalist Lux's elements, Sahn Uzal Mordekaiser, ...). Rose
shows them as chromas with ids it made up and stores that id as the chroma (and as the
hovered skin) of the selection. Rose finds a form's file in one of two ways:

* as a chroma of its base skin, ``skins/{champion}/{base skin}/{form id}/{form id}.zip`` (the
  layout of the skins repository Rose downloads, and what Rose's ``chroma_<id>`` lookup finds);
* by a fixed file name anywhere below the skins folder (``Lux Elementalist Air.zip``), the
  fallback of Rose's zip resolver for the ids it knows.

This table holds the facts (ids, base skins, Rose's file names); nothing here touches the disk.
Every name comes from this table, never from a peer.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FORMS", "FORM_BASE_SKINS", "Form", "form_of", "is_form_skin", "normalize"]


@dataclass(frozen=True)
class Form:
    """One form: its fake chroma id, its base skin and the file stems Rose looks for."""

    form_id: int
    base_skin_id: int
    name: str
    file_stems: tuple[str, ...] = ()

    @property
    def champion_id(self) -> int:
        return self.base_skin_id // 1000


def _forms(base: int, stem: str, names: dict[int, str]) -> list[Form]:
    return [Form(i, base, n, (f"{stem} {n}",) if stem else ()) for i, n in names.items()]


_LUX = {
    99991: "Air",
    99992: "Dark",
    99993: "Ice",
    99994: "Magma",
    99995: "Mystic",
    99996: "Nature",
    99997: "Storm",
    99998: "Water",
    99999: "Fire",
}

_TABLE: list[Form] = [
    *_forms(99007, "Lux Elementalist", _LUX),
    *_forms(82054, "Sahn Uzal Mordekaiser", {82998: "Form 1", 82999: "Form 2"}),
    *_forms(25080, "Spirit Blossom Morgana", {25999: "Form 1"}),
    *_forms(875066, "Radiant Sett", {875998: "Form 2", 875999: "Form 3"}),
    *_forms(147001, "KDA Seraphine", {147002: "Form 1", 147003: "Form 2"}),
    *_forms(
        21016,
        "Gun Goddess Miss Fortune",
        {21997: "Zero Hour", 21998: "Royal Arms", 21999: "Starswarm"},
    ),
    # Rose's chroma panel lists Viego's forms, its zip resolver has no file name for them:
    # they are found only in the chroma layout.
    *_forms(234043, "", {i: f"Form {i - 234992}" for i in range(234994, 235000)}),
]
# Rose's chroma panel names the Fire form's file "Elementalist Lux Fire", its resolver
# "Lux Elementalist Fire": both are looked for.
_TABLE = [
    Form(f.form_id, f.base_skin_id, f.name, (*f.file_stems, "Elementalist Lux Fire"))
    if f.form_id == 99999
    else f
    for f in _TABLE
]

FORMS: dict[int, Form] = {f.form_id: f for f in _TABLE}
FORM_BASE_SKINS: frozenset[int] = frozenset(f.base_skin_id for f in _TABLE)


def form_of(chroma_id: int | None) -> Form | None:
    """The form behind a (fake) chroma id, or None for an ordinary chroma."""
    return None if chroma_id is None else FORMS.get(chroma_id)


def is_form_skin(skin_id: int) -> bool:
    """True for a skin whose "chromas" are forms."""
    return skin_id in FORM_BASE_SKINS


def normalize(skin_id: int, chroma_id: int | None) -> tuple[int, int | None]:
    """A selection as (base skin, chroma or form id).

    Rose stores a form's fake id as the hovered skin too, so a friend's record may name the
    form as its skin: it becomes the form of its base skin here.
    """
    as_skin = FORMS.get(skin_id)
    if as_skin is not None and chroma_id in (None, skin_id):
        return as_skin.base_skin_id, skin_id
    return skin_id, chroma_id
