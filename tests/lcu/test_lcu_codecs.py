"""Property tests of the pure codecs: WAMP frames and the lockfile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webrtc_party.lcu.errors import LockfileMalformedError
from webrtc_party.lcu.lockfile import (
    Lockfile,
    decode_lockfile,
    encode_lockfile,
    install_dirs_from_command_lines,
)
from webrtc_party.lcu.wamp import (
    MAX_FRAME_SIZE,
    EventType,
    LcuEvent,
    WampError,
    decode_client_frame,
    decode_event,
    encode_event,
    encode_subscribe,
    encode_unsubscribe,
    topic_for,
)

from .helpers import fixture

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64), 2**64) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=15,
)
uris = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/", max_size=40).map(
    lambda s: "/" + s
)


@given(uri=uris, kind=st.sampled_from(list(EventType)), data=json_values)
def test_event_round_trip(uri: str, kind: EventType, data: Any) -> None:
    event = LcuEvent(topic_for(uri), uri, kind, None if kind is EventType.DELETE else data)
    assert decode_event(encode_event(event)) == event


@given(st.text(max_size=200))
def test_random_text_raises_only_wamp_error(text: str) -> None:
    try:
        decode_event(text)
    except WampError:
        pass
    try:
        decode_client_frame(text)
    except WampError:
        pass


def test_frames_of_the_capture() -> None:
    frames = fixture("wamp-frames.json")["frames"]
    client = [f["text"] for f in frames if f["dir"] == "client->server"]
    assert client == [
        encode_subscribe("OnJsonApiEvent"),
        encode_subscribe(topic_for("/lol-champ-select/v1/session")),
        encode_unsubscribe(topic_for("/lol-champ-select/v1/session")),
    ]
    server = [f["text"] for f in frames if f["dir"] == "server->client"]
    assert decode_event(server[0]) is None and decode_event(server[1]) is None  # empty acks
    events = [decode_event(t) for t in server[2:]]
    assert [e.event_type if e else None for e in events] == [
        EventType.UPDATE,
        EventType.UPDATE,
        EventType.CREATE,
        EventType.CREATE,
        EventType.CREATE,
        EventType.UPDATE,
        EventType.DELETE,
        EventType.DELETE,
    ]
    assert events[-1] is not None and events[-1].data is None
    assert events[4] is not None and events[4].topic == "OnJsonApiEvent_lol-champ-select_v1_session"


@pytest.mark.parametrize(
    "text",
    [
        "[8]",
        '[8,"t",{"uri":"/x","eventType":"Upsert"}]',
        '[8,"t",{"uri":"x","eventType":"Update"}]',
        '{"a":1}',
        "[]",
        '["8"]',
        "[8,1,{}]",
    ],
)
def test_bad_event_frames(text: str) -> None:
    with pytest.raises(WampError):
        decode_event(text)


def test_other_opcodes_and_size_limit() -> None:
    assert decode_event('[0,"session",1,"server"]') is None  # WELCOME: not an event
    with pytest.raises(WampError, match="exceeds"):
        decode_event("[" + " " * MAX_FRAME_SIZE + "]")


passwords = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=12,
    max_size=30,
)


@given(pid=st.integers(0, 2**31), port=st.integers(1, 65535), password=passwords)
def test_lockfile_round_trip(pid: int, port: int, password: str) -> None:
    lock = Lockfile("LeagueClient", pid, port, password, "https")
    assert decode_lockfile(encode_lockfile(lock)) == lock
    assert password not in repr(lock) and "password" not in repr(lock)


@given(st.text(max_size=80))
def test_random_lockfile_text_raises_only_malformed(text: str) -> None:
    try:
        decode_lockfile(text)
    except LockfileMalformedError:
        pass


def test_lockfile_example_and_header() -> None:
    lock = decode_lockfile(
        (Path(__file__).parent.parent / "data/lcu/fixtures/lockfile.example").read_text()
    )
    assert (lock.pid, lock.port, lock.protocol) == (18244, 51903, "https")
    assert lock.authorization == "Basic cmlvdDpqVjJrUThwWF83ckx3TjNzWWIwVGZB"
    assert lock.base_url == "https://127.0.0.1:51903" and lock.ws_url == "wss://127.0.0.1:51903/"


def test_install_dir_from_windows_command_lines() -> None:
    text = (
        '"C:\\Riot Games\\League of Legends\\LeagueClientUx.exe" "--app-port=51903" '
        '"--install-directory=C:\\Riot Games\\League of Legends" "--app-pid=18244"\n'
        "LeagueClient.exe --install-directory=D:/Games/LoL --locale=en_GB\n"
    )
    assert [str(p) for p in install_dirs_from_command_lines(text)] == [
        "C:\\Riot Games\\League of Legends",
        "D:/Games/LoL",
    ]
