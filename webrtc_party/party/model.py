"""What a member is and what it will inject.

A ``Selection`` is the skin a member WILL inject (not what it hovers). A custom
mod travels as a content hash and a display name, never as a path: the
receiver looks the hash up in its own mod folder. A member that injects several
champions (Swiftplay: two picks) has one ``selection`` and up to
``MAX_SELECTIONS - 1`` more in ``extra``, one per champion.
"""

from __future__ import annotations

import base64
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webrtc_party.party._fields import (
    get_b64,
    get_int,
    get_obj,
    get_opt_int,
    get_str,
    printable,
)
from webrtc_party.party.errors import FieldError, ProtocolError

__all__ = [
    "KEY_SIZE",
    "MAX_SELECTIONS",
    "CustomMod",
    "GamePhase",
    "MemberId",
    "MemberIdentity",
    "MemberState",
    "Selection",
    "Source",
    "check_selections",
    "get_member_id",
    "identity_from_json",
    "identity_to_json",
    "selection_tuple",
    "state_from_json",
    "state_to_json",
]

MemberId = str
"""A member is named by its Riot PUUID."""

KEY_SIZE = 32
MAX_CHAMPION_ID = 9_999
MAX_SKIN_NUMBER = 999
MAX_SUMMONER_ID = 2**63 - 1
MAX_MOD_NAME = 64
MAX_SELECTIONS = 4
"""Selections in one member state (Swiftplay needs 2; the rest is headroom for old peers)."""
_PUUID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_HASH = re.compile(r"[0-9a-f]{64}")
_TAG = re.compile(r"[^\s#]{1,8}")


class Source(enum.StrEnum):
    """Why the member will inject this skin."""

    PICKED = "picked"
    CHROMA = "chroma"
    HISTORIC = "historic"
    RANDOM = "random"
    CUSTOM = "custom"


class GamePhase(enum.StrEnum):
    """The League client's game flow phase, as far as the party cares."""

    NONE = "none"
    LOBBY = "lobby"
    MATCHMAKING = "matchmaking"
    CHAMP_SELECT = "champ_select"
    GAME_START = "game_start"
    IN_GAME = "in_game"
    END_OF_GAME = "end_of_game"


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise FieldError(message)


@dataclass(frozen=True, slots=True)
class CustomMod:
    """A custom mod, matched between friends by the SHA-256 of its archive."""

    content_hash: str
    name: str

    def __post_init__(self) -> None:
        _check(bool(_HASH.fullmatch(self.content_hash)), "a mod hash is 64 lowercase hex digits")
        _check(1 <= len(self.name) <= MAX_MOD_NAME, f"a mod name is 1..{MAX_MOD_NAME} characters")
        _check(printable(self.name), "a mod name cannot have control characters")


@dataclass(frozen=True, slots=True)
class Selection:
    """The skin a member will inject: Riot ids are champion * 1000 + number."""

    champion_id: int
    skin_id: int
    chroma_id: int | None = None
    custom: CustomMod | None = None
    source: Source = Source.PICKED

    def __post_init__(self) -> None:
        _check(1 <= self.champion_id <= MAX_CHAMPION_ID, "champion id out of range")
        base = self.champion_id * 1000
        _check(base <= self.skin_id <= base + MAX_SKIN_NUMBER, "skin id is not of this champion")
        if self.chroma_id is not None:
            in_range = base < self.chroma_id <= base + MAX_SKIN_NUMBER
            _check(in_range, "chroma id is not of this champion")
        _check(
            (self.custom is not None) == (self.source is Source.CUSTOM),
            "a custom mod goes with source 'custom' and only with it",
        )
        _check(
            self.source is not Source.CHROMA or self.chroma_id is not None,
            "source 'chroma' needs a chroma id",
        )


def check_selections(selections: tuple[Selection, ...]) -> None:
    """``FieldError`` unless ``selections`` fit one member state: a few, one per champion."""
    _check(
        len(selections) <= MAX_SELECTIONS,
        f"at most {MAX_SELECTIONS} selections per member, got {len(selections)}",
    )
    champions = [s.champion_id for s in selections]
    twice = sorted({c for c in champions if champions.count(c) > 1})
    _check(not twice, f"two selections for champion {', '.join(map(str, twice))}")


def selection_tuple(value: Selection | Sequence[Selection] | None) -> tuple[Selection, ...]:
    """One selection, several (first pick first) or None as a checked tuple (``FieldError``)."""
    if value is None:
        return ()
    if isinstance(value, Selection):
        return (value,)
    out = tuple(value)
    for item in out:
        _check(isinstance(item, Selection), f"not a Selection: {type(item).__name__}")
    check_selections(out)
    return out


@dataclass(frozen=True, slots=True)
class MemberIdentity:
    """Who a member is in League: PUUID, summoner id and Riot ID."""

    puuid: MemberId
    summoner_id: int
    game_name: str
    tag_line: str

    def __post_init__(self) -> None:
        _check(bool(_PUUID.fullmatch(self.puuid)), "a PUUID is 1..100 of [A-Za-z0-9_-]")
        _check(0 <= self.summoner_id <= MAX_SUMMONER_ID, "summoner id out of range")
        _check(1 <= len(self.game_name) <= 32, "a game name is 1..32 characters")
        _check(printable(self.game_name) and "#" not in self.game_name, "bad game name")
        _check(bool(_TAG.fullmatch(self.tag_line)), "a tag line is 1..8 characters, no spaces")

    @property
    def riot_id(self) -> str:
        return f"{self.game_name}#{self.tag_line}"


@dataclass(frozen=True, slots=True)
class MemberState:
    """One signed record: who, with which key, version ``seq``, what it will inject.

    ``selection`` is the first (or only) pick; ``extra`` the member's further champions
    (Swiftplay's second pick), never without a ``selection``. ``selections`` is all of them.
    """

    identity: MemberIdentity
    key: bytes
    seq: int
    selection: Selection | None
    phase: GamePhase
    extra: tuple[Selection, ...] = ()

    def __post_init__(self) -> None:
        _check(len(self.key) == KEY_SIZE, "an Ed25519 public key is 32 bytes")
        _check(0 <= self.seq < 2**53, "sequence number out of range")
        _check(self.selection is not None or not self.extra, "extra selections need a first one")
        check_selections(self.selections)

    @property
    def selections(self) -> tuple[Selection, ...]:
        return () if self.selection is None else (self.selection, *self.extra)

    @property
    def origin(self) -> MemberId:
        return self.identity.puuid


def get_member_id(obj: dict[str, Any], key: str) -> MemberId:
    """Read a member id (a PUUID) from a decoded object, or ``ProtocolError``."""
    value = get_str(obj, key, 1, 100)
    if not _PUUID.fullmatch(value):
        raise ProtocolError(f"field {key!r} is not a member id")
    return value


def identity_to_json(ident: MemberIdentity) -> dict[str, Any]:
    return {"puuid": ident.puuid, "summoner_id": ident.summoner_id, "riot_id": ident.riot_id}


def identity_from_json(obj: dict[str, Any]) -> MemberIdentity:
    riot_id = get_str(obj, "riot_id", 3, 41)
    name, sep, tag = riot_id.rpartition("#")
    if not sep:
        raise ProtocolError("riot_id must be gameName#tagLine")
    try:
        return MemberIdentity(
            puuid=get_member_id(obj, "puuid"),
            summoner_id=get_int(obj, "summoner_id", 0, MAX_SUMMONER_ID),
            game_name=name,
            tag_line=tag,
        )
    except FieldError as exc:
        raise ProtocolError(f"bad member identity: {exc}") from exc


def _selection_to_json(sel: Selection) -> dict[str, Any]:
    out: dict[str, Any] = {
        "champion_id": sel.champion_id,
        "skin_id": sel.skin_id,
        "chroma_id": sel.chroma_id,
        "source": sel.source.value,
        "custom": None,
    }
    if sel.custom is not None:
        out["custom"] = {"hash": sel.custom.content_hash, "name": sel.custom.name}
    return out


def _selection_from_json(obj: dict[str, Any]) -> Selection:
    custom = None
    if obj.get("custom") is not None:
        mod = get_obj(obj, "custom")
        custom = CustomMod(get_str(mod, "hash", 64, 64), get_str(mod, "name", 1, MAX_MOD_NAME))
    source = get_str(obj, "source", 1, 16)
    if source not in Source._value2member_map_:
        raise ProtocolError(f"unknown selection source {source!r}")
    return Selection(
        champion_id=get_int(obj, "champion_id", 1, MAX_CHAMPION_ID),
        skin_id=get_int(obj, "skin_id", 0, 10_000_000),
        chroma_id=get_opt_int(obj, "chroma_id", 0, 10_000_000),
        custom=custom,
        source=Source(source),
    )


def state_to_json(state: MemberState) -> dict[str, Any]:
    out = {
        "member": identity_to_json(state.identity),
        "key": base64.b64encode(state.key).decode("ascii"),
        "seq": state.seq,
        "sel": None if state.selection is None else _selection_to_json(state.selection),
        "phase": state.phase.value,
    }
    if state.extra:  # absent for one pick: the body is then what version-1 peers always sent
        out["extra"] = [_selection_to_json(sel) for sel in state.extra]
    return out


def _extra_from_json(obj: dict[str, Any]) -> tuple[Selection, ...]:
    """The further selections (key ``extra``); an old peer's state has none."""
    raw = obj.get("extra")
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_SELECTIONS - 1:
        count = len(raw) if isinstance(raw, list) else "not a list"
        raise ProtocolError(
            f"field 'extra' must be a list of at most {MAX_SELECTIONS - 1} selections "
            f"({MAX_SELECTIONS} in all), got {count}"
        )
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise ProtocolError("an extra selection must be an object")
        out.append(_selection_from_json(item))
    return tuple(out)


def state_from_json(obj: dict[str, Any]) -> MemberState:
    phase = get_str(obj, "phase", 1, 32)
    if phase not in GamePhase._value2member_map_:
        raise ProtocolError(f"unknown game phase {phase!r}")
    try:
        sel = None if obj.get("sel") is None else _selection_from_json(get_obj(obj, "sel"))
        extra = _extra_from_json(obj)
        return MemberState(
            identity=identity_from_json(get_obj(obj, "member")),
            key=get_b64(obj, "key", KEY_SIZE),
            seq=get_int(obj, "seq"),
            selection=sel,
            phase=GamePhase(phase),
            extra=extra,
        )
    except FieldError as exc:
        raise ProtocolError(f"bad member state: {exc}") from exc
