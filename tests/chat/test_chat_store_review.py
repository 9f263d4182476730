"""The review of the League-chat store and the bridge: a huge or non-finite ``linked_at`` is
a damaged file (set aside, defaults, a warning), never a crash; the bridge never sends NaN
or Infinity; a party key counts as saved only once it is written."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.rose.bridge_messages import dumps, encode_league_chat
from webrtc_party.rose.chat_store import ChatStore, StoreFileError, decode_friends
from webrtc_party.rose.chat_switch import ChatSwitch
from webrtc_party.rose.control import ChatFriend, ChatInfo

KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def _friends_file(at: str) -> str:
    row = f'{{"puuid": "ab", "key": "{KEY_B64}", "name": "x", "linked_at": {at}}}'
    return f'{{"version": 1, "friends": [{row}]}}'


def _strict(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("at", ["1" + "0" * 400, "1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_a_linked_at_that_is_not_a_finite_number_is_a_damaged_file(
    tmp_path: Path, at: str
) -> None:
    with pytest.raises(StoreFileError):
        decode_friends(_friends_file(at))
    (tmp_path / "friends.json").write_text(_friends_file(at))
    store = ChatStore(tmp_path)  # no OverflowError out of the constructor
    assert store.friends == {}
    assert any("friends.json was damaged" in w for w in store.warnings)
    assert (tmp_path / "friends.json.corrupt").read_text() == _friends_file(at)


def test_a_good_linked_at_still_loads(tmp_path: Path) -> None:
    assert decode_friends(_friends_file("1700000000.5"))["ab"].linked_at == 1700000000.5


def test_the_bridge_never_sends_nan_or_infinity() -> None:
    info = ChatInfo(
        available=True,
        enabled=True,
        explained=True,
        running=True,
        auto=False,
        problem=None,
        remembered=(ChatFriend("ab", "x", math.nan),),
        refused=(),
    )
    for value in (math.nan, math.inf, -math.inf):
        text = dumps({"type": "party-state", "league_chat": encode_league_chat(info), "v": value})
        got = _strict(text)  # what JSON.parse accepts
        assert isinstance(got, dict)
        assert got["type"] == "party-error" and got["code"] == "internal"
        assert "party-state" in got["error"]
    assert _strict(dumps({"type": "party-state", "v": 1.5})) == {"type": "party-state", "v": 1.5}


def test_a_party_key_that_could_not_be_written_does_not_count_as_saved(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data dir should be")
    store = ChatStore(blocker)
    key = Ed25519PrivateKey.generate()
    assert store.party_key(key) is key  # the run goes on with it...
    assert not store.key_saved  # ...but friends must not remember it
    assert any("could not be written" in w for w in store.warnings)
    assert not ChatSwitch._saved(store, key)

    good = ChatStore(tmp_path / "data")
    assert ChatSwitch._saved(good, key) and good.key_saved  # written now
    again = ChatStore(tmp_path / "data")
    assert ChatSwitch._saved(again, key)  # read back
    assert not ChatSwitch._saved(again, Ed25519PrivateKey.generate())  # another key
