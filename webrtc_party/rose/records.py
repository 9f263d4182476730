"""Plain input and output records of the Rose injection hook.

The League-client tracker and the party node are built elsewhere; an adapter turns their state
into these records. They carry no behaviour beyond validation: every decision lives in
``webrtc_party.rose.planning`` and every file operation in ``webrtc_party.rose.injection``.

Strings that come from a peer (display names, custom-mod names and hashes) are kept as they
are: they are shown to the user, never used as paths. The planner checks the content hash.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from webrtc_party.errors import LocalError

__all__ = [
    "CustomModRef",
    "InjectionReport",
    "InjectionStatus",
    "MemberOutcome",
    "PartySkin",
    "RecordError",
    "TeamView",
    "Teammate",
]


class RecordError(LocalError):
    """A party or team record was built with a value of the wrong type or range.

    The adapter that builds these records from the party state must validate peer input first;
    this error means it let something through that no League client can produce.
    """

    user_message = "A party record got a value no League client can produce (a bug in the adapter)."


def _check_id(name: str, value: object, *, allow_zero: bool = False) -> None:
    # bool is an int subclass; a True champion id is a bug, not a champion.
    if not isinstance(value, int) or isinstance(value, bool):
        raise RecordError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 0 or (value == 0 and not allow_zero):
        raise RecordError(f"{name} must be {'>= 0' if allow_zero else 'positive'}, got {value}")


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, got {type(value).__name__}")


@dataclass(frozen=True)
class CustomModRef:
    """A custom mod chosen by a member, named by the hash of its content.

    ``content_hash`` is the lowercase hex digest defined in ``webrtc_party.rose.modindex``;
    ``display_name`` is for people only and never touches the file system.
    """

    content_hash: str
    display_name: str

    def __post_init__(self) -> None:
        _check_str("content_hash", self.content_hash)
        _check_str("display_name", self.display_name)


@dataclass(frozen=True)
class PartySkin:
    """One champion's skin selection of one party member.

    In swiftplay a member picks several champions: the member then has several records with the
    same ``puuid`` and different ``champion_id``, in the member's order of preference.
    ``stale`` marks a selection we have not heard refreshed recently (link lost, old game).
    """

    puuid: str
    summoner_id: int
    display_name: str
    champion_id: int
    skin_id: int
    chroma_id: int | None = None
    custom_mod: CustomModRef | None = None
    stale: bool = False

    def __post_init__(self) -> None:
        _check_str("puuid", self.puuid)
        _check_str("display_name", self.display_name)
        _check_id("summoner_id", self.summoner_id, allow_zero=True)
        _check_id("champion_id", self.champion_id)
        _check_id("skin_id", self.skin_id)
        if self.chroma_id is not None:
            _check_id("chroma_id", self.chroma_id)
        if self.custom_mod is not None and not isinstance(self.custom_mod, CustomModRef):
            raise RecordError("custom_mod must be a CustomModRef or None")
        if not isinstance(self.stale, bool):
            raise RecordError("stale must be a bool")


@dataclass(frozen=True)
class Teammate:
    """A player on MY team as the League client shows it.

    ``puuid`` is ``""`` for a player the client hides (ranked champ select). ``champion_ids``
    holds the champion the client shows for that player (several in swiftplay; empty or ``0``
    while nothing is picked).
    """

    puuid: str
    champion_ids: tuple[int, ...]

    def __post_init__(self) -> None:
        _check_str("puuid", self.puuid)
        if not isinstance(self.champion_ids, tuple):
            raise RecordError("champion_ids must be a tuple")
        for champion_id in self.champion_ids:
            _check_id("champion_id", champion_id, allow_zero=True)


@dataclass(frozen=True)
class TeamView:
    """My side of the current champion select (or swiftplay lobby), from the League client."""

    my_puuid: str
    my_champion_ids: tuple[int, ...]
    teammates: tuple[Teammate, ...] = ()

    def __post_init__(self) -> None:
        _check_str("my_puuid", self.my_puuid)
        if not isinstance(self.my_champion_ids, tuple) or not isinstance(self.teammates, tuple):
            raise RecordError("my_champion_ids and teammates must be tuples")
        for champion_id in self.my_champion_ids:
            _check_id("my_champion_id", champion_id, allow_zero=True)
        for mate in self.teammates:
            if not isinstance(mate, Teammate):
                raise RecordError("teammates must hold Teammate records")

    @classmethod
    def classic(
        cls, my_puuid: str, my_champion_id: int, teammates: Mapping[str, int] | None = None
    ) -> TeamView:
        """A one-champion-per-player champ select: ``teammates`` maps puuid -> champion id."""
        mates = tuple(Teammate(p, (c,)) for p, c in (teammates or {}).items())
        return cls(my_puuid, (my_champion_id,), mates)

    @classmethod
    def swiftplay(
        cls,
        my_puuid: str,
        my_champion_ids: Iterable[int],
        teammates: Mapping[str, Iterable[int]] | None = None,
    ) -> TeamView:
        """Swiftplay: every player brings several champions."""
        mates = tuple(Teammate(p, tuple(c)) for p, c in (teammates or {}).items())
        return cls(my_puuid, tuple(my_champion_ids), mates)


class InjectionStatus(enum.Enum):
    """What the hook did with one selection of one member."""

    INJECTED = "injected"
    MISSING_LOCALLY = "missing-locally"
    NOT_ON_MY_TEAM = "not-on-my-team"
    CHAMPION_MISMATCH = "champion-mismatch"
    CHAMPION_TAKEN = "champion-taken"
    STALE = "stale"
    DEFAULT_SKIN = "default-skin"
    SELF = "self"
    REJECTED = "rejected"


@dataclass(frozen=True)
class MemberOutcome:
    """The fate of one :class:`PartySkin` in one game; ``detail`` is the sentence the panel
    shows. ``carrier_name`` is the folder of a custom mod's carrier skin (it goes into the
    overlay before ``mod_name``); ``degraded`` marks an injection that is not quite what the
    member picked (a chroma, form or custom mod is missing, their skin is used)."""

    skin: PartySkin
    status: InjectionStatus
    detail: str = ""
    mod_name: str | None = None
    source: Path | None = None
    carrier_name: str | None = None
    degraded: bool = False

    @property
    def puuid(self) -> str:
        return self.skin.puuid

    @property
    def mod_names(self) -> list[str]:
        """This member's folders in overlay order: the carrier, then the mod."""
        return [n for n in (self.carrier_name, self.mod_name) if n is not None]


@dataclass(frozen=True)
class InjectionReport:
    """Everything one call of the hook decided, in input order of the selections."""

    outcomes: tuple[MemberOutcome, ...] = ()
    removed_leftovers: tuple[str, ...] = field(default=())
    overlay_ok: bool | None = None

    @property
    def mod_names(self) -> list[str]:
        """The mod folder names handed to Rose, in the order they were prepared."""
        return [name for o in self.outcomes for name in o.mod_names]

    def for_member(self, puuid: str) -> list[MemberOutcome]:
        return [o for o in self.outcomes if o.skin.puuid == puuid]

    def statuses(self) -> dict[tuple[str, int], InjectionStatus]:
        """``(puuid, champion_id) -> status``, handy for the party state and for tests."""
        return {(o.skin.puuid, o.skin.champion_id): o.status for o in self.outcomes}
