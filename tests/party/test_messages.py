from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webrtc_party.errors import RemoteError
from webrtc_party.party.errors import (
    FieldError,
    MessageTooLargeError,
    ProtocolError,
    UnsupportedProtocolVersionError,
)
from webrtc_party.party.messages import (
    MAX_MESSAGE_SIZE,
    Hello,
    IntroKind,
    Ping,
    Pong,
    StateMessage,
    Sync,
    decode_message,
    encode_message,
)
from webrtc_party.party.model import GamePhase, MemberState, Selection, Source
from webrtc_party.party.signing import sign_intro, sign_state

from .network import make_identity
from .strategies import KEY, PUBLIC, messages

SETTINGS = settings(max_examples=150, deadline=None)


def _state(**sel: Any) -> StateMessage:
    selection = Selection(**sel) if sel else None
    return sign_state(MemberState(make_identity(1), PUBLIC, 7, selection, GamePhase.LOBBY), KEY)


def _hello_obj() -> dict[str, Any]:
    return {
        "type": "hello",
        "v": 1,
        "app": "0.1.0",
        "caps": ["gossip/1"],
        "member": {"puuid": "abc", "summoner_id": 5, "riot_id": "Some One#EUW"},
        "key": "A" * 43 + "=",
    }


@SETTINGS
@given(messages)
def test_every_message_round_trips(msg: Any) -> None:
    text = encode_message(msg)
    assert len(text.encode()) <= MAX_MESSAGE_SIZE
    assert decode_message(text) == msg


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_raises_only_protocol_error(text: str) -> None:
    try:
        decode_message(text)
    except ProtocolError:
        pass


@SETTINGS
@given(messages, st.data())
def test_mutated_json_raises_only_protocol_error(msg: Any, data: st.DataObject) -> None:
    obj = json.loads(encode_message(msg))
    key = data.draw(st.sampled_from(sorted(obj)))
    junk = st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.integers())
    obj[key] = data.draw(junk)
    try:
        decode_message(json.dumps(obj))
    except ProtocolError:
        pass


def test_protocol_error_is_a_remote_error() -> None:
    assert issubclass(ProtocolError, RemoteError)


def test_unknown_type_is_ignored() -> None:
    assert decode_message('{"type":"future-thing","v":9,"x":1}') is None


def test_unknown_keys_are_ignored() -> None:
    obj = _hello_obj()
    obj["new_feature"] = {"nested": [1, 2]}
    obj["member"]["avatar"] = "x"
    msg = decode_message(json.dumps(obj))
    assert isinstance(msg, Hello)
    assert msg.identity.riot_id == "Some One#EUW"
    assert msg.identity.tag_line == "EUW"


def test_unknown_keys_inside_a_signed_body_are_kept_verbatim() -> None:
    signed = _state(champion_id=103, skin_id=103002)
    body = json.loads(signed.body)
    body["future"] = 1
    obj = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    msg = decode_message(json.dumps(obj))
    assert isinstance(msg, StateMessage)
    assert msg.body == json.dumps(body)
    assert msg.state.selection == Selection(103, 103002)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("v", True),
        ("caps", ["x"] * 17),
        ("caps", [""]),
        ("app", ""),
        ("key", "not base64!"),
        ("key", "AAAA"),
        ("member", {"puuid": "a b", "summoner_id": 1, "riot_id": "A#B"}),
        ("member", {"puuid": "ab", "summoner_id": -1, "riot_id": "A#B"}),
        ("member", {"puuid": "ab", "summoner_id": 1.5, "riot_id": "A#B"}),
        ("member", {"puuid": "ab", "summoner_id": 1, "riot_id": "no tag"}),
        ("member", {"puuid": "ab", "summoner_id": 1, "riot_id": "Ctl\u0007#EUW"}),
    ],
)
def test_hello_is_validated_strictly(key: str, value: object) -> None:
    obj = _hello_obj()
    obj[key] = value
    with pytest.raises(ProtocolError):
        decode_message(json.dumps(obj))


@pytest.mark.parametrize(
    "sel",
    [
        {"champion_id": 0, "skin_id": 0, "chroma_id": None, "source": "picked", "custom": None},
        {"champion_id": 1, "skin_id": 2001, "chroma_id": None, "source": "picked", "custom": None},
        {"champion_id": 1, "skin_id": 1001, "chroma_id": 5001, "source": "chroma", "custom": None},
        {"champion_id": 1, "skin_id": 1001, "chroma_id": None, "source": "chroma", "custom": None},
        {"champion_id": 1, "skin_id": 1001, "chroma_id": None, "source": "??", "custom": None},
        {"champion_id": True, "skin_id": 1001, "chroma_id": None, "source": "picked"},
        {"champion_id": 1, "skin_id": 1000, "source": "custom",
         "custom": {"hash": "C:/Users/me/mods/x.zip", "name": "x"}},
        {"champion_id": 1, "skin_id": 1000, "source": "custom",
         "custom": {"hash": "ab" * 32, "name": "x" * 65}},
        {"champion_id": 1, "skin_id": 1000, "source": "picked",
         "custom": {"hash": "ab" * 32, "name": "x"}},
    ],
)
def test_selection_in_a_state_is_validated_strictly(sel: dict[str, Any]) -> None:
    body = json.loads(_state().body)
    body["sel"] = sel
    obj = {"type": "state", "v": 1, "body": json.dumps(body), "sig": "A" * 86 + "=="}
    with pytest.raises(ProtocolError):
        decode_message(json.dumps(obj))


def test_selection_rejects_bad_values_locally() -> None:
    with pytest.raises(FieldError):
        Selection(1, 2001)
    with pytest.raises(FieldError):
        Selection(1, 1000, source=Source.CUSTOM)
    assert Selection(1, 1005, 1006, source=Source.CHROMA).chroma_id == 1006


def test_too_large_message_is_refused_before_parsing() -> None:
    text = '{"type":"ping","v":1,"id":1,"beats":[],"pad":"' + "x" * MAX_MESSAGE_SIZE + '"}'
    with pytest.raises(MessageTooLargeError):
        decode_message(text)
    with pytest.raises(MessageTooLargeError):
        decode_message('{"pad":"' + "\u00e9" * (MAX_MESSAGE_SIZE // 2) + '"}')


def test_other_protocol_version_is_refused() -> None:
    with pytest.raises(UnsupportedProtocolVersionError):
        decode_message('{"type":"pong","v":2,"id":1}')
    with pytest.raises(ProtocolError):
        decode_message('{"type":"pong","id":1}')


def test_hello_of_a_newer_version_still_decodes_for_negotiation() -> None:
    obj = _hello_obj()
    obj["v"] = 2
    msg = decode_message(json.dumps(obj))
    assert isinstance(msg, Hello) and msg.version == 2


def test_ping_pong_and_intro_tokens() -> None:
    assert decode_message('{"type":"pong","v":1,"id":3}') == Pong(3)
    ping = decode_message('{"type":"ping","v":1,"id":3,"beats":[["ab",1,2,0]]}')
    assert isinstance(ping, Ping) and ping.beats[0].member == "ab"
    for bad in ('{"type":"ping","v":1,"id":3,"beats":[["ab",1,2]]}',
                '{"type":"ping","v":1,"id":3,"beats":[["ab",1,2,99]]}'):
        with pytest.raises(ProtocolError):
            decode_message(bad)
    intro = sign_intro(IntroKind.OFFER, "a", "b", 1, "tok", KEY)
    assert decode_message(encode_message(intro)) == intro
    bad_token = json.loads(intro.body)
    bad_token["token"] = "has space"
    obj = {"type": "intro-offer", "v": 1, "hops": 0, "body": json.dumps(bad_token),
           "sig": "A" * 86 + "=="}
    with pytest.raises(ProtocolError):
        decode_message(json.dumps(obj))


def test_sync_skips_unknown_record_types() -> None:
    state = _state()
    text = json.dumps({"type": "sync", "v": 1, "records": [
        {"type": "future"}, json.loads(encode_message(state))]})
    msg = decode_message(text)
    assert msg == Sync((state,))


def test_encoding_refuses_oversized_messages() -> None:
    with pytest.raises(FieldError):
        encode_message(Pong(1), max_size=10)
