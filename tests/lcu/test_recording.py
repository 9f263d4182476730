"""Replays the anonymized 16.17 recording through the pure tracker against expected.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from webrtc_party.lcu.state import ChampSelectEnded, GameEnded, GameStarted, LeagueState
from webrtc_party.lcu.tracker import Tracker, TrackerEvent
from webrtc_party.lcu.wamp import decode_event

from .helpers import RECORDING

EXPECTED: dict[str, Any] = json.loads((RECORDING / "expected.json").read_text())
LINES = (RECORDING / "recording.jsonl").read_text().splitlines()


def replay(upto: int) -> tuple[Tracker, list[TrackerEvent]]:
    tracker = Tracker()
    events: list[TrackerEvent] = []
    for n, line in enumerate(LINES[:upto], start=1):
        event = decode_event(line)
        assert event is not None
        events += tracker.apply_event(event.uri, event.event_type, event.data, now=float(n))
    return tracker, events


def test_recording_has_223_frames() -> None:
    assert len(LINES) == 223


@pytest.mark.parametrize("checkpoint", EXPECTED["checkpoints"], ids=lambda c: str(c["after_line"]))
def test_checkpoint(checkpoint: dict[str, Any]) -> None:
    tracker, _ = replay(checkpoint["after_line"])
    state = tracker.state
    assert tracker.dropped == 0
    if "phase" in checkpoint:
        assert state.phase == checkpoint["phase"]
    if "party" in checkpoint:
        assert [p.puuid for p in state.premade] == checkpoint["party"]
    if "party_leader" in checkpoint:
        assert state.lobby is not None
        assert state.lobby.leader == checkpoint["party_leader"]
    if "bots" in checkpoint:
        assert state.lobby is not None
        got = [
            {"botChampionId": b.champion_id, "botPosition": b.position} for b in state.lobby.bots
        ]
        assert got == checkpoint["bots"]
    if "lobby_exists" in checkpoint:
        assert (state.lobby is not None) == checkpoint["lobby_exists"]
    if "game_id" in checkpoint:
        assert state.game is not None
        assert state.game.game_id == checkpoint["game_id"]
        got_sel = [
            {
                "puuid": s.puuid,
                "championId": s.champion_id,
                "selectedSkinIndex": s.skin_index,
                "skinId": s.skin_id,
            }
            for s in state.game.selections
        ]
        assert got_sel == checkpoint["playerChampionSelections"]
    if "local_pick" in checkpoint:
        pick = checkpoint["local_pick"]
        assert state.my_selection is not None
        assert state.my_selection.champion_id == pick["championId"]
        assert state.my_selection.skin_id == pick["selectedSkinId"]
        assert state.my_selection.chroma_id is None
        mine = [t for t in state.team if t.is_me]
        assert len(mine) == 1 and mine[0].champion_locked
    if "their_team" in checkpoint:
        assert state.champ_select is not None
        got_their = [
            {
                "cellId": t.cell_id,
                "championId": t.champion_id,
                "selectedSkinId": t.skin_id,
                "puuid": t.puuid,
                "summonerId": t.summoner_id,
            }
            for t in state.champ_select.their_team
        ]
        assert got_their == checkpoint["their_team"]
        assert all(t.is_bot and not t.is_hidden for t in state.champ_select.their_team)
    if "pending_invites" in checkpoint:
        assert state.lobby is not None
        assert list(state.lobby.pending_invites) == checkpoint["pending_invites"]
    if "spectators" in checkpoint:
        assert state.lobby is not None
        assert list(state.lobby.spectators) == checkpoint["spectators"]


def test_final_state() -> None:
    tracker, events = replay(len(LINES))
    final = EXPECTED["final"]
    ids = EXPECTED["identities"]
    state: LeagueState = tracker.state
    assert state.phase == final["phase"]
    assert state.lobby is not None
    assert state.lobby.party_id == final["lobby_partyId"]
    party = [
        {"puuid": m.puuid, "isLeader": m.is_leader, "team": m.team} for m in state.lobby.members
    ]
    assert party == final["party"]
    assert [p.puuid for p in state.premade] == [m["puuid"] for m in final["party"]]
    for puuid in final["not_in_party"]:
        assert puuid not in {p.puuid for p in state.premade}
        assert puuid in state.lobby.pending_invites
    assert list(state.lobby.spectators) == final["spectators"]
    assert list(state.lobby.bots) == final["bots_in_lobby"]
    assert (state.champ_select is not None) == final["champ_select_active"]
    # The stale Lobby-phase session must not look like a new pick.
    assert state.my_selection is None
    assert state.team == ()
    assert state.game is not None and state.game.ended
    for puuid, pick in final["last_known_picks"].items():
        sel = next(s for s in state.game.selections if s.puuid == puuid)
        assert (sel.champion_id, sel.skin_id, state.game.game_id) == (
            pick["championId"],
            pick["skinId"],
            pick["gameId"],
        )
    # Names come from the comms endpoint.
    me = state.me
    assert me is not None
    assert (me.puuid, me.summoner_id, me.game_name, me.tag_line) == (
        ids["local"]["puuid"],
        ids["local"]["summonerId"],
        ids["local"]["gameName"],
        ids["local"]["tagLine"],
    )
    friend = state.premade[1]
    assert (friend.game_name, friend.tag_line) == (ids["friend"]["gameName"], "EUW")
    # Two games: the first ended in error (phase None), the second normally.
    started = [e.game.game_id for e in events if isinstance(e, GameStarted)]
    ended = [(e.game.game_id, e.game.outcome) for e in events if isinstance(e, GameEnded)]
    assert started == [7352108846, 7352112459]
    assert ended == [(7352108846, "None"), (7352112459, "EndOfGame")]
    assert [e.dodged for e in events if isinstance(e, ChampSelectEnded)] == [False, False]


def test_chroma_browsing_in_game_two() -> None:
    """Line 147 selects 266010, a chroma of 266009 (known from the carousel, line 143)."""
    tracker, _ = replay(148)
    assert tracker.state.my_selection is not None
    sel = tracker.state.my_selection
    assert (sel.champion_id, sel.skin_id, sel.chroma_id) == (266, 266009, 266010)
    tracker, _ = replay(146)
    sel2 = tracker.state.my_selection
    assert sel2 is not None and (sel2.skin_id, sel2.chroma_id) == (266011, None)


def test_hover_before_lock_in_game_one() -> None:
    tracker, _ = replay(56)
    (mine,) = tracker.state.team
    assert (mine.champion_id, mine.champion_locked, mine.pick_intent) == (122, False, 122)
    tracker, _ = replay(57)
    (mine,) = tracker.state.team
    assert (mine.champion_id, mine.champion_locked) == (122, True)


def test_every_event_applied_twice_changes_nothing_the_second_time() -> None:
    tracker = Tracker()
    for n, line in enumerate(LINES, start=1):
        event = decode_event(line)
        assert event is not None
        tracker.apply_event(event.uri, event.event_type, event.data, now=float(n))
        state = tracker.state
        assert tracker.apply_event(event.uri, event.event_type, event.data, now=n + 0.5) == []
        assert tracker.state == state
