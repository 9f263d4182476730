"""PartyManager from plain threads, the way Rose calls it: no event loop in sight."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import loopback_config
from tests.rose.party_kit import FAST
from tests.rose.rose_kit import FakeRoseInjector, RoseTree
from webrtc_party.errors import PartyError
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.control import PartySnapshot
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.manager import PartyManager
from webrtc_party.rose.records import MemberStatus
from webrtc_party.rose.service import PartyService


class EmulatorThread:
    """A League-client emulator on its own loop thread (Rose's world has no test loop)."""

    def __init__(self, folder: Path, local: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emu = LcuEmulator(folder, "premade", size=2, local=local)
        self.run(self.emu.start())

    def run(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(20)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.run(self.emu.stop())
        self.run(asyncio.sleep(0.2))  # let closed transports finish before the loop stops
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def factory(emu: LcuEmulator, tree: RoseTree) -> Callable[[], PartyService]:
    def league() -> AsyncIterator[LeagueState]:
        return watch_league(emu.lockfile_path, cafile=emu.ca_path)

    def make() -> PartyService:
        return PartyService(
            loopback_config(),
            league,
            party_config=FAST,
            skins=SkinFiles(tree.skins, tree.custom),
            retry_delay=0.2,
            tick=0.2,
        )

    return make


def wait(check: Callable[[], bool], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


@pytest.fixture
def rose_pair(
    tmp_path: Path,
) -> Iterator[tuple[list[EmulatorThread], list[PartyManager], list[RoseTree]]]:
    emus = [EmulatorThread(tmp_path / f"lcu{i}", i) for i in range(2)]
    trees = [RoseTree(tmp_path / f"rose{i}") for i in range(2)]
    managers = [
        PartyManager.for_service(factory(e.emu, t)) for e, t in zip(emus, trees, strict=True)
    ]
    yield emus, managers, trees
    for m in managers:
        m.close()
    for e in emus:
        e.stop()


def test_rose_flow_from_threads(
    rose_pair: tuple[list[EmulatorThread], list[PartyManager], list[RoseTree]], tmp_path: Path
) -> None:
    (ea, eb), (ma, mb), (ta, tb) = rose_pair
    states: list[PartySnapshot] = []
    ma.set_callbacks(on_state_change=states.append)
    assert not ma.enabled
    wait(lambda: ma.service.league.me is not None and mb.service.league.me is not None)

    token = ma.enable_blocking()
    assert token.startswith("wpi") and ma.enabled and ma.last_error is None
    again = ma.enable_blocking()  # enabling twice hands out a fresh invite for the next friend
    assert again.startswith("wpi") and again != token
    assert ma.get_state_dict()["my_token"] == again

    bad = mb.paste("not a token at all")
    assert not bad and bad.code == "not-a-token" and bad.error
    answer = mb.paste(token)
    assert answer and answer.answer is not None and answer.answer.startswith("wpa")
    assert mb.get_state_dict()["my_answer"] == answer.answer
    done = ma.paste(answer.answer)
    assert done and done.answer is None
    assert ma.get_state_dict()["last_result"]["kind"] == "completed"

    mod = tb.add_custom_archive(222002, "arcane.zip", "arcane")
    assert mb.set_custom_mod(222002, mod, "Arcane") is True
    assert mb.set_custom_mod(222002, tmp_path / "missing.zip") is False
    ea.run(ea.emu.run_until("skins"))
    eb.run(eb.emu.run_until("skins"))
    jinx = eb.emu.world.me.puuid
    wait(lambda: [s.puuid for s in ma.get_party_skins()] == [jinx])
    (record,) = ma.get_party_skins()
    assert record.custom_mod is not None and record.custom_mod.display_name == "Arcane"
    assert any(s.enabled and s.members for s in states)  # callback ran on the party thread

    # Rose's injection thread: the hook reads the manager synchronously
    ta.add_skin(222, 222002)
    hook = PartyInjectionHook(
        ta.skins,
        ta.custom,
        ma.get_team_view,
        ma.get_party_skins,
        on_report=ma.publish_injection_report,
    )
    results: list[list[str]] = []
    worker = threading.Thread(
        target=lambda: results.append(hook.prepare_party_mods(FakeRoseInjector(tmp_path)))
    )
    worker.start()
    worker.join(20)
    assert len(results[0]) == 1
    assert hook.last_report.statuses() == {(jinx, 222): MemberStatus.INJECTED}
    wait(lambda: [m.injection for m in ma.snapshot().members] == ["injected"])
    detail = ma.snapshot().members[0].injection_detail
    assert detail is not None and "custom mod not found locally" in detail

    assert ma.remove_blocking(eb.emu.world.me.summoner_id) is True
    assert ma.remove_blocking(12345) is False
    ma.disable_blocking()
    assert not ma.enabled and ma.get_party_skins() == []


def test_errors_are_sentences_and_loops_are_never_blocked(tmp_path: Path) -> None:
    manager = PartyManager.for_service(
        lambda: PartyService(loopback_config(), None, identity_wait=0.1), timeout=10
    )
    try:
        with pytest.raises(PartyError, match="League client"):
            manager.enable_blocking()
        assert manager.last_error is not None and "League client" in manager.last_error
        result = manager.paste("wpiXYZ")
        assert not result and result.code in ("damaged", "no-league-client")
        assert manager.remove_blocking(1) is False
        assert manager.get_party_skins() == [] and manager.get_team_view() is None

        async def on_a_loop() -> None:
            with pytest.raises(RuntimeError, match="async"):
                manager.enable_blocking()
            with pytest.raises(PartyError, match="League client"):
                await manager.enable()
            ok, error = await manager.add_peer("wpiXYZ")
            assert ok is False and error
            assert manager.get_party_skins() == []  # cached answer, no blocking
            replies = await manager.handle_ui_message_async('{"type":"party-get-state"}')
            assert replies[0].message["type"] == "party-state"

        asyncio.run(on_a_loop())
    finally:
        manager.close()


def test_a_slow_party_gives_a_sentence() -> None:
    manager = PartyManager.for_service(
        lambda: PartyService(loopback_config(), None, identity_wait=1.0)
    )
    try:
        manager.start()
        manager._party._timeout = 0.2  # the caller gives up long before the service does
        with pytest.raises(PartyError, match="in time"):
            manager.enable_blocking()
        slow = manager.paste("wpiXYZ")
        assert not slow and slow.error is not None and "in time" in slow.error
    finally:
        manager._party._timeout = 10.0
        manager.close()
