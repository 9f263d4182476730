"""The pure rules of the hook: who is injected, under which name, from which file."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webrtc_party.errors import LocalError
from webrtc_party.rose.planning import (
    PlannedSkin,
    is_party_mod_name,
    mod_folder_name,
    plan_injection,
    skin_candidates,
)
from webrtc_party.rose.records import (
    CustomModRef,
    InjectionStatus,
    MemberOutcome,
    PartySkin,
    RecordError,
    Teammate,
    TeamView,
)

from .rose_kit import AHRI, JINX, LEE, skin

ME = "me-puuid"
GOOD_HASH = "ab" * 32


def statuses(team: TeamView | None, skins: list[PartySkin]) -> list[InjectionStatus]:
    out: list[InjectionStatus] = []
    for d in plan_injection(team, skins):
        out.append(InjectionStatus.INJECTED if isinstance(d, PlannedSkin) else d.status)
    return out


def test_candidates_chroma_first_then_base_zip_before_fantome() -> None:
    got = [p.as_posix() for p in skin_candidates(AHRI, 103015, 103016)]
    assert got == [
        "103/103015/103016/103016.zip",
        "103/103015/103016/103016.fantome",
        "103/103015/103015.zip",
        "103/103015/103015.fantome",
    ]
    assert [p.as_posix() for p in skin_candidates(AHRI, 103015, None)] == [
        "103/103015/103015.zip",
        "103/103015/103015.fantome",
    ]


def test_teammate_on_my_team_is_planned_with_a_safe_name() -> None:
    team = TeamView.classic(ME, AHRI, {"friend": JINX})
    (decision,) = plan_injection(team, [skin("friend", JINX, 222002, 222010)])
    assert isinstance(decision, PlannedSkin)
    assert decision.mod_name == mod_folder_name("friend", JINX)
    assert decision.candidates[0] == PurePosixPath("222/222002/222010/222010.zip")
    assert decision.custom_hash is None


def test_skips_self_stale_hidden_non_member_and_mismatch() -> None:
    team = TeamView(
        ME,
        (AHRI,),
        (
            Teammate("", (LEE,)),  # hidden player
            Teammate("friend", (JINX,)),
            Teammate("liar", (LEE,)),
        ),
    )
    skins = [
        skin(ME, AHRI, 103015),
        skin("friend", JINX, 222002, stale=True),
        skin("", LEE, 64005),  # a member without puuid never matches a hidden player
        skin("other-team", 51, 51003),
        skin("liar", JINX, 222002),  # claims Jinx, client shows Lee Sin
    ]
    assert statuses(team, skins) == [
        InjectionStatus.SELF,
        InjectionStatus.STALE,
        InjectionStatus.NOT_ON_MY_TEAM,
        InjectionStatus.NOT_ON_MY_TEAM,
        InjectionStatus.CHAMPION_MISMATCH,
    ]
    mismatch = plan_injection(team, skins)[-1]
    assert isinstance(mismatch, MemberOutcome)
    assert "64" in mismatch.detail


def test_no_champ_select_injects_nobody() -> None:
    assert statuses(None, [skin("friend", JINX, 222002)]) == [InjectionStatus.NOT_ON_MY_TEAM]


def test_not_picked_yet_is_a_mismatch() -> None:
    team = TeamView.classic(ME, AHRI, {"friend": 0})
    assert statuses(team, [skin("friend", JINX, 222002)]) == [InjectionStatus.CHAMPION_MISMATCH]


def test_default_skin_injects_nothing_but_default_with_chroma_does() -> None:
    team = TeamView.classic(ME, AHRI, {"a": JINX, "b": LEE})
    got = statuses(team, [skin("a", JINX, 222000), skin("b", LEE, 64000, 64099)])
    assert got == [InjectionStatus.DEFAULT_SKIN, InjectionStatus.INJECTED]


def test_skin_of_another_champion_is_rejected() -> None:
    team = TeamView.classic(ME, AHRI, {"friend": JINX})
    (decision,) = plan_injection(team, [skin("friend", JINX, 103015)])
    assert isinstance(decision, MemberOutcome)
    assert decision.status is InjectionStatus.REJECTED


@pytest.mark.parametrize("bad", ["../../etc/passwd", "AB" * 32, "ab" * 31, "", "/x" * 32])
def test_malformed_custom_hash_is_rejected(bad: str) -> None:
    team = TeamView.classic(ME, AHRI, {"friend": JINX})
    ref = CustomModRef(bad, "../../../evil")
    assert statuses(team, [skin("friend", JINX, 222002, custom=ref)]) == [InjectionStatus.REJECTED]


def test_ours_first_even_with_our_default_skin() -> None:
    # One-for-all style: a friend plays our champion; our choice (even the default) wins.
    team = TeamView.classic(ME, AHRI, {"friend": AHRI})
    (decision,) = plan_injection(team, [skin("friend", AHRI, 103015)])
    assert isinstance(decision, MemberOutcome)
    assert decision.status is InjectionStatus.CHAMPION_TAKEN
    assert "we play" in decision.detail


def test_two_friends_one_champion_lowest_puuid_wins_whatever_the_order() -> None:
    team = TeamView.classic(ME, AHRI, {"bbb": JINX, "aaa": JINX})
    first, second = skin("bbb", JINX, 222002), skin("aaa", JINX, 222010)
    for order in ([first, second], [second, first]):
        decisions = plan_injection(team, order)
        planned = [d for d in decisions if isinstance(d, PlannedSkin)]
        assert [p.skin.puuid for p in planned] == ["aaa"]
        # the report keeps input order
        assert [d.skin.puuid for d in decisions] == [s.puuid for s in order]


def test_swiftplay_several_champions_per_member() -> None:
    team = TeamView.swiftplay(ME, (AHRI, LEE), {"friend": (JINX, 51)})
    skins = [
        skin("friend", JINX, 222002),
        skin("friend", 51, 51003),
        skin("friend", LEE, 64005),  # not one the client shows for the friend
    ]
    decisions = plan_injection(team, skins)
    planned = [d for d in decisions if isinstance(d, PlannedSkin)]
    assert [p.skin.champion_id for p in planned] == [JINX, 51]
    assert len({p.mod_name for p in planned}) == 2
    assert isinstance(decisions[2], MemberOutcome)
    assert decisions[2].status is InjectionStatus.CHAMPION_MISMATCH


def test_swiftplay_our_second_champion_is_claimed_too() -> None:
    team = TeamView.swiftplay(ME, (AHRI, LEE), {"friend": (LEE, JINX)})
    got = statuses(team, [skin("friend", LEE, 64005), skin("friend", JINX, 222002)])
    assert got == [InjectionStatus.CHAMPION_TAKEN, InjectionStatus.INJECTED]


def test_records_validate_types() -> None:
    with pytest.raises(RecordError):
        skin("x", -1, 1)
    with pytest.raises(RecordError):
        PartySkin("x", 1, "n", True, 1)
    with pytest.raises(LocalError):
        Teammate("x", [1])  # type: ignore[arg-type]


@given(puuid=st.text(), champion=st.integers(min_value=1, max_value=999_999))
def test_mod_names_never_escape_the_mods_dir(puuid: str, champion: int) -> None:
    name = mod_folder_name(puuid, champion)
    assert is_party_mod_name(name)
    mods = Path("/srv/mods")
    assert (mods / name).parent == mods
    assert name == mod_folder_name(puuid, champion)


@given(st.text(min_size=1), st.text(min_size=1))
def test_distinct_members_get_distinct_names(a: str, b: str) -> None:
    if a != b:
        assert mod_folder_name(a, AHRI) != mod_folder_name(b, AHRI)


@given(st.text())
def test_only_generated_names_count_as_ours(name: str) -> None:
    if is_party_mod_name(name):
        assert name.startswith("party-") and "/" not in name and "\\" not in name


def test_member_status_is_a_deprecated_alias_of_injection_status() -> None:
    import webrtc_party.rose as rose

    assert rose.MemberStatus is InjectionStatus and "MemberStatus" in rose.__all__
