"""The pure tracker on the fixtures: hidden players, bots, picks, skins, chromas, phases."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.state import (
    ChampSelectEnded,
    GameChanged,
    GameStarted,
    LeaguePick,
    MySelectionChanged,
    PhaseChanged,
    PremadeChanged,
    TeamChanged,
)
from webrtc_party.lcu.tracker import (
    SNAPSHOT_URIS,
    URI_CAROUSEL,
    URI_CHAMP_SELECT,
    URI_COMMS,
    URI_LOBBY,
    URI_PHASE,
    URI_SESSION,
    URI_SKIN_SELECTOR,
    URI_SUMMONER,
    Tracker,
)

from .helpers import fixture

ME = "567121d5-910d-58c2-83fe-503d80e5eaf0"
FRIEND1 = "3aac608e-c94a-52f5-bf08-e5905da01264"
FRIEND2 = "48560ae4-6d54-59ee-b0a2-a5748bd3a064"


def lobby_tracker(lobby: str = "lobby.normal-draft-premade-3.json") -> Tracker:
    t = Tracker()
    t.apply_snapshot(
        {
            URI_SUMMONER: fixture("current-summoner.json"),
            URI_PHASE: "Lobby",
            URI_LOBBY: fixture(lobby),
            URI_COMMS: fixture("lobby-comms-members.json"),
            URI_CHAMP_SELECT: None,
        },
        now=1.0,
    )
    return t


def test_premade_by_puuid_with_names_from_comms() -> None:
    t = lobby_tracker()
    s = t.state
    assert s.me is not None and s.me.riot_id == "Ahri Main#EUW" and s.me.summoner_id == 73920518
    assert [p.puuid for p in s.premade] == [ME, FRIEND1, FRIEND2]
    assert [p.riot_id for p in s.premade] == [
        "Ahri Main#EUW",
        "Jinx Enjoyer#EUW",
        "Lux Support#EUW",
    ]
    assert s.queue_id == 400 and not s.is_custom and s.phase == "Lobby"


def test_planning_hidden_allies_and_local_cell_three() -> None:
    t = lobby_tracker()
    events = t.apply_event(
        URI_CHAMP_SELECT, "Create", fixture("champ-select.session.planning.json"), 2.0
    )
    s = t.state
    assert [t.cell_id for t in s.team] == [0, 1, 2, 3, 4]
    hidden = [m for m in s.team if m.is_hidden]
    assert [m.cell_id for m in hidden] == [0, 1, 2]
    assert all(m.puuid == "" and m.summoner_id == 0 and not m.is_premade for m in hidden)
    me = next(m for m in s.team if m.is_me)
    assert (me.cell_id, me.puuid, me.champion_id, me.champion_locked) == (3, ME, 103, False)
    friend = s.team[4]
    assert (friend.puuid, friend.is_premade, friend.pick_intent, friend.game_name) == (
        FRIEND1,
        True,
        222,
        "Jinx Enjoyer",
    )
    assert s.team[0].pick_intent == 86  # hidden players' hovers are still shown
    assert s.champ_select is not None and len(s.champ_select.their_team) == 5
    assert all(p.is_hidden for p in s.champ_select.their_team)
    assert s.my_selection == LeaguePick(103, 103000)
    kinds = {type(e) for e in events}
    assert TeamChanged in kinds and MySelectionChanged in kinds


def test_finalization_locks_and_skins() -> None:
    t = lobby_tracker()
    t.apply_event(URI_CHAMP_SELECT, "Update", fixture("champ-select.session.finalization.json"), 2)
    s = t.state
    assert [(m.champion_id, m.champion_locked) for m in s.team] == [
        (86, True),
        (64, True),
        (412, True),
        (103, True),
        (222, True),
    ]
    assert s.my_selection == LeaguePick(103, 103001)
    assert s.team[4].skin_id == 222002


def test_custom_with_bot_and_skin_selector_chroma() -> None:
    t = lobby_tracker("lobby.custom-3-humans-1-bot.json")
    assert t.state.lobby is not None
    assert [(b.champion_id, b.team) for b in t.state.lobby.bots] == [(54, 100)]
    assert [m.team for m in t.state.lobby.members] == [100, 100, 200]
    t.apply_event(
        URI_CHAMP_SELECT, "Create", fixture("champ-select.session.custom-with-bot.json"), 2
    )
    bot = t.state.team[2]
    assert bot.is_bot and not bot.is_hidden and bot.champion_id == 54 and bot.champion_locked
    assert t.state.my_selection == LeaguePick(238, 238001)
    # the carousel teaches that 238004 is a chroma of 238001
    t.apply_event(URI_CAROUSEL, "Update", fixture("champ-select.skin-carousel-skins.json"), 3)
    info = dict(fixture("champ-select.skin-selector-info.json"), selectedSkinId=238004)
    events = t.apply_event(URI_SKIN_SELECTOR, "Update", info, 4)
    assert t.state.my_selection == LeaguePick(238, 238001, 238004)
    assert [type(e) for e in events] == [MySelectionChanged]


def test_chroma_known_from_game_data_without_carousel() -> None:
    t = Tracker(load_game_data().chroma_parents)
    session = copy.deepcopy(fixture("champ-select.session.custom-with-bot.json"))
    session["myTeam"][0]["selectedSkinId"] = 238005
    t.apply_snapshot({URI_PHASE: "ChampSelect", URI_CHAMP_SELECT: session}, 1)
    assert t.state.my_selection == LeaguePick(238, 238001, 238005)


def test_game_start_selections_and_end() -> None:
    t = lobby_tracker("lobby.custom-3-humans-1-bot.json")
    t.apply_event(URI_PHASE, "Update", "InProgress", 2)
    t.apply_event(URI_LOBBY, "Delete", None, 3)
    t.apply_event(URI_SESSION, "Update", fixture("gameflow-session.in-progress.json"), 4)
    s = t.state
    assert s.game is not None and s.game.game_id == 7418830275 and not s.game.ended
    assert [p.puuid for p in s.premade] == [ME, FRIEND1, FRIEND2]  # kept through the game
    assert s.my_selection == LeaguePick(238, 238001)
    assert [(m.puuid, m.champion_id) for m in s.team] == [(ME, 238), (FRIEND1, 222)]
    t.apply_event(URI_PHASE, "Update", "WaitingForStats", 5)
    t.apply_event(URI_SESSION, "Update", fixture("gameflow-session.none.json"), 6)
    t.apply_event(URI_PHASE, "Update", "None", 7)
    s = t.state
    assert s.game is not None and s.game.ended and s.game.outcome == "None"
    assert s.premade == () and s.team == () and s.my_selection is None


def test_dodge_is_reported() -> None:
    t = lobby_tracker()
    t.apply_event(URI_PHASE, "Update", "ChampSelect", 2)
    t.apply_event(URI_CHAMP_SELECT, "Create", fixture("champ-select.session.planning.json"), 3)
    events = t.apply_event(URI_CHAMP_SELECT, "Delete", None, 4)
    events += t.apply_event(URI_PHASE, "Update", "Lobby", 5)
    assert [e.dodged for e in events if isinstance(e, ChampSelectEnded)] == [True]
    assert t.state.team == () and t.state.my_selection is None


def test_swiftplay_slots_give_my_selection() -> None:
    lobby = copy.deepcopy(fixture("lobby.normal-draft-premade-3.json"))
    lobby["gameConfig"]["queueId"] = 480
    slot = {"championId": 222, "perks": "", "positionPreference": "BOTTOM", "skinId": 222002}
    lobby["members"][0]["playerSlots"] = [slot]
    t = Tracker()
    t.apply_snapshot({URI_SUMMONER: fixture("current-summoner.json"), URI_LOBBY: lobby}, 1)
    assert t.state.swiftplay and t.state.my_selection == LeaguePick(222, 222002)
    assert t.state.my_selections == (LeaguePick(222, 222002),)
    assert t.state.lobby is not None
    assert t.state.lobby.members[0].slots == (LeaguePick(222, 222002),)


def swiftplay_lobby(*slots: tuple[int, int]) -> Any:
    """The premade fixture as a Swiftplay lobby whose local member (members[0]) has ``slots``
    (the playerSlots element fields are inferred from Rose's code: the 2023 API description
    predates Swiftplay, and the recorded lobby has an empty list)."""
    lobby = copy.deepcopy(fixture("lobby.normal-draft-premade-3.json"))
    lobby["gameConfig"]["queueId"] = 480
    lobby["members"][0]["playerSlots"] = [
        {"championId": c, "perks": "", "positionPreference": "", "skinId": s,
         "spell1": 4, "spell2": 14}
        for c, s in slots
    ]
    return lobby


def test_both_swiftplay_slots_are_my_selections_and_a_change_of_the_second_is_an_event() -> None:
    t = Tracker(chroma_parents={238004: 238001})
    t.apply_snapshot({
        URI_SUMMONER: fixture("current-summoner.json"),
        URI_LOBBY: swiftplay_lobby((222, 222002), (64, 0)),  # skin 0: the default
    }, 1)
    assert t.state.my_selections == (LeaguePick(222, 222002), LeaguePick(64, 64000))
    assert t.state.my_selection == LeaguePick(222, 222002)  # the first slot, as before
    events = t.apply_event(URI_LOBBY, "Update", swiftplay_lobby((222, 222002), (238, 238004)), 2)
    (changed,) = [e for e in events if isinstance(e, MySelectionChanged)]
    assert changed.old == changed.new == LeaguePick(222, 222002)  # the first did not move
    assert changed.selections == (LeaguePick(222, 222002), LeaguePick(238, 238001, 238004))
    # one champion in both slots (not something the client allows): announced once
    t.apply_event(URI_LOBBY, "Update", swiftplay_lobby((222, 222002), (222, 222005)), 3)
    once: tuple[LeaguePick, ...] = t.state.my_selections
    assert once == (LeaguePick(222, 222002),)
    t.apply_event(URI_LOBBY, "Update", swiftplay_lobby(), 4)
    none: tuple[LeaguePick, ...] = t.state.my_selections
    assert none == () and t.state.my_selection is None


def test_every_phase_value_is_accepted() -> None:
    t = Tracker()
    old = "None"
    for i, phase in enumerate(fixture("gameflow-phase.values.json")[1:], start=1):
        events = t.apply_event(URI_PHASE, "Update", phase, float(i))
        assert events[0] == PhaseChanged(at=float(i), old=old, new=phase)
        old = phase


def test_lobby_changes_report_joins_and_leaves() -> None:
    t = lobby_tracker()
    lobby = copy.deepcopy(fixture("lobby.normal-draft-premade-3.json"))
    del lobby["members"][2]
    events = t.apply_event(URI_LOBBY, "Update", lobby, 2)
    (change,) = [e for e in events if isinstance(e, PremadeChanged)]
    assert change.left == (FRIEND2,) and change.joined == ()


def test_malformed_bodies_are_dropped_and_counted() -> None:
    t = lobby_tracker()
    before = t.state
    assert t.apply_event(URI_LOBBY, "Update", {"members": "nope"}, 2) == []
    assert t.apply_event(URI_CHAMP_SELECT, "Update", [1, 2], 3) == []
    assert t.apply_event(URI_PHASE, "Update", 42, 4) == []
    assert t.dropped == 3 and t.state == before
    assert t.apply_event("/lol-chat/v1/me", "Update", {"x": 1}, 5) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    uri=st.sampled_from(SNAPSHOT_URIS),
    kind=st.sampled_from(["Create", "Update", "Delete"]),
    data=json_values,
)
def test_random_bodies_never_crash(uri: str, kind: str, data: Any) -> None:
    t = lobby_tracker()
    t.apply_event(uri, kind, data, 2.0)
    assert t.state.phase


def test_game_changed_when_picks_fill_in() -> None:
    t = lobby_tracker("lobby.custom-3-humans-1-bot.json")
    t.apply_event(URI_PHASE, "Update", "GameStart", 2)
    session = copy.deepcopy(fixture("gameflow-session.in-progress.json"))
    full = copy.deepcopy(session)
    session["gameData"]["playerChampionSelections"] = session["gameData"][
        "playerChampionSelections"
    ][:1]
    session["phase"] = "GameStart"
    started = t.apply_event(URI_SESSION, "Update", session, 3)
    assert [type(e) for e in started if isinstance(e, GameStarted | GameChanged)] == [GameStarted]
    changed = t.apply_event(URI_SESSION, "Update", full, 4)
    (event,) = [e for e in changed if isinstance(e, GameChanged)]
    assert len(event.game.selections) == 3


def test_champ_select_deleted_before_game_start_phase_is_not_a_dodge() -> None:
    t = lobby_tracker()
    t.apply_event(URI_PHASE, "Update", "ChampSelect", 2)
    session = copy.deepcopy(fixture("champ-select.session.finalization.json"))
    session["timer"]["phase"] = "GAME_STARTING"
    t.apply_event(URI_CHAMP_SELECT, "Update", session, 3)
    events = t.apply_event(URI_CHAMP_SELECT, "Delete", None, 4)
    assert [e.dodged for e in events if isinstance(e, ChampSelectEnded)] == [False]
    assert len(t.state.team) == 5 and t.state.my_selection == LeaguePick(103, 103001)
    t.apply_event(URI_PHASE, "Update", "GameStart", 5)
    assert len(t.state.team) == 5
