"""Per-pick outcomes (pure): the member's own outcome is the worst of its picks, every status
has a rank, and the warnings name the champion of a two-pick member."""

from __future__ import annotations

import dataclasses

from tests.rose.test_bridge_messages import member
from webrtc_party.rose.control import SelectionInfo
from webrtc_party.rose.outcomes import OUTCOME_RANK, worst_outcome
from webrtc_party.rose.party_view import injection_warnings
from webrtc_party.rose.records import InjectionStatus


def pick(champion: int, name: str | None, status: str | None, detail: str | None) -> SelectionInfo:
    return SelectionInfo(champion, name, champion * 1000 + 1, None, None, None, None, None,
                         status, detail)


def test_every_status_is_ranked_once() -> None:
    assert sorted(s.value for s in OUTCOME_RANK) == sorted(s.value for s in InjectionStatus)


def test_the_worst_outcome_wins_and_the_first_of_equals() -> None:
    assert worst_outcome([]) is None
    assert worst_outcome([("injected", "a"), ("missing-locally", "b")]) == ("missing-locally", "b")
    assert worst_outcome([("missing-locally", "b"), ("injected", "a")]) == ("missing-locally", "b")
    assert worst_outcome([("rejected", "r"), ("missing-locally", "m")]) == ("rejected", "r")
    assert worst_outcome([("stale", "1"), ("stale", "2")]) == ("stale", "1")
    assert worst_outcome([("injected", "i"), ("default-skin", "d")]) == ("default-skin", "d")
    assert worst_outcome([("from-the-future", "x"), ("injected", "i")]) == ("injected", "i")


def test_a_two_pick_member_gets_a_warning_per_failed_pick_naming_its_champion() -> None:
    base = member(riot_id="Jinx#EUW", injection="missing-locally", injection_detail="no 64001")
    two = dataclasses.replace(base, selections=(
        pick(222, "Jinx", "injected", "fine"),
        pick(64, "Lee Sin", "missing-locally", "no 64001"),
    ))
    assert injection_warnings([two]) == ("Jinx#EUW's Lee Sin skin was not injected: no 64001",)
    both = dataclasses.replace(two, selections=(
        pick(222, "Jinx", "rejected", "bad hash"),
        pick(64, None, "missing-locally", "no 64001"),
    ))
    assert injection_warnings([both]) == (
        "Jinx#EUW's Jinx skin was not injected: bad hash",
        "Jinx#EUW's 64 skin was not injected: no 64001",
    )
    one = dataclasses.replace(base, selections=(pick(64, "Lee Sin", "missing-locally", "x"),))
    assert injection_warnings([one]) == ("Jinx#EUW's skin was not injected: x",)
