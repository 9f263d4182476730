"""The League watcher against emulators: restarts, hidden players, noise, several clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from webrtc_party.lcu.client import (
    LcuClient,
    LeagueUpdate,
    LeagueWatcher,
    NotInPhase,
    watch_league,
)
from webrtc_party.lcu.emulator import DEFAULT_ACCOUNTS, Account, LcuEmulator
from webrtc_party.lcu.errors import (
    LcuAuthError,
    LcuConnectionError,
    LcuRequestError,
    LockfileNotFoundError,
)
from webrtc_party.lcu.lockfile import Lockfile
from webrtc_party.lcu.state import (
    ChampSelectEnded,
    GameEnded,
    GameStarted,
    LeaguePick,
    LeagueState,
    MySelectionChanged,
)

Pred = Callable[[LeagueState], bool]


async def updates_until(
    updates: AsyncIterator[LeagueUpdate], pred: Pred, within: float = 5.0
) -> list[LeagueUpdate]:
    """Read ``updates`` up to the first whose state passes ``pred``; all read so far."""
    seen: list[LeagueUpdate] = []
    async with asyncio.timeout(within):
        async for update in updates:
            seen.append(update)
            if pred(update.state):
                return seen
    raise AssertionError("watcher ended")


def watcher(emu: LcuEmulator, **kw: object) -> LeagueWatcher:
    return LeagueWatcher(emu.lockfile_path, cafile=emu.ca_path, **kw)  # type: ignore[arg-type]


async def test_restart_mid_champ_select(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade", size=3, local=0) as emu:
        w = watcher(emu)
        async with contextlib.aclosing(w.updates()) as updates:
            await updates_until(updates, lambda s: s.phase == "None")
            await emu.run_until("lock-3")
            await updates_until(updates, lambda s: len(s.team) == 5 and s.team[2].champion_locked)
            old = emu.lockfile
            await emu.restart()
            assert emu.port != old.port and emu.password != old.password
            await emu.run_until("skins")  # changes while the watcher is away
            seen = await updates_until(updates, lambda s: s.my_selection == LeaguePick(103, 103001))
            assert any(u.resync for u in seen)
            assert w.connections == 2
            state = w.tracker.state
            assert state.phase == "ChampSelect" and [p.riot_id for p in state.premade] == [
                "Ahri Main#EUW",
                "Jinx Enjoyer#EUW",
                "Lux Support#EUW",
            ]
            # the old credentials no longer work
            async with LcuClient(old, cafile=emu.ca_path) as client:
                with pytest.raises(LcuConnectionError):
                    await client.get("/lol-gameflow/v1/gameflow-phase")
            await emu.play()
            seen = await updates_until(updates, lambda s: s.phase == "Lobby" and s.game is not None)
            events = [e for u in seen for e in u.events]
            assert [type(e) for e in events if isinstance(e, GameStarted | GameEnded)] == [
                GameStarted,
                GameEnded,
            ]


async def test_hidden_strangers_and_premade_in_champ_select(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade", size=2, local=1) as emu:
        async with contextlib.aclosing(watcher(emu).updates()) as updates:
            await emu.run_until("hovers")
            seen = await updates_until(updates, lambda s: any(t.pick_intent for t in s.team))
            state = seen[-1].state
            assert [t.cell_id for t in state.team] == [0, 1, 2, 3, 4]
            assert [t.is_hidden for t in state.team] == [True, True, True, False, False]
            assert all(t.puuid == "" and t.summoner_id == 0 for t in state.team[:3])
            me = next(t for t in state.team if t.is_me)
            assert me.cell_id == 4 and me.puuid == DEFAULT_ACCOUNTS[1].puuid
            assert state.team[3].is_premade and state.team[3].game_name == "Ahri Main"
            assert state.my_selection == LeaguePick(222, 222000)
            assert not me.champion_locked


async def test_noisy_catch_all_stream(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade", size=2) as emu:
        w = watcher(emu)
        async with contextlib.aclosing(w.updates()) as updates:
            await updates_until(updates, lambda s: s.phase == "None")
            for i in range(600):
                await emu.publish(
                    "/lol-chat/v1/conversations", "Update", {"n": i, "body": "x" * 200}
                )
                await emu.publish("/riot-messaging-service/v1/message", "Create", [i])
                if i == 300:
                    await emu.run_until("join-1")
            seen = await updates_until(updates, lambda s: len(s.premade) == 2)
            assert all(u.events for u in seen)  # noise causes no updates
            assert w.tracker.dropped == 0
            assert emu.events_sent >= 1200


async def test_several_emulated_clients_at_once(tmp_path: Path) -> None:
    size = 3
    emus = [LcuEmulator(tmp_path / f"p{i}", "premade", size=size, local=i) for i in range(size)]
    async with contextlib.AsyncExitStack() as stack:
        for emu in emus:
            await stack.enter_async_context(emu)
        assert len({e.port for e in emus}) == size
        streams = [
            await stack.enter_async_context(contextlib.aclosing(watcher(e).updates())) for e in emus
        ]
        for emu in emus:
            await emu.run_until("chromas")
        states = []
        for i, stream in enumerate(streams):
            want = LeaguePick(*[(103, 103001), (222, 222002), (99, 99002)][i])
            seen = await updates_until(stream, lambda s, w=want: s.my_selection == w)  # type: ignore[misc]
            states.append(seen[-1].state)
        premades = {tuple(p.puuid for p in s.premade) for s in states}
        assert premades == {tuple(a.puuid for a in DEFAULT_ACCOUNTS[:size])}
        assert [s.me.puuid for s in states if s.me] == [a.puuid for a in DEFAULT_ACCOUNTS[:size]]
        assert [next(t.cell_id for t in s.team if t.is_me) for s in states] == [2, 3, 4]
        # everyone sees the same champions on the same cells
        assert len({tuple((t.cell_id, t.champion_id) for t in s.team) for s in states}) == 1


async def test_dodge_scenario(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "dodge", size=2) as emu:
        async with contextlib.aclosing(watcher(emu).updates()) as updates:
            await emu.run_until("lock-2")
            await updates_until(updates, lambda s: s.champ_select is not None and len(s.team) == 5)
            assert await emu.step() == "dodge"
            seen = await updates_until(
                updates, lambda s: s.phase == "Lobby" and s.champ_select is None
            )
            events = [e for u in seen for e in u.events if isinstance(e, ChampSelectEnded)]
            assert [e.dodged for e in events] == [True]
            state = seen[-1].state
            assert state.team == () and state.my_selection is None and state.game is None
            assert len(state.premade) == 2


async def test_swiftplay_both_slots_and_the_player_slots_put(tmp_path: Path) -> None:
    """Both of my Swiftplay champions with their skins; the client's own PUT of the player
    slots (what its skin picker, and Rose, send) changes the second one."""
    put = "/lol-lobby/v1/lobby/members/localMember/player-slots"
    async with LcuEmulator(tmp_path, "swiftplay", size=2, local=1) as emu:
        async with LcuClient(emu.lockfile, cafile=emu.ca_path) as client:
            assert isinstance(await client.request("PUT", put, []), NotInPhase)  # no lobby
            async with contextlib.aclosing(watcher(emu).updates()) as updates:
                await emu.run_until("slots")
                seen = await updates_until(updates, lambda s: len(s.my_selections) == 2)
                state = seen[-1].state
                assert state.my_selections == (LeaguePick(222, 222002), LeaguePick(64, 64000))
                assert state.my_selection == LeaguePick(222, 222002)
                lobby = await client.get("/lol-lobby/v2/lobby")
                assert isinstance(lobby, dict)
                slots = lobby["localMember"]["playerSlots"]
                assert [(s["championId"], s["skinId"]) for s in slots] == [
                    (222, 222002), (64, 64000)
                ]
                slots[1]["skinId"] = 64001
                assert await client.request("PUT", put, slots) is None
                seen = await updates_until(
                    updates, lambda s: s.my_selections[1:] == (LeaguePick(64, 64001),)
                )
                changed = [e for u in seen for e in u.events if isinstance(e, MySelectionChanged)]
                assert changed and changed[-1].selections == (
                    *state.my_selections[:1], LeaguePick(64, 64001)
                )
                with pytest.raises(LcuRequestError, match="400"):
                    await client.request("PUT", put, {"championId": 64})
                await emu.run_until("in-progress")  # in game: the champion the game gave me
                seen = await updates_until(updates, lambda s: s.phase == "InProgress")
                assert seen[-1].state.my_selections == (LeaguePick(222, 222002),)


async def test_swiftplay_and_custom_bots(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path / "s", "swiftplay", size=2, local=1) as emu:
        async with contextlib.aclosing(watcher(emu).updates()) as updates:
            await emu.run_until("slots")
            seen = await updates_until(updates, lambda s: s.my_selection is not None)
            assert seen[-1].state.swiftplay and seen[-1].state.my_selection == LeaguePick(
                222, 222002
            )
            await emu.run_until("in-progress")
            seen = await updates_until(updates, lambda s: s.phase == "InProgress")
            state = seen[-1].state
            assert state.game is not None and len(state.game.selections) == 10
            assert state.my_selection == LeaguePick(222, 222002)
    async with LcuEmulator(tmp_path / "c", "custom-bots", size=3) as emu:
        async with contextlib.aclosing(watcher(emu).updates()) as updates:
            await emu.run_until("picks")
            seen = await updates_until(updates, lambda s: s.my_selection is not None)
            state = seen[-1].state
            assert state.lobby is not None and len(state.lobby.bots) == 2
            bots = [t for t in state.team if t.is_bot]
            assert [(b.champion_id, b.champion_locked, b.is_hidden) for b in bots] == [
                (54, True, False)
            ]
            await emu.play()
            seen = await updates_until(updates, lambda s: s.phase == "None")
            assert seen[-1].state.game is not None and seen[-1].state.game.outcome == "None"


async def test_first_connection_errors_are_raised(tmp_path: Path) -> None:
    with pytest.raises(LockfileNotFoundError):
        async for _ in watch_league(tmp_path / "missing"):
            pass
    async with LcuEmulator(tmp_path / "e") as emu:
        lock = emu.lockfile
        (tmp_path / "wrong").write_text(f"LeagueClient:{lock.pid}:{lock.port}:nope:https")
        with pytest.raises(LcuAuthError):
            async for _ in watch_league(tmp_path / "wrong", cafile=emu.ca_path):
                pass
        assert isinstance(lock, Lockfile)


async def test_recording_replayed_over_wss_matches_pure_replay(tmp_path: Path) -> None:
    """The 223 recorded frames through emulator -> WSS -> watcher give the pure replay's state."""
    from .test_recording import EXPECTED, LINES, replay

    ids = EXPECTED["identities"]["local"]
    local = Account(ids["puuid"], ids["summonerId"], ids["gameName"], ids["tagLine"])
    pure = replay(len(LINES))[0].state
    async with LcuEmulator(tmp_path, accounts=(local,)) as emu:
        w = watcher(emu)
        async with contextlib.aclosing(w.updates()) as updates:
            await updates_until(updates, lambda s: s.phase == "None")
            for line in LINES:
                body = json.loads(line)[2]
                await emu.publish(body["uri"], body["eventType"], body["data"])
            await updates_until(
                updates, lambda s: replace(s, updated_at=0) == replace(pure, updated_at=0)
            )
    assert w.connections == 1 and w.tracker.dropped == 0 and w.bad_frames == 0


async def test_client_away_for_a_while_then_back(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade", size=2) as emu:
        w = watcher(emu)
        async with contextlib.aclosing(w.updates()) as updates:
            await updates_until(updates, lambda s: s.phase == "None")
            old = emu.lockfile
            await emu.stop()  # client closed: lockfile gone, port closed
            await emu.run_until("join-1")
            await asyncio.sleep(0.3)
            await emu.start()
            seen = await updates_until(updates, lambda s: len(s.premade) == 2)
            assert seen[-1].resync and w.connections == 2
            # the old password on the new port is refused
            moved = Lockfile(old.name, old.pid, emu.port, old.password, "https")
            async with LcuClient(moved, cafile=emu.ca_path) as client:
                with pytest.raises(LcuAuthError):
                    await client.get("/lol-gameflow/v1/gameflow-phase")


async def test_reconnect_gives_up_after_reconnect_within(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path) as emu:
        w = watcher(emu, reconnect_within=0.3)
        async with contextlib.aclosing(w.updates()) as updates:
            await updates_until(updates, lambda s: s.phase == "None")
            await emu.stop()
            with pytest.raises(LockfileNotFoundError):
                async with asyncio.timeout(5):
                    async for _ in updates:
                        pass
