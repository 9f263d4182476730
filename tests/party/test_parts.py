"""The small pure parts: coalescer, token bucket, routes, key ring, signatures, config."""

from __future__ import annotations

import itertools

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from webrtc_party.party import Coalescer, FieldError, PartyConfig
from webrtc_party.party.messages import Beat, IntroKind
from webrtc_party.party.ratelimit import TokenBucket
from webrtc_party.party.routes import Routes
from webrtc_party.party.signing import (
    KeyRing,
    public_key_bytes,
    sign_intro,
    sign_leave,
    verify_signed,
)


def test_coalescer_sends_first_change_at_once_then_holds() -> None:
    c: Coalescer[int] = Coalescer(settle=0.25)
    assert c.offer(1, 0.0) == 1
    assert c.offer(2, 0.1) is None
    assert c.offer(3, 0.2) is None
    assert c.deadline() == pytest.approx(0.25)
    assert c.poll(0.24) is None
    assert c.poll(0.25) == 3
    assert c.poll(0.3) is None and c.deadline() is None


def test_coalescer_skips_a_change_that_came_back_to_the_sent_value() -> None:
    c: Coalescer[int] = Coalescer(settle=0.25)
    assert c.offer(1, 0.0) == 1
    assert c.offer(1, 1.0) is None
    assert c.offer(2, 1.1) == 2
    assert c.offer(3, 1.2) is None
    assert c.offer(2, 1.25) is None
    assert c.poll(2.0) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5)), min_size=1, max_size=60))
def test_coalescer_always_delivers_the_latest_and_respects_settle(
    steps: list[tuple[float, int]],
) -> None:
    c: Coalescer[int] = Coalescer(settle=0.25)
    now, sent_at, last_sent = 0.0, [], None
    for gap, value in steps:
        now += gap
        got = c.poll(now)
        if got is not None:
            sent_at.append(now)
            last_sent = got
        got = c.offer(value, now)
        if got is not None:
            sent_at.append(now)
            last_sent = got
    final = c.poll(now + 1.0)
    if final is not None:
        sent_at.append(now + 1.0)
        last_sent = final
    assert last_sent == steps[-1][1]
    assert all(b - a >= 0.25 - 1e-9 for a, b in itertools.pairwise(sent_at))


def test_token_bucket() -> None:
    bucket = TokenBucket(rate=2, burst=3)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.49) is False
    assert bucket.take(0.5) is True
    assert bucket.take(100.0) and bucket.take(100.0) and bucket.take(100.0)
    assert not bucket.take(100.0)
    assert not bucket.take(50.0)  # a clock going backwards earns nothing


def test_routes_follow_advancing_heartbeats_only() -> None:
    routes = Routes("me")
    assert routes.heard("b", [Beat("c", 0, 1, 0)], 0.0, 6.0)
    assert not routes.heard("d", [Beat("c", 0, 1, 1)], 0.0, 6.0)
    best = routes.best("c", 1.0, 6.0, {"b", "d"})
    assert best is not None and best[0] == "b" and best[1].hops == 1
    assert routes.best("c", 1.0, 6.0, {"d"}) is not None
    routes.heard("b", [Beat("c", 0, 1, 0)], 5.0, 6.0)  # no progress: not fresher
    assert routes.best("c", 7.0, 6.0, {"b", "d"}) is None
    assert routes.heard("d", [Beat("c", 0, 2, 1)], 7.5, 6.0)  # reachable again
    best = routes.best("c", 8.0, 6.0, {"b", "d"})
    assert best is not None and best[0] == "d"
    assert not routes.heard("d", [Beat("me", 0, 9, 0)], 8.0, 6.0)
    assert routes.best("me", 8.0, 6.0, {"d"}) is None
    routes.forget("c")
    assert routes.best("c", 8.0, 6.0, {"b", "d"}) is None


def test_signatures_and_key_ring() -> None:
    key = Ed25519PrivateKey.generate()
    other = Ed25519PrivateKey.generate()
    leave = sign_leave("abc", 4, key)
    assert verify_signed(leave, public_key_bytes(key))
    assert not verify_signed(leave, public_key_bytes(other))
    assert not verify_signed(leave, b"\x00" * 31)
    offer = sign_intro(IntroKind.OFFER, "a", "b", 1, "tok", key)
    relabelled = type(offer)(
        IntroKind.ANSWER,
        *[
            getattr(offer, f)
            for f in ("origin", "target", "intro_id", "token", "hops", "body", "sig")
        ],
    )
    assert verify_signed(offer, public_key_bytes(key))
    assert not verify_signed(relabelled, public_key_bytes(key))
    ring = KeyRing()
    ring.bind("a", b"1" * 32)
    ring.bind("a", b"2" * 32)
    assert ring.get("a") == b"1" * 32
    assert ring.admits("a", b"1" * 32) and not ring.admits("a", b"2" * 32)
    assert ring.admits("b", b"2" * 32) and len(ring) == 1


def test_config_is_validated() -> None:
    with pytest.raises(FieldError):
        PartyConfig(max_members=1)
    with pytest.raises(FieldError):
        PartyConfig(rate=0)
    with pytest.raises(FieldError):
        PartyConfig(ping_interval=5, alive_timeout=4)
