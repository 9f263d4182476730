"""The emulator's bodies have the fixtures' shapes, field for field (keys, nesting, types)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from webrtc_party.lcu.emulator.payloads import not_found
from webrtc_party.lcu.emulator.scenarios import DEFAULT_ACCOUNTS, build_scenario
from webrtc_party.lcu.emulator.world import World
from webrtc_party.lcu.wamp import CATCH_ALL, EventType, LcuEvent, encode_event

from .helpers import fixture

# Objects whose keys are ids (puuids, skin ids): compare their values' shapes only.
ID_KEYED = {"players", "memberData", "assets", "properties"}


def shape_diff(want: Any, got: Any, path: str = "$") -> list[str]:
    """Differences in keys, nesting and JSON types; null on either side matches anything."""
    if want is None or got is None:
        return []
    if isinstance(want, bool) or isinstance(got, bool):
        return [] if isinstance(want, bool) and isinstance(got, bool) else [f"{path}: type"]
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected object"]
        if path.rsplit(".", 1)[-1] in ID_KEYED:
            values = list(want.values())
            if not values:
                return []
            return [d for v in got.values() for d in shape_diff(values[0], v, path + ".*")]
        out = [f"{path}.{k}: missing" for k in want if k not in got]
        out += [f"{path}.{k}: extra" for k in got if k not in want]
        for key in want.keys() & got.keys():
            out += shape_diff(want[key], got[key], f"{path}.{key}")
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{path}: expected list"]
        if not want:
            return []
        return [d for i, item in enumerate(got) for d in shape_diff(want[0], item, f"{path}[{i}]")]
    if isinstance(want, int) and isinstance(got, int):
        return []
    if type(want) is not type(got):
        return [f"{path}: {type(want).__name__} != {type(got).__name__}"]
    return []


def world_after(scenario: str, step: str, size: int = 3, local: int = 0) -> dict[str, Any]:
    world = World(DEFAULT_ACCOUNTS, local)
    for s in build_scenario(scenario, world, size):
        s.apply(world)
        if s.name == step:
            return world.resources()
    raise AssertionError(f"no step {step}")


CASES = [
    ("current-summoner.json", "premade", "lobby", "/lol-summoner/v1/current-summoner"),
    ("lobby.custom-3-humans-1-bot.json", "custom-bots", "bots", "/lol-lobby/v2/lobby"),
    ("lobby.normal-draft-premade-3.json", "premade", "join-2", "/lol-lobby/v2/lobby"),
    (
        "lobby-members.custom-3-humans-1-bot.json",
        "custom-bots",
        "bots",
        "/lol-lobby/v2/lobby/members",
    ),
    ("lobby-comms-members.json", "custom-bots", "bots", "/lol-lobby/v2/comms/members"),
    ("champ-select.session.planning.json", "premade", "hovers", "/lol-champ-select/v1/session"),
    (
        "champ-select.session.finalization.json",
        "premade",
        "finalization",
        "/lol-champ-select/v1/session",
    ),
    (
        "champ-select.session.custom-with-bot.json",
        "custom-bots",
        "picks",
        "/lol-champ-select/v1/session",
    ),
    (
        "champ-select.skin-selector-info.json",
        "custom-bots",
        "picks",
        "/lol-champ-select/v1/skin-selector-info",
    ),
    (
        "champ-select.skin-carousel-skins.json",
        "premade",
        "chromas",
        "/lol-champ-select/v1/skin-carousel-skins",
    ),
    ("gameflow-session.in-progress.json", "custom-bots", "in-progress", "/lol-gameflow/v1/session"),
    ("gameflow-session.none.json", "custom-bots", "terminated", "/lol-gameflow/v1/session"),
    (
        "gameflow-phase.champ-select.json",
        "premade",
        "champ-select",
        "/lol-gameflow/v1/gameflow-phase",
    ),
]


@pytest.mark.parametrize(("name", "scenario", "step", "uri"), CASES, ids=[c[0] for c in CASES])
def test_emulator_body_matches_fixture(name: str, scenario: str, step: str, uri: str) -> None:
    carousel = name == "champ-select.skin-carousel-skins.json"  # Night Owl: Zed with chromas
    body = world_after(scenario, step, size=4 if carousel else 3, local=3 if carousel else 0)[uri]
    assert shape_diff(fixture(name), body) == []
    assert json.loads(json.dumps(body)) == body  # plain JSON values only


def test_shape_diff_notices_differences() -> None:
    diff = shape_diff({"a": 1, "b": [{"c": "x"}]}, {"a": 1, "b": [{"c": 2}], "d": 0})
    assert sorted(diff) == ["$.b[0].c: str != int", "$.d: extra"]
    assert shape_diff({"a": 1}, {}) == ["$.a: missing"]


def test_not_found_envelopes() -> None:
    assert not_found("/lol-champ-select/v1/session") == fixture(
        "champ-select.not-in-phase.404.json"
    )
    assert not_found("/lol-lobby/v2/lobby") == fixture("lobby.not-in-lobby.404.json")


def test_every_phase_the_emulator_uses_is_a_real_phase() -> None:
    phases = set(fixture("gameflow-phase.values.json"))
    for scenario in ("premade", "dodge", "custom-bots", "swiftplay"):
        world = World(DEFAULT_ACCOUNTS, 0)
        for s in build_scenario(scenario, world, 2):
            s.apply(world)
            assert world.phase in phases


def test_event_frames_are_byte_identical_to_the_capture() -> None:
    frames = [f for f in fixture("wamp-frames.json")["frames"] if f["dir"] == "server->client"]
    for frame in frames:
        if not frame["text"]:
            continue
        raw = json.loads(frame["text"])
        body = raw[2]
        event = LcuEvent(raw[1], body["uri"], EventType(body["eventType"]), body["data"])
        assert encode_event(event) == frame["text"]


def test_hidden_strangers_and_visible_premade() -> None:
    session = world_after("premade", "hovers", size=2, local=1)["/lol-champ-select/v1/session"]
    me = next(p for p in session["myTeam"] if p["cellId"] == session["localPlayerCellId"])
    assert session["localPlayerCellId"] != 0 and me["puuid"] == DEFAULT_ACCOUNTS[1].puuid
    for player in session["myTeam"] + session["theirTeam"]:
        if player["nameVisibilityType"] == "HIDDEN":
            assert (player["puuid"], player["summonerId"], player["gameName"]) == ("", 0, "")
        else:
            assert player["puuid"] in {a.puuid for a in DEFAULT_ACCOUNTS[:2]}
            assert player["gameName"] and player["tagLine"] == "EUW"
    assert all(p["nameVisibilityType"] == "HIDDEN" for p in session["theirTeam"])


def test_bots_in_lobby_and_champ_select() -> None:
    res = world_after("custom-bots", "picks")
    lobby = res["/lol-lobby/v2/lobby"]
    assert all(not m["isBot"] for m in lobby["members"])
    bots = [
        m for t in ("customTeam100", "customTeam200") for m in lobby["gameConfig"][t] if m["isBot"]
    ]
    assert [(b["botChampionId"], b["puuid"], b["summonerId"]) for b in bots] == [
        (54, "", 0),
        (236, "", 0),
    ]
    session = res["/lol-champ-select/v1/session"]
    ally_bot = next(p for p in session["myTeam"] if p["playerType"] == "BOT")
    assert ally_bot["spell1Id"] == 2**64 - 1 and ally_bot["puuid"] == ""
    game = world_after("custom-bots", "in-progress")["/lol-gameflow/v1/session"]["gameData"]
    assert all(s["puuid"] for s in game["playerChampionSelections"])
    assert len(game["playerChampionSelections"]) == 3  # bots are not listed
    assert CATCH_ALL == "OnJsonApiEvent"
