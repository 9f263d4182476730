"""The pure bridge codec: validation with specific errors, and the encoded shapes."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signaling.errors import ExpiredTokenError
from webrtc_party.errors import ConnectError
from webrtc_party.rose.bridge_messages import (
    MAX_FRAME,
    MAX_PASTE,
    BridgeMessageError,
    RequestType,
    decode_request,
    encode_enabled,
    encode_error,
    encode_peer_removed,
    encode_phase_change,
    encode_result,
    encode_state,
    encode_state_fields,
    encode_token_failure,
    encode_token_result,
    error_code,
)
from webrtc_party.rose.control import (
    MemberInfo,
    PartySnapshot,
    PendingToken,
    PendingTokenKind,
    TokenOutcome,
)


def code_of(frame: object) -> str:
    with pytest.raises(BridgeMessageError) as info:
        decode_request(frame if isinstance(frame, str) else json.dumps(frame))
    return info.value.code


def test_rose_names_decode() -> None:
    assert decode_request('{"type":"party-enable"}').type is RequestType.ENABLE
    assert decode_request({"type": "party-disable", "id": 7}).request_id == 7
    req = decode_request({"type": "party-add-peer", "token": "  wpiABC \n"})
    assert (req.type, req.token) == (RequestType.ADD_PEER, "wpiABC")
    assert decode_request({"type": "party-remove-peer", "summoner_id": 42}).member == "42"
    assert decode_request({"type": "party-remove-peer", "summoner_id": "0042"}).member == "42"
    assert decode_request({"type": "party-remove-peer", "puuid": "abc-1"}).member == "abc-1"
    assert decode_request({"type": "party-get-state", "extra": [1]}).type is RequestType.GET_STATE


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{nope", "bad-json"),
        ("[1, 2]", "not-an-object"),
        ({"kind": "party-enable"}, "not-an-object"),
        ({"type": 5}, "not-an-object"),
        ({"type": "party-explode"}, "unknown-type"),
        ({"type": "party-paste-token"}, "missing-field"),
        ({"type": "party-paste-token", "token": 12}, "bad-field"),
        ({"type": "party-paste-token", "token": "   "}, "bad-field"),
        ({"type": "party-add-peer", "token": "w" * (MAX_PASTE + 1)}, "bad-field"),
        ({"type": "party-remove-peer"}, "missing-field"),
        ({"type": "party-remove-peer", "summoner_id": -1}, "bad-field"),
        ({"type": "party-remove-peer", "summoner_id": True}, "bad-field"),
        ({"type": "party-remove-peer", "summoner_id": "12a"}, "bad-field"),
        ({"type": "party-remove-peer", "puuid": ""}, "bad-field"),
        ({"type": "party-enable", "id": "x" * 65}, "bad-field"),
        ({"type": "party-enable", "id": [1]}, "bad-field"),
        ("x" * (MAX_FRAME + 1), "too-large"),
    ],
)
def test_bad_messages_get_specific_codes(frame: object, code: str) -> None:
    assert code_of(frame) == code


def test_a_chat_message_around_a_token_is_a_valid_paste() -> None:
    chatter = "gl hf! here is my answer, paste it in your panel:\n" * 20
    paste = chatter + "```\nwpaABC\n```\nthanks"
    assert len(paste) > 1000
    req = decode_request({"type": "party-paste-token", "token": paste})
    assert req.token == paste.strip()  # found inside by the token codec, not here


def test_error_reply_names_the_request() -> None:
    with pytest.raises(BridgeMessageError) as info:
        decode_request({"type": "party-paste-token", "id": "q1"})
    msg = encode_error(info.value)
    assert msg["type"] == "party-error" and msg["code"] == "missing-field"
    assert msg["request_type"] == "party-paste-token" and msg["id"] == "q1"


@given(st.text(max_size=300))
def test_random_text_raises_only_the_codec_error(text: str) -> None:
    try:
        decode_request(text)
    except BridgeMessageError:
        pass


def member(**changes: object) -> MemberInfo:
    base: dict[str, object] = {f.name: None for f in fields(MemberInfo)}
    base |= {
        "puuid": "p1",
        "summoner_id": 2**60,
        "riot_id": "Jinx#EUW",
        "is_local": False,
        "status": "relayed",
        "status_text": "via Ahri#EUW",
        "via": "Ahri#EUW",
        "in_lobby": True,
        "on_team": True,
        "phase": "champ_select",
        "champion_id": 238,
        "skin_id": 238001,
        "chroma_id": 238004,
        "stale": False,
        "selections": (),
    }
    base |= changes
    return MemberInfo(**base)  # type: ignore[arg-type]


def test_state_carries_every_member_field_and_rose_shape() -> None:
    invite = PendingToken(PendingTokenKind.INVITE, "wpiOLD", 100)
    newer = PendingToken(PendingTokenKind.INVITE, "wpiNEW", 200)
    answer = PendingToken(PendingTokenKind.ANSWER, "wpaX", 300)
    snap = PartySnapshot(
        True, member(is_local=True, puuid="me"), (member(),), (invite, newer, answer), "Lobby", 5.0
    )
    msg = encode_state(snap, "r")
    assert msg["type"] == "party-state" and msg["id"] == "r" and msg["bridge_version"] == 1
    assert msg["party_phase"] == "lobby" and msg["phase"] == "Lobby"
    assert (msg["my_token"], msg["my_token_expires_at"]) == ("wpiNEW", 200)
    assert [p["kind"] for p in msg["pending"]] == ["invite", "invite", "answer"]
    assert msg["my_puuid"] == "me" and msg["my_summoner_name"] == "Jinx#EUW"
    assert set(msg["members"][0]) == {f.name for f in fields(MemberInfo)}
    peer = msg["peers"][0]
    assert peer["connected"] and peer["in_lobby"] and peer["summoner_name"] == "Jinx#EUW"
    assert peer["skin_selection"]["chroma_id"] == 238004
    assert json.loads(json.dumps(msg)) == msg


ROSE_KEYS = {"enabled", "my_token", "my_summoner_id", "my_summoner_name", "peers"}
ROSE_PEER_KEYS = {
    "summoner_id",
    "summoner_name",
    "connected",
    "connection_state",
    "in_lobby",
    "skin_selection",
    "skin_selections",  # ours, beside Rose's: every pick (Swiftplay: one per champion)
}


def test_the_state_rose_broadcasts() -> None:
    old = PendingToken(PendingTokenKind.ANSWER, "wpaOLD", 300)
    new = PendingToken(PendingTokenKind.ANSWER, "wpaNEW", 300)  # a tie: the later one wins
    lost = member(
        puuid="p2",
        status="lost",
        status_text="lost",
        via=None,
        injection="rejected",
        injection_detail="the archive is not a mod",
    )
    snap = PartySnapshot(
        True, None, (member(), lost), (old, new), "ChampSelect", 5.0, warnings=("No League client",)
    )
    result = encode_result(False, "error", 4.0, ExpiredTokenError("This token has expired."))
    state = encode_state_fields(snap, result)
    assert "type" not in state and "timestamp" not in state
    assert ROSE_KEYS <= set(state) and state["my_token"] is None
    assert (state["my_answer"], state["my_answer_expires_at"]) == ("wpaNEW", 300)
    assert state["last_result"] == {
        "ok": False,
        "kind": "error",
        "error": "This token has expired.",
        "code": "expired",
        "at": 4.0,
    }
    assert state["warnings"] == ["No League client"]
    assert [set(p) for p in state["peers"]] == [ROSE_PEER_KEYS, ROSE_PEER_KEYS]
    assert [(p["connected"], p["connection_state"]) for p in state["peers"]] == [
        (True, "relayed"),
        (False, "lost"),
    ]
    assert encode_state(snap, last_result=result) == {
        "type": "party-state",
        **state,
        "timestamp": 5.0,
    }
    assert {**encode_state_fields(snap)}["last_result"] is None
    assert encode_result(True, "answer", 1.0) == {
        "ok": True,
        "kind": "answer",
        "error": None,
        "code": None,
        "at": 1.0,
    }


def test_injection_problems_become_warnings() -> None:
    from webrtc_party.rose.party_view import injection_warnings

    ok = member(injection="injected", injection_detail="fine")
    missing = member(
        riot_id="Lux#EUW",
        injection="missing-locally",
        injection_detail="skin 99007 is not in your skins folder",
    )
    assert injection_warnings([ok, missing]) == (
        "Lux#EUW's skin was not injected: skin 99007 is not in your skins folder",
    )


def test_replies() -> None:
    tok = PendingToken(PendingTokenKind.ANSWER, "wpaT", 9)
    assert encode_enabled(tok) == {
        "type": "party-enabled",
        "success": True,
        "token": "wpaT",
        "expires_at": 9,
    }
    failed = encode_enabled(None, ConnectError("no route"), 3)
    assert failed == {
        "type": "party-enabled",
        "success": False,
        "error": "no route",
        "code": "connect",
        "id": 3,
    }
    ans = encode_token_result(TokenOutcome(tok, False), "party-token-result")
    assert ans["kind"] == "answer" and ans["answer"] == "wpaT" and ans["success"]
    done = encode_token_result(TokenOutcome(None, True), "party-peer-added")
    assert done == {"type": "party-peer-added", "success": True, "kind": "completed"}
    bad = encode_token_failure(ExpiredTokenError("too old"), "party-peer-added")
    assert bad["code"] == "expired" and not bad["success"]
    assert encode_peer_removed(False, "42")["code"] == "unknown-member"
    assert encode_peer_removed(True, "abc")["puuid"] == "abc"
    assert encode_phase_change("InProgress")["party_phase"] == "in_game"
    assert error_code(ValueError("x")) == "internal"
