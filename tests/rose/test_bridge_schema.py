"""The JSON Schema of the bridge messages (panel/bridge-schema.json): up to date with the
codec, valid, and true of every message the codec makes and accepts. The real server's
messages are checked in test_bridge_server.py, Rose's (and the panel's requests) in
tests/ui/test_panel_rose.py, the panel's reducer fixtures in panel/test/."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from signaling.errors import ExpiredTokenError, OwnTokenError
from tests.rose.schema_kit import check_message, schema
from webrtc_party.errors import ConnectError
from webrtc_party.rose.bridge_chat import encode_friend_forgotten, encode_league_chat_set
from webrtc_party.rose.bridge_messages import (
    BridgeMessageError,
    RequestType,
    decode_request,
    encode_disabled,
    encode_enabled,
    encode_error,
    encode_invite,
    encode_peer_removed,
    encode_phase_change,
    encode_result,
    encode_state,
    encode_token_failure,
    encode_token_result,
)
from webrtc_party.rose.bridge_schema import SCHEMA_PATH, main, schema_text
from webrtc_party.rose.control import (
    ChatFriend,
    ChatInfo,
    MemberInfo,
    PartySnapshot,
    PendingToken,
    PendingTokenKind,
    SelectionInfo,
    TokenOutcome,
)


def test_the_committed_schema_is_up_to_date(tmp_path: Path, capsys: Any) -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "panel/bridge-schema.json is stale: run python -m webrtc_party.rose.bridge_schema"
    )
    assert main(["--check"]) == 0
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n")
    assert main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main([str(stale)]) == 0 and stale.read_text() == schema_text()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema())
    defs = schema()["$defs"]
    assert {t.value for t in RequestType} <= set(defs)
    assert set(defs["member"]["properties"]) == {f.name for f in fields(MemberInfo)}


def member(**changes: object) -> MemberInfo:
    base: dict[str, object] = {f.name: None for f in fields(MemberInfo)}
    base |= {
        "puuid": "p1",
        "summoner_id": 2**60,
        "riot_id": "Jinx#EUW",
        "is_local": False,
        "status": "direct",
        "status_text": "direct",
        "path": "host",
        "rtt_ms": 12.5,
        "last_seen": 1000.5,
        "in_lobby": True,
        "on_team": False,
        "phase": "lobby",
        "champion_id": 222,
        "champion_name": "Jinx",
        "skin_id": 222002,
        "skin_name": "Firecracker Jinx",
        "skin_installed": False,
        "stale": False,
        "injection": "missing-locally",
        "injection_detail": "not in your skins folder",
        "selections": (
            SelectionInfo(222, "Jinx", 222002, "Firecracker Jinx", None, None, None, False),
        ),
        "verified": True,
    }
    return MemberInfo(**(base | changes))  # type: ignore[arg-type]


INVITE = PendingToken(PendingTokenKind.INVITE, "wpiINVITE", 1600)
ANSWER = PendingToken(PendingTokenKind.ANSWER, "wpaANSWER", 1700)
SNAP = PartySnapshot(
    True,
    member(puuid="me", summoner_id=7, riot_id="Ahri#EUW", is_local=True, status="self"),
    (member(), member(puuid="p2", status="relayed", via="Lux#EUW", champion_id=None)),
    (INVITE, ANSWER),
    "ChampSelect",
    1000.25,
    warnings=("No League client",),
)
OFF = PartySnapshot(False, None, (), (), "None", 5.0)


def messages() -> list[dict[str, Any]]:
    result = encode_result(False, "error", 999.0, ExpiredTokenError("This token has expired."))
    return [
        encode_state(SNAP, "r1", result),
        encode_state(SNAP, last_result=encode_result(True, "answer", 999.5)),
        encode_state(OFF),
        encode_enabled(INVITE, request_id=3),
        encode_enabled(None, ConnectError("no route")),
        encode_disabled("d"),
        encode_invite(INVITE),
        encode_token_result(TokenOutcome(ANSWER, False), "party-token-result", "t"),
        encode_token_result(TokenOutcome(None, True), "party-peer-added"),
        encode_token_failure(OwnTokenError("That is your own invite."), "party-peer-added"),
        encode_peer_removed(True, "42"),
        encode_peer_removed(False, "abc"),
        encode_phase_change("InProgress"),
        encode_error(BridgeMessageError("unknown-type", "Unknown.", "party-x", "i")),
        encode_error(ValueError("boom")),
        encode_league_chat_set(ChatInfo(True, True, True), "c"),
        encode_friend_forgotten(1, "p1", 4),
        encode_friend_forgotten(2, None),
        encode_friend_forgotten(0, "nobody"),
        encode_state(dataclasses.replace(SNAP, league_chat=CHAT)),
    ]


CHAT = ChatInfo(
    True, True, True, True, True, "chat down", (ChatFriend("p1", "Jinx#EUW", 9.5),), ("p3",)
)


@pytest.mark.parametrize("msg", messages(), ids=lambda m: str(m["type"]))
def test_every_encoded_message_fits_the_schema(msg: dict[str, Any]) -> None:
    check_message(json.loads(json.dumps(msg)))


def test_our_state_carries_every_key_the_schema_names() -> None:
    props = set(schema()["$defs"]["party-state"]["properties"])
    assert set(encode_state(SNAP, "r")) == props


def test_a_message_that_breaks_the_schema_is_caught() -> None:
    good = encode_state(SNAP)
    bad_member = json.loads(json.dumps(good))
    bad_member["members"][0]["summoner_id"] = "2"
    for bad in (
        good | {"enabled": "yes"},
        good | {"my_token": "hello"},
        good | {"party_phase": "dancing"},
        good | {"surprise": 1},
        bad_member,
        encode_phase_change("Lobby") | {"phase": None},
        {"type": "party-nonsense"},
    ):
        with pytest.raises(AssertionError):
            check_message(bad)


def test_roses_own_messages_fit_with_fewer_keys() -> None:
    # Rose's broadcaster before a party manager exists, and Rose's handler's replies.
    check_message(
        {
            "type": "party-state",
            "enabled": False,
            "my_token": None,
            "peers": [],
            "timestamp": 1764640000123,
        },
        ours=False,
    )
    check_message({"type": "party-peer-added", "success": True, "error": None}, ours=False)
    check_message({"type": "party-disabled", "success": True}, ours=False)
    check_message({"type": "party-enabled", "success": False, "error": "LCU"}, ours=False)


REQUESTS: list[tuple[dict[str, Any], bool]] = [
    ({"type": "party-enable"}, True),
    ({"type": "party-get-state", "id": 4}, True),
    ({"type": "party-add-peer", "token": "join me: `wpiX`"}, True),
    ({"type": "party-paste-token", "token": "wpaY", "id": "p"}, True),
    ({"type": "party-remove-peer", "summoner_id": 2**60}, True),
    ({"type": "party-remove-peer", "summoner_id": "42"}, True),
    ({"type": "party-remove-peer", "puuid": "abc"}, True),
    ({"type": "party-add-peer"}, False),
    ({"type": "party-add-peer", "token": 5}, False),
    ({"type": "party-remove-peer"}, False),
    ({"type": "party-remove-peer", "summoner_id": -1}, False),
    ({"type": "party-remove-peer", "summoner_id": "4x"}, False),
    ({"type": "party-remove-peer", "puuid": ""}, False),
    ({"type": "party-enable", "id": "x" * 65}, False),
    ({"type": "party-enable", "id": 1.5}, False),
    ({"type": "party-dance"}, False),
]


def accepted(frame: dict[str, Any]) -> bool:
    try:
        decode_request(json.dumps(frame))
    except BridgeMessageError:
        return False
    return True


@pytest.mark.parametrize(("frame", "valid"), REQUESTS, ids=lambda v: json.dumps(v)[:40])
def test_requests_the_schema_accepts_are_the_ones_the_codec_accepts(
    frame: dict[str, Any], valid: bool
) -> None:
    assert accepted(frame) is valid
    if valid:
        check_message(frame)
    else:
        with pytest.raises(AssertionError):
            check_message(frame)


FIELD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2**64),
    st.floats(allow_nan=False),
    st.text(max_size=70),
    st.sampled_from(["wpiA", " 12 ", "42", "abc"]),
)


@given(
    st.sampled_from([t.value for t in RequestType]),
    st.dictionaries(st.sampled_from(["id", "token", "summoner_id", "puuid"]), FIELD),
)
def test_whatever_the_codec_accepts_fits_the_schema(rtype: str, extra: dict[str, Any]) -> None:
    frame = {"type": rtype, **extra}
    if accepted(frame):
        check_message(frame, ours=False)


PANEL_FIXTURES = SCHEMA_PATH.parent / "test" / "fixtures" / "messages.json"


def test_the_panel_reducer_fixtures_fit_the_schema() -> None:
    """The messages panel/test/reducer.test.js feeds the reducer (ajv checks them there too):
    ours exactly as the schema names them, Rose's with the keys Rose sends."""
    fixtures = json.loads(PANEL_FIXTURES.read_text(encoding="utf-8"))
    fixtures.pop("$comment")
    assert len(fixtures) >= 15
    for name, entry in fixtures.items():
        assert entry["from"] in ("ours", "rose"), name
        check_message(entry["message"], ours=entry["from"] == "ours")
