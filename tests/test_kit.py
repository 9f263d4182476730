"""The shared test kit can fail: its waits name what never happened."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import loopback_config, next_event, until, wait
from webrtc_party.link import Link
from webrtc_party.link_events import Closed, Received


async def test_until_returns_once_the_condition_holds_and_names_it_when_it_never_does() -> None:
    calls: list[int] = []

    def third_look() -> bool:
        calls.append(1)
        return len(calls) >= 3

    await until(third_look, 5)
    assert len(calls) == 3
    with pytest.raises(AssertionError, match=r"in 0\.1 s: never true \(.*test_kit\.py:\d+\)"):
        await until(lambda: False, 0.1, what="never true")


def test_wait_polls_from_a_plain_thread() -> None:
    done = threading.Event()
    threading.Timer(0.1, done.set).start()
    wait(done.is_set, 5)
    with pytest.raises(AssertionError, match=r"in 0\.1 s: check"):
        wait(lambda: False, 0.1)


async def test_next_event_fails_when_the_link_closes_first() -> None:
    link = Link(loopback_config())
    await link.close()
    with pytest.raises(AssertionError, match=r"closed .* before any Received"):
        await next_event(link, Received)


async def test_next_event_returns_a_close_when_asked_for_one() -> None:
    link = Link(loopback_config())
    await link.close()
    assert await next_event(link, Closed) == link.closed
