"""The League-chat store and its bridge messages: bounded, atomic, hostile input refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from webrtc_party.errors import ConfigError
from webrtc_party.rose.bridge_handler import handle_ui_message
from webrtc_party.rose.bridge_messages import (
    BridgeMessageError,
    RequestType,
    decode_request,
)
from webrtc_party.rose.chat_store import (
    MAX_FRIENDS,
    ChatStore,
    StoreFileError,
    decode_friends,
    league_chat_from_env,
)
from webrtc_party.rose.rose_setup import party_data_dir
from webrtc_party.rose.service import PartyService

KEY = bytes(range(32))


def test_remembered_friends_are_bounded_and_written_atomically(tmp_path: Path) -> None:
    store = ChatStore(tmp_path)
    for i in range(MAX_FRIENDS + 5):
        store.remember(f"p{i:04d}", KEY, f"Friend{i}#EUW", 1000.0 + i)
    assert len(store.friends) == MAX_FRIENDS
    assert "p0000" not in store.friends and f"p{MAX_FRIENDS + 4:04d}" in store.friends
    assert sorted(os.listdir(tmp_path)) == ["friends.json"]  # no temporary file left over
    assert (tmp_path / "friends.json").stat().st_mode & 0o077 == 0
    again = ChatStore(tmp_path)
    assert again.friends == store.friends and again.warnings == []
    assert again.forget("P0100") == 1 and again.forget("p0100") == 0
    assert again.forget(None) == MAX_FRIENDS - 1
    assert ChatStore(tmp_path).friends == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"version": 2, "friends": []}',
        '{"version": 1, "friends": {}}',
        '{"version": 1, "friends": [{"puuid": "a b", "key": "AAAA", "name": "x", "linked_at": 1}]}',
        '{"version": 1, "friends": [{"puuid": "ab", "key": "!!", "name": "x", "linked_at": 1}]}',
        '{"version": 1, "friends": [{"puuid": "ab", "key": "AAAA", "name": "x", "linked_at": 1}]}',
        '{"version": 1, "friends": [{"puuid": "ab", "key": '
        '"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "name": "x", "linked_at": true}]}',
        "[" * 100_000,
    ],
)
def test_hostile_friends_files_raise_only_the_store_error(text: str) -> None:
    with pytest.raises(StoreFileError):
        decode_friends(text)


def test_unreadable_party_key_is_replaced_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "party-key").write_text("not base64 at all")
    store = ChatStore(tmp_path)
    key = store.party_key()
    assert any("party-key" in w for w in store.warnings)
    same = ChatStore(tmp_path).party_key()
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Encoding.Raw, PublicFormat.Raw
    assert same.public_key().public_bytes(*raw) == key.public_key().public_bytes(*raw)


def test_env_and_data_dir() -> None:
    assert league_chat_from_env({}) is None
    assert league_chat_from_env({"WEBRTC_PARTY_LEAGUE_CHAT": "ON"}) is True
    assert league_chat_from_env({"WEBRTC_PARTY_LEAGUE_CHAT": "0"}) is False
    with pytest.raises(ConfigError, match="use 1 \\(on\\) or 0 \\(off\\)"):
        league_chat_from_env({"WEBRTC_PARTY_LEAGUE_CHAT": "maybe"})
    assert party_data_dir({"WEBRTC_PARTY_DATA_DIR": "/x/y"}) == Path("/x/y")
    win = party_data_dir({"LOCALAPPDATA": "C:/Users/a/AppData/Local"}, "win32")
    assert win == Path("C:/Users/a/AppData/Local") / "Rose" / "party-mode"
    assert party_data_dir({"XDG_DATA_HOME": "/d"}, "linux") == Path("/d/Rose/party-mode")


@pytest.mark.parametrize(
    ("message", "code", "words"),
    [
        ({"type": "party-set-league-chat"}, "missing-field", "enabled"),
        ({"type": "party-set-league-chat", "enabled": "true"}, "bad-field", "true or false"),
        ({"type": "party-set-league-chat", "enabled": 1}, "bad-field", "true or false"),
        ({"type": "party-set-league-chat", "enabled": True, "explained": "y"}, "bad-field", ""),
        ({"type": "party-forget-friend"}, "missing-field", "puuid"),
        ({"type": "party-forget-friend", "all": False}, "bad-field", "only ever true"),
        ({"type": "party-forget-friend", "all": True, "puuid": "ab"}, "bad-field", "not both"),
        ({"type": "party-forget-friend", "puuid": 7}, "bad-field", "1..100 [A-Za-z0-9_-]"),
        ({"type": "party-forget-friend", "puuid": "a" * 101}, "bad-field", "1..100"),
        ({"type": "party-forget-friend", "puuid": "../../etc"}, "bad-field", "[A-Za-z0-9_-]"),
        ({"type": "party-forget-friend", "puuid": ""}, "bad-field", "1..100"),
    ],
)
def test_hostile_chat_bridge_messages_are_refused_with_a_reason(
    message: dict[str, object], code: str, words: str
) -> None:
    with pytest.raises(BridgeMessageError) as caught:
        decode_request(json.dumps(message))
    assert caught.value.code == code and words in str(caught.value)


def test_good_chat_bridge_messages_decode() -> None:
    req = decode_request({"type": "party-set-league-chat", "enabled": False, "id": 3})
    assert (req.type, req.enabled, req.explained, req.request_id) == (
        RequestType.SET_LEAGUE_CHAT,
        False,
        None,
        3,
    )
    req = decode_request({"type": "party-forget-friend", "all": True})
    assert req.forget_all and req.member is None
    assert decode_request({"type": "party-forget-friend", "puuid": "AB-c_9"}).member == "ab-c_9"


async def test_a_service_without_a_league_client_says_chat_is_unavailable() -> None:
    from tests.helpers import loopback_config

    async with PartyService(loopback_config()) as service:
        replies = await handle_ui_message(
            service, {"type": "party-set-league-chat", "enabled": True, "id": "x"}
        )
        error = replies[0].message
        assert error["type"] == "party-error" and error["code"] == "league-chat-unavailable"
        assert error["id"] == "x"
        assert service.snapshot().league_chat.available is False
        forgot = await handle_ui_message(service, {"type": "party-forget-friend", "all": True})
        assert forgot[0].message["count"] == 0
