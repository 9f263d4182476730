"""Pure decisions of the injection hook: whose skin goes in, under which name, from which file.

Nothing here touches the disk or the clock, so every rule is testable with plain records:

* only party members on MY team count: matched by puuid (hidden players have none), and the
  champion the member claims must be one the League client shows for that teammate;
* stale selections, our own records and default skins inject nothing;
* one skin per champion: our own champions are claimed first (even with the default skin, a
  friend's skin for our champion would restyle ours), then members in puuid order, each
  member's selections in the member's own order. Sorting by puuid makes every client of the
  party pick the same winner whatever order the party state lists members in;
* a skin file is looked for as the chroma (or form) first, then the base skin, ``.zip``
  before ``.fantome``; the relative paths are built from integers only. A form's fake id
  given as the skin (Rose stores it so) is read as that form of its base skin;
* a custom mod for a non-base skin also brings that skin's archive as a *carrier*, in its own
  folder, as Rose does for its own unowned custom-mod picks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from webrtc_party.rose.forms import normalize
from webrtc_party.rose.records import InjectionStatus, MemberOutcome, PartySkin, TeamView

__all__ = [
    "CARRIER_SUFFIX",
    "MOD_FOLDER_PREFIX",
    "SKIN_EXTENSIONS",
    "Decision",
    "PlannedSkin",
    "carrier_folder_name",
    "is_content_hash",
    "is_default_skin",
    "is_party_mod_name",
    "mod_folder_name",
    "plan_injection",
    "skin_candidates",
]

SKIN_EXTENSIONS: tuple[str, ...] = (".zip", ".fantome")
MOD_FOLDER_PREFIX = "party-"

CARRIER_SUFFIX = "-carrier"
_MOD_NAME_RE = re.compile(r"party-[0-9a-f]{12}-[1-9][0-9]{0,8}(?:-carrier)?")
_HASH_RE = re.compile(r"[0-9a-f]{64}")


def mod_folder_name(puuid: str, champion_id: int) -> str:
    """The mod folder name for one member's skin on one champion.

    Built from a digest of the puuid and the champion id only, so nothing a peer types can reach
    the file system, and two members (or two champions of one member) never share a name.
    """
    digest = hashlib.sha256(puuid.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{MOD_FOLDER_PREFIX}{digest}-{int(champion_id)}"


def carrier_folder_name(puuid: str, champion_id: int) -> str:
    """The folder of the carrier skin that goes with a member's custom mod on one champion."""
    return mod_folder_name(puuid, champion_id) + CARRIER_SUFFIX


def is_party_mod_name(name: str) -> bool:
    """True for names :func:`mod_folder_name` can produce (and nothing else)."""
    return _MOD_NAME_RE.fullmatch(name) is not None


def is_content_hash(value: str) -> bool:
    """True for a well-formed content hash: 64 lowercase hex digits."""
    return _HASH_RE.fullmatch(value) is not None


def is_default_skin(skin: PartySkin) -> bool:
    """The champion's base look with no chroma and no custom mod: nothing to inject."""
    return skin.skin_id % 1000 == 0 and skin.chroma_id is None and skin.custom_mod is None


def skin_candidates(
    champion_id: int, skin_id: int, chroma_id: int | None
) -> tuple[PurePosixPath, ...]:
    """Relative paths under the skins root to try, best first: chroma, then base skin."""
    champ, skin = str(int(champion_id)), str(int(skin_id))
    found: list[PurePosixPath] = []
    if chroma_id is not None:
        chroma = str(int(chroma_id))
        found += [PurePosixPath(champ, skin, chroma, chroma + ext) for ext in SKIN_EXTENSIONS]
    found += [PurePosixPath(champ, skin, skin + ext) for ext in SKIN_EXTENSIONS]
    return tuple(found)


@dataclass(frozen=True)
class PlannedSkin:
    """A selection that should be injected if a local file is found for it.

    ``skin_id``/``chroma_id`` are the selection read as Rose reads it (a form as the form of
    its base skin); ``carrier_name`` is set when a custom mod needs its skin as a carrier.
    """

    skin: PartySkin
    mod_name: str
    candidates: tuple[PurePosixPath, ...]
    custom_hash: str | None = None
    skin_id: int = 0
    chroma_id: int | None = None
    carrier_name: str | None = None

    def __post_init__(self) -> None:
        if self.skin_id == 0:  # built without a normalised look: the record's own
            object.__setattr__(self, "skin_id", self.skin.skin_id)
            object.__setattr__(self, "chroma_id", self.skin.chroma_id)


Decision = PlannedSkin | MemberOutcome


def _screen(team: TeamView | None, skin: PartySkin) -> MemberOutcome | None:
    """Rules that look at one selection alone; ``None`` means it may be injected."""

    def out(status: InjectionStatus, detail: str) -> MemberOutcome:
        return MemberOutcome(skin, status, detail)

    if team is not None and skin.puuid and skin.puuid == team.my_puuid:
        return out(InjectionStatus.SELF, "our own selection is injected by Rose itself")
    if skin.stale:
        return out(InjectionStatus.STALE, "selection is out of date")
    if team is None:
        return out(InjectionStatus.NOT_ON_MY_TEAM, "no champion select in progress")
    if not skin.puuid:
        return out(InjectionStatus.NOT_ON_MY_TEAM, "member has no puuid")
    mate = next((m for m in team.teammates if m.puuid == skin.puuid), None)
    if mate is None:
        return out(InjectionStatus.NOT_ON_MY_TEAM, "not on my team in this champion select")
    if skin.champion_id not in mate.champion_ids:
        shown = ", ".join(str(c) for c in mate.champion_ids if c) or "no champion"
        return out(
            InjectionStatus.CHAMPION_MISMATCH,
            f"member says champion {skin.champion_id}, the client shows {shown}",
        )
    if skin.skin_id // 1000 != skin.champion_id:
        return out(
            InjectionStatus.REJECTED,
            f"skin {skin.skin_id} is not a skin of champion {skin.champion_id}",
        )
    if skin.custom_mod is not None and not is_content_hash(skin.custom_mod.content_hash):
        return out(InjectionStatus.REJECTED, "custom mod hash is not 64 lowercase hex digits")
    if is_default_skin(skin):
        return out(InjectionStatus.DEFAULT_SKIN, "default skin: nothing to inject")
    return None


def plan_injection(team: TeamView | None, skins: Sequence[PartySkin]) -> tuple[Decision, ...]:
    """Decide, for every selection in ``skins``, whether to look for its file.

    Returns one decision per input record, in input order: a :class:`PlannedSkin` to resolve
    on disk, or a final :class:`MemberOutcome` explaining why it is skipped.
    """
    decisions: list[Decision | None] = [None] * len(skins)
    eligible: list[int] = []
    for index, skin in enumerate(skins):
        screened = _screen(team, skin)
        if screened is None:
            eligible.append(index)
        else:
            decisions[index] = screened

    owners: dict[int, str] = {}
    if team is not None:
        owners = {c: "" for c in team.my_champion_ids if c}
    # Stable sort: one member's selections keep the member's order.
    for index in sorted(eligible, key=lambda i: skins[i].puuid):
        skin = skins[index]
        owner = owners.get(skin.champion_id)
        if owner is not None:
            who = "we play" if owner == "" else f"{owner} already brings a skin for"
            decisions[index] = MemberOutcome(
                skin, InjectionStatus.CHAMPION_TAKEN, f"{who} champion {skin.champion_id}"
            )
            continue
        owners[skin.champion_id] = skin.display_name or "another member"
        custom = skin.custom_mod.content_hash if skin.custom_mod is not None else None
        skin_id, chroma_id = normalize(skin.skin_id, skin.chroma_id)
        carrier = custom is not None and skin_id % 1000 != 0
        decisions[index] = PlannedSkin(
            skin=skin,
            mod_name=mod_folder_name(skin.puuid, skin.champion_id),
            candidates=skin_candidates(skin.champion_id, skin_id, chroma_id),
            custom_hash=custom,
            skin_id=skin_id,
            chroma_id=chroma_id,
            carrier_name=carrier_folder_name(skin.puuid, skin.champion_id) if carrier else None,
        )
    return tuple(d for d in decisions if d is not None)
