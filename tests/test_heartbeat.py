"""The pure heartbeat: its wire format (version, size limit) and its timing, ``now`` passed in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webrtc_party.heartbeat import (
    MAX_BEAT,
    MAX_PINGS,
    RTT_REFRESH,
    BeatPing,
    BeatPong,
    Bye,
    Heartbeat,
    SendPing,
    Vanished,
    decode_beat,
    encode_beat,
)


def test_version_1_is_the_bytes_of_release_0_1_0() -> None:
    assert encode_beat(BeatPing(0)) == "ping 0"
    assert encode_beat(BeatPong(17)) == "pong 17"
    assert encode_beat(Bye()) == "bye"
    for beat in (BeatPing(0), BeatPong(10**20 - 1), Bye()):
        assert decode_beat(encode_beat(beat)) == beat


@pytest.mark.parametrize(
    "text",
    [
        "v2 ping 1",  # a later version
        "ping",
        "ping x",
        "ping -1",
        "ping 1 2",
        "ping ١٢",  # non-ASCII digits
        "ping " + "9" * 21,
        "pong ",
        "bye now",
        "hello 1",
        "",
        "ping 1" + " " * MAX_BEAT,
    ],
)
def test_what_this_version_does_not_know_is_ignored(text: str) -> None:
    assert decode_beat(text) is None


def test_bytes_and_oversized_texts_are_ignored() -> None:
    assert decode_beat(b"ping 1") is None
    assert decode_beat("p" * (MAX_BEAT + 1)) is None


def test_a_beat_out_of_range_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="1 to 20 digits"):
        BeatPing(-1)
    with pytest.raises(ValueError, match="1 to 20 digits"):
        BeatPong(10**20)


@given(st.text(max_size=100))
def test_any_text_decodes_to_a_beat_or_none(text: str) -> None:
    beat = decode_beat(text)
    assert beat is None or decode_beat(encode_beat(beat)) == beat


def test_a_busy_link_pings_only_to_refresh_the_round_trip() -> None:
    heart = Heartbeat(interval=1.0, timeout=5.0, now=100.0)
    first = heart.tick(100.0)
    assert first == SendPing(BeatPing(0))  # the first round trip at once
    for second in range(1, 10):
        heart.heard(100.0 + second)  # traffic every second
        assert heart.tick(100.0 + second) is None
    heart.heard(110.0)
    assert heart.tick(110.0) == SendPing(BeatPing(1))  # RTT_REFRESH later
    assert RTT_REFRESH == 10.0


def test_a_quiet_link_pings_after_two_intervals_and_vanishes_after_the_timeout() -> None:
    heart = Heartbeat(interval=1.0, timeout=5.0, now=0.0)
    assert isinstance(heart.tick(0.0), SendPing)
    assert heart.tick(1.0) is None
    assert heart.tick(2.0) == SendPing(BeatPing(1))
    assert heart.tick(3.0) == SendPing(BeatPing(2))
    assert heart.tick(5.0) == SendPing(BeatPing(3))  # quiet 5.0: not yet over the timeout
    step = heart.tick(6.0)
    assert step == Vanished(6.0)
    assert isinstance(step, Vanished) and step.reason == "no sign of the peer for 6.0 s"


def test_the_round_trip_comes_from_the_matching_pong() -> None:
    heart = Heartbeat(interval=1.0, timeout=5.0, now=0.0)
    step = heart.tick(0.0)
    assert isinstance(step, SendPing)
    assert heart.pong(BeatPong(99), 0.01) is None  # never sent
    assert heart.pong(BeatPong(step.ping.seq), 0.0425) == 42.5
    assert heart.rtt_ms == 42.5
    assert heart.pong(BeatPong(step.ping.seq), 0.05) is None  # once only


def test_pings_awaiting_a_pong_are_bounded() -> None:
    heart = Heartbeat(interval=1.0, timeout=1000.0, now=0.0)
    for second in range(0, 2 * (MAX_PINGS + 10), 2):
        assert isinstance(heart.tick(float(second)), SendPing)
    assert heart.pong(BeatPong(0), 500.0) is None  # the oldest was forgotten
    assert heart.pong(BeatPong(MAX_PINGS + 9), 500.0) is not None


def test_a_clock_step_back_neither_vanishes_nor_gives_a_negative_round_trip() -> None:
    heart = Heartbeat(interval=1.0, timeout=5.0, now=100.0)
    step = heart.tick(100.0)
    assert isinstance(step, SendPing)
    assert heart.tick(50.0) is None
    assert heart.pong(BeatPong(step.ping.seq), 99.0) is None
    assert heart.rtt_ms is None


def test_the_timeout_must_be_longer_than_the_interval() -> None:
    with pytest.raises(ValueError, match="longer than its interval"):
        Heartbeat(interval=1.0, timeout=1.0, now=0.0)
