"""The party loop is a selector loop on Windows and never changes the global policy."""

from __future__ import annotations

import asyncio
import sys

import pytest

from webrtc_party import loops


def test_windows_gets_a_selector_loop() -> None:
    factory = loops.party_loop_factory("win32")
    assert factory is asyncio.SelectorEventLoop
    loop = factory()
    try:
        assert isinstance(loop, asyncio.SelectorEventLoop)
    finally:
        loop.close()


def test_elsewhere_the_default_loop() -> None:
    assert loops.party_loop_factory("linux") is asyncio.new_event_loop


def test_run_party_on_win32_uses_the_selector_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    class MarkedSelectorLoop(asyncio.SelectorEventLoop):
        """Stands in for Windows' selector loop: only the factory's choice can produce it."""

    monkeypatch.setattr(asyncio, "SelectorEventLoop", MarkedSelectorLoop)
    monkeypatch.setattr(sys, "platform", "win32")
    policy_before = asyncio.get_event_loop_policy()

    async def kind() -> type[asyncio.AbstractEventLoop]:
        return type(asyncio.get_running_loop())

    seen = loops.run_party(kind())
    assert seen is MarkedSelectorLoop
    assert asyncio.get_event_loop_policy() is policy_before
