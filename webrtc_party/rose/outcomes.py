"""How the hook puts an outcome into words, and which outcomes Rose's log warns about (pure).

The panel shows ``MemberOutcome.detail`` next to the friend; the same sentence goes into the
WARNING in Rose's log. A warning is due whenever a friend on my team does not get exactly what
they picked: nothing injected (not installed, refused, champion mismatch, stale link) or less
than picked (their chroma, form or custom mod missing, their skin used instead).
"""

from __future__ import annotations

from collections.abc import Iterable

from webrtc_party.rose.forms import form_of
from webrtc_party.rose.records import InjectionStatus, MemberOutcome, TeamView

__all__ = ["OUTCOME_RANK", "describe_look", "is_warning", "worst_outcome"]

OUTCOME_RANK: tuple[InjectionStatus, ...] = (
    InjectionStatus.REJECTED,
    InjectionStatus.MISSING_LOCALLY,
    InjectionStatus.CHAMPION_MISMATCH,
    InjectionStatus.STALE,
    InjectionStatus.CHAMPION_TAKEN,
    InjectionStatus.NOT_ON_MY_TEAM,
    InjectionStatus.DEFAULT_SKIN,
    InjectionStatus.INJECTED,
    InjectionStatus.SELF,
)
"""Outcomes worst first: a member's own ``injection`` is the worst of its picks' outcomes."""

_RANK = {status.value: i for i, status in enumerate(OUTCOME_RANK)}


def worst_outcome(outcomes: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The worst ``(status, detail)`` of a member's picks (the first of equals); None if none.

    A status this build does not know ranks after every known one.
    """
    best: tuple[str, str] | None = None
    for outcome in outcomes:
        if best is None or _RANK.get(outcome[0], len(_RANK)) < _RANK.get(best[0], len(_RANK)):
            best = outcome
    return best


def describe_look(skin_id: int, chroma_id: int | None) -> str:
    """A member's look in words, for the panel: ``skin 222002 with chroma 222010``."""
    form = form_of(chroma_id)
    if form is not None:
        return f"skin {skin_id} in form {form.name} ({form.form_id})"
    if chroma_id is not None:
        return f"skin {skin_id} with chroma {chroma_id}"
    return f"skin {skin_id}"


def is_warning(outcome: MemberOutcome, team: TeamView | None) -> bool:
    """True when a friend on my team does not get what they picked (Rose's log warns)."""
    status = outcome.status
    if status in (InjectionStatus.MISSING_LOCALLY, InjectionStatus.REJECTED):
        return True
    if status is InjectionStatus.CHAMPION_MISMATCH:
        return True
    if status is InjectionStatus.INJECTED:
        return outcome.degraded
    if status is InjectionStatus.STALE and team is not None:
        return any(m.puuid == outcome.puuid for m in team.teammates if m.puuid)
    return False
