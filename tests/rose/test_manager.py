"""PartyManager from plain threads, the way Rose calls it: no event loop in sight."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import loopback_config, wait
from tests.rose.manager_kit import service_over
from tests.rose.rose_kit import FakeRoseInjector, RoseTree
from tests.rose.rose_like import EmulatorThread
from webrtc_party.errors import PartyError
from webrtc_party.rose import PartyInjectionHook
from webrtc_party.rose.control import PartySnapshot
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.manager import PartyManager
from webrtc_party.rose.records import InjectionStatus
from webrtc_party.rose.service import PartyService


@pytest.fixture
def rose_pair(
    tmp_path: Path,
) -> Iterator[tuple[list[EmulatorThread], list[PartyManager], list[RoseTree]]]:
    with contextlib.ExitStack() as stack:  # closes in reverse, even if one close fails
        emus = [stack.enter_context(EmulatorThread(tmp_path / f"lcu{i}", i)) for i in range(2)]
        trees = [RoseTree(tmp_path / f"rose{i}") for i in range(2)]
        managers = [
            PartyManager.for_service(service_over(e.emu, SkinFiles(t.skins, t.custom)))
            for e, t in zip(emus, trees, strict=True)
        ]
        for m in managers:
            stack.callback(m.close)
        yield emus, managers, trees


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
    assert hook.last_report.statuses() == {(jinx, 222): InjectionStatus.INJECTED}
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


def test_the_manager_imports_no_webrtc_stack() -> None:
    """Rose imports the manager at start-up: aiortc, av and aiohttp load on the party thread.

    The package's ``__init__`` is another module's business, so it is stubbed here."""
    import subprocess
    import sys

    code = (
        "import sys, types, webrtc_party, pathlib\n"
        "pkg = types.ModuleType('webrtc_party.rose')\n"
        "pkg.__path__ = [str(pathlib.Path(webrtc_party.__file__).parent / 'rose')]\n"
        "sys.modules['webrtc_party.rose'] = pkg\n"
        "import webrtc_party.rose.manager as m\n"
        "m.PartyManager(None, None, None).get_state_dict()\n"
        "bad = [k for k in sys.modules if k.split('.')[0] in ('aiortc', 'av', 'aiohttp')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
