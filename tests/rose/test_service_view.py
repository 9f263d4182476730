"""The pure mapping (League state, member views) -> snapshot and hook records, no I/O."""

from __future__ import annotations

from dataclasses import replace

import pytest

from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.state import LeaguePick, LeagueState, Lobby, LobbyMember, Player, SelectCell
from webrtc_party.link_events import PathKind
from webrtc_party.party import (
    CustomMod,
    GamePhase,
    MemberIdentity,
    MemberView,
    Reachability,
    Selection,
    Source,
)
from webrtc_party.rose.control import PendingToken, PendingTokenKind
from webrtc_party.rose.party_view import (
    PartyPicture,
    build_picture,
    identity_of,
    party_phase,
    party_selection,
    team_view,
)
from webrtc_party.rose.service import keep_chroma

ME = Player("me-1", 11, "Ahri Main", "EUW")
HASH = "ab" * 32


def view(
    puuid: str,
    sel: Selection | None = None,
    status: Reachability = Reachability.DIRECT,
    *,
    via: str | None = None,
    local: bool = False,
) -> MemberView:
    ident = MemberIdentity(puuid, len(puuid), puuid.title(), "EUW")
    return MemberView(
        puuid, ident, sel, GamePhase.CHAMP_SELECT, 1, status, via, 0.0123, 100.0, local
    )


def cell(puuid: str, champion: int, *, me: bool = False, hidden: bool = False) -> SelectCell:
    return SelectCell(
        cell_id=len(puuid),
        puuid="" if hidden else puuid,
        summoner_id=0,
        champion_id=champion,
        champion_locked=True,
        is_bot=False,
        is_hidden=hidden,
        is_me=me,
    )


def league(**changes: object) -> LeagueState:
    base = LeagueState(
        phase="ChampSelect",
        me=ME,
        premade=(ME, Player("jinx", 2), Player("zed", 3)),
        team=(
            cell("me-1", 103, me=True),
            cell("jinx", 222),
            cell("stranger", 86, hidden=True),
            cell("zed", 238),
        ),
        my_selection=LeaguePick(103, 103001),
    )
    return LeagueState(**{**base.__dict__, **changes})


def picture(state: LeagueState, views: list[MemberView], **kw: object) -> PartyPicture:
    options: dict[str, object] = {
        "enabled": True,
        "league": state,
        "views": views,
        "paths": {},
        "pending": (),
        "names": load_game_data(),
        "installed": lambda sel: sel.skin_id == 222002,
        "my_selection": None,
        "now": 1000.0,
    }
    options |= kw
    return build_picture(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lcu", "party"),
    [
        ("None", GamePhase.NONE),
        ("ReadyCheck", GamePhase.MATCHMAKING),
        ("ChampSelect", GamePhase.CHAMP_SELECT),
        ("InProgress", GamePhase.IN_GAME),
        ("Reconnect", GamePhase.IN_GAME),
        ("PreEndOfGame", GamePhase.END_OF_GAME),
        ("SomethingNew", GamePhase.NONE),
    ],
)
def test_phases(lcu: str, party: GamePhase) -> None:
    assert party_phase(lcu) is party


def test_selection_mapping_keeps_chroma_and_custom() -> None:
    assert party_selection(None) is None
    assert party_selection(LeaguePick(103, 103001)) == Selection(103, 103001)
    chroma = party_selection(LeaguePick(238, 238001, 238004))
    assert chroma == Selection(238, 238001, 238004, None, Source.CHROMA)
    mod = CustomMod(HASH, "Arcane")
    custom = party_selection(LeaguePick(222, 222002), {222002: mod})
    assert custom is not None and custom.custom == mod and custom.source is Source.CUSTOM
    assert party_selection(LeaguePick(222, 999001)) is None  # not this champion's skin
    # in game the client drops the chroma: the one from champ select stays
    assert keep_chroma(chroma, Selection(238, 238001), "InProgress") == chroma
    assert keep_chroma(chroma, Selection(238, 238001), "ChampSelect") == Selection(238, 238001)


def test_identity_needs_a_riot_id() -> None:
    assert identity_of(Player("p", 1)) is None
    assert identity_of(ME) == MemberIdentity("me-1", 11, "Ahri Main", "EUW")


def test_team_view_classic_and_swiftplay() -> None:
    team = team_view(league())
    assert team is not None and team.my_champion_ids == (103,)
    assert [(m.puuid, m.champion_ids) for m in team.teammates] == [
        ("jinx", (222,)),
        ("", (86,)),
        ("zed", (238,)),
    ]
    slots = (LeaguePick(222, 222002), LeaguePick(64, 64000))
    lobby = Lobby(
        "p",
        480,
        "SWIFTPLAY",
        False,
        (
            LobbyMember("me-1", 11, True, False, None, (LeaguePick(103, 103001),)),
            LobbyMember("jinx", 2, False, False, None, slots),
        ),
        (),
        (),
        "me-1",
    )
    swift = team_view(league(team=(), swiftplay=True, lobby=lobby, phase="Lobby"))
    assert swift is not None and swift.my_champion_ids == (103,)
    assert [(m.puuid, m.champion_ids) for m in swift.teammates] == [("jinx", (222, 64))]
    assert team_view(league(team=())) is None
    assert team_view(league(me=None)) is None


def test_records_only_fresh_teammates_and_snapshot_fields() -> None:
    mod = CustomMod(HASH, "Arcane Jinx")
    views = [
        view("me-1", Selection(103, 103001), Reachability.SELF, local=True),
        view("jinx", Selection(222, 222002, None, mod, Source.CUSTOM)),
        view(
            "zed",
            Selection(238, 238001, 238004, None, Source.CHROMA),
            via="jinx",
            status=Reachability.RELAYED,
        ),
        view("other", Selection(99, 99002)),  # in the party, not in this game
        view("gone", Selection(64, 64001), Reachability.LOST),
    ]
    pending = [
        PendingToken(PendingTokenKind.INVITE, "wpiOLD", 900),
        PendingToken(PendingTokenKind.INVITE, "wpiNEW", 1500),
    ]
    pic = picture(
        league(), views, paths={"jinx": PathKind.HOST}, pending=pending, monotonic_now=200.0
    )
    assert [s.puuid for s in pic.skins] == ["jinx", "zed"]
    jinx_rec, zed_rec = pic.skins
    assert jinx_rec.custom_mod is not None and jinx_rec.custom_mod.content_hash == HASH
    assert zed_rec.chroma_id == 238004 and zed_rec.display_name == "Zed#EUW"

    snap = pic.snapshot
    assert snap.pending == (pending[1],)  # the expired invite is gone
    assert snap.me is not None and snap.me.on_team and snap.me.skin_installed is None
    by = {m.puuid: m for m in snap.members}
    assert list(by) == ["gone", "jinx", "other", "zed"]  # sorted by Riot ID
    jinx = by["jinx"]
    assert (jinx.path, jinx.rtt_ms, jinx.status_text) == ("host", 12.3, "direct")
    assert jinx.last_seen == 900.0  # monotonic 100 seen at monotonic 200 = unix 1000
    assert jinx.custom_mod == "Arcane Jinx" and jinx.skin_installed is True
    assert jinx.in_lobby and jinx.on_team
    zed = by["zed"]
    assert (zed.status, zed.status_text, zed.via) == ("relayed", "via Jinx#EUW", "Jinx#EUW")
    assert zed.chroma_name == "Shockblade Zed (Rose Quartz)" and zed.skin_installed is False
    assert not by["other"].on_team and not by["other"].in_lobby
    assert by["gone"].stale and by["gone"].status_text == "lost"


def test_only_members_the_client_showed_in_my_lobby_are_injected() -> None:
    """Identity: the League client's premade lobby decides who may be injected.

    ``solo`` is a visible solo-queue teammate who runs nothing: a member may claim its PUUID
    with an endpoint of its own (vouched) or relay a self-signed state in its name; neither
    is injected. ``jinx`` is a premade friend we reach only through ``zed`` (no direct link,
    e.g. a symmetric NAT): injected. ``ekko`` left the lobby for the game, but the client
    showed it there while the party was on: still trusted.
    """
    state = league(team=(*league().team, cell("solo", 99), cell("ekko", 245)))
    jinx_skin, solo_skin = Selection(222, 222002), Selection(99, 99007)

    def relayed(puuid: str, sel: Selection) -> MemberView:
        return replace(view(puuid, sel, Reachability.RELAYED, via="zed"), vouched=False)

    ekko = view("ekko", Selection(245, 245001))
    views = [relayed("jinx", jinx_skin), relayed("solo", solo_skin), view("solo", solo_skin)]
    pic = picture(state, [*views, ekko], lobby_seen=frozenset({"ekko"}))
    assert sorted(r.puuid for r in pic.skins) == ["ekko", "jinx"]
    assert {m.puuid: m.stale for m in pic.snapshot.members if m.puuid != "solo"} == {
        "ekko": False,
        "jinx": False,
    }
    assert all(m.stale for m in pic.snapshot.members if m.puuid == "solo")
    assert picture(state, [ekko]).skins == ()  # never seen in my lobby
    lost = replace(relayed("jinx", jinx_skin), status=Reachability.LOST)
    assert picture(state, [lost]).skins == ()


def test_party_off_shows_me_from_the_client_and_no_records() -> None:
    pic = picture(league(), [], enabled=False, my_selection=Selection(103, 103001))
    assert not pic.snapshot.enabled and pic.skins == () and pic.snapshot.members == ()
    me = pic.snapshot.me
    assert me is not None and me.riot_id == "Ahri Main#EUW" and me.skin_name == "Dynasty Ahri"
    assert picture(LeagueState(), [], enabled=False).snapshot.me is None
