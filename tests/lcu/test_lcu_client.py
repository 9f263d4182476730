"""LcuClient against the emulator over real HTTPS and WSS: REST, errors, TLS, WAMP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from webrtc_party.lcu.client import LcuClient, NotInPhase, make_ssl_context
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.errors import (
    LcuAuthError,
    LcuConnectionError,
    LcuTlsError,
    LockfileMalformedError,
    LockfileNotFoundError,
    LockfileStaleError,
)
from webrtc_party.lcu.lockfile import Lockfile, find_lockfile, read_lockfile
from webrtc_party.lcu.wamp import CATCH_ALL, EventType, topic_for

from .helpers import fixture


async def test_rest_reads_and_not_in_phase(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade") as emu:
        lock = read_lockfile(emu.lockfile_path)
        assert lock.port == emu.port and lock.name == "LeagueClient"
        async with LcuClient(lock, cafile=emu.ca_path) as client:
            me = await client.get("/lol-summoner/v1/current-summoner")
            assert isinstance(me, dict)
            assert me["gameName"] == "Ahri Main" and me["summonerId"] == 73920518
            assert await client.get("/lol-gameflow/v1/gameflow-phase") == "None"
            cs = await client.get("/lol-champ-select/v1/session")
            assert cs == NotInPhase("/lol-champ-select/v1/session", "No active delegate")
            lobby = await client.get("/lol-lobby/v2/lobby")
            assert lobby == NotInPhase("/lol-lobby/v2/lobby", "LOBBY_NOT_FOUND")
            await emu.run_until("champ-select")
            session = await client.get("/lol-champ-select/v1/session")
            assert isinstance(session, dict) and session["localPlayerCellId"] == 2
            assert await client.get("/lol-gameflow/v1/gameflow-phase") == "ChampSelect"


async def test_not_found_body_is_the_real_envelope(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path) as emu:
        ctx = make_ssl_context(emu.ca_path)
        headers = {"Authorization": emu.lockfile.authorization}
        async with aiohttp.ClientSession() as http:
            url = emu.lockfile.base_url + "/lol-champ-select/v1/session"
            async with http.get(url, ssl=ctx, headers=headers) as resp:
                assert resp.status == 404
                assert await resp.json() == fixture("champ-select.not-in-phase.404.json")


async def test_wrong_password_is_a_clear_401(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path) as emu:
        good = emu.lockfile
        bad = Lockfile(good.name, good.pid, good.port, "not-the-password", "https")
        async with LcuClient(bad, cafile=emu.ca_path) as client:
            with pytest.raises(LcuAuthError) as info:
                await client.get("/lol-summoner/v1/current-summoner")
            assert info.value.status == 401
            assert "refused the password" in str(info.value)
            with pytest.raises(LcuAuthError):
                async with client.subscribe():
                    pass


async def test_tls_checked_against_riot_root_by_default(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path) as emu:
        async with LcuClient(emu.lockfile) as client:  # Riot's root did not sign the emulator
            with pytest.raises(LcuTlsError, match="not signed by the expected root"):
                await client.get("/lol-summoner/v1/current-summoner")
        async with LcuClient(emu.lockfile, verify=False) as client:  # explicit opt-out
            assert (await client.get("/lol-gameflow/v1/gameflow-phase")) == "None"


async def test_bad_lockfiles(tmp_path: Path) -> None:
    with pytest.raises(LockfileNotFoundError, match="League client running"):
        find_lockfile(tmp_path / "lockfile")
    (tmp_path / "lockfile").write_text("LeagueClient:1:2:3")
    with pytest.raises(LockfileMalformedError, match="4 fields instead of 5"):
        find_lockfile(tmp_path / "lockfile")
    (tmp_path / "lockfile").write_text("LeagueClient:1:99999:pw:https")
    with pytest.raises(LockfileMalformedError, match="not a TCP port"):
        find_lockfile(tmp_path / "lockfile")
    # stale: a lockfile left by a client that exited (its port is closed now)
    async with LcuEmulator(tmp_path / "old") as emu:
        stale = emu.lockfile
    async with LcuClient(stale, cafile=emu.ca_path) as client:
        with pytest.raises(LockfileStaleError, match="has exited"):
            await client.wait_ready(within=0.3)
        with pytest.raises(LcuConnectionError):
            await client.get("/lol-gameflow/v1/gameflow-phase")


def test_discovery_order(tmp_path: Path) -> None:
    (tmp_path / "env").write_text("LeagueClient:10:50001:envpw:https")
    install = tmp_path / "Riot Games" / "League of Legends"
    install.mkdir(parents=True)
    (install / "lockfile").write_text("LeagueClient:11:50002:procpw:https")
    proc = tmp_path / "proc" / "4242"
    proc.mkdir(parents=True)
    (proc / "cmdline").write_bytes(
        b"LeagueClientUx.exe\0--app-port=50002\0--install-directory="
        + str(install).encode()
        + b"\0"
    )
    env = {"LCU_LOCKFILE": str(tmp_path / "env")}
    assert find_lockfile(environ=env, proc_root=tmp_path / "proc").port == 50001
    assert find_lockfile(environ={}, proc_root=tmp_path / "proc").port == 50002
    with pytest.raises(LockfileNotFoundError, match="no League client lockfile found"):
        find_lockfile(environ={}, platform="darwin", proc_root=tmp_path / "none")
    assert "procpw" not in repr(find_lockfile(environ={}, proc_root=tmp_path / "proc"))


async def test_readiness_probe_waits_for_login(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, logged_in=False) as emu:
        async with LcuClient(emu.lockfile, cafile=emu.ca_path) as client:
            assert isinstance(await client.get("/lol-summoner/v1/current-summoner"), NotInPhase)
            waiter = asyncio.create_task(client.wait_ready(within=5))
            await asyncio.sleep(0.15)
            assert not waiter.done()
            await emu.set_logged_in()
            await asyncio.wait_for(waiter, 3)


async def test_empty_frame_after_subscribe_then_events(tmp_path: Path) -> None:
    """Raw WAMP: every subscribe is answered by an empty text frame before any event."""
    async with LcuEmulator(tmp_path, "premade") as emu:
        ctx = make_ssl_context(emu.ca_path)
        headers = {"Authorization": emu.lockfile.authorization}
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(emu.lockfile.ws_url, ssl=ctx, headers=headers) as ws:
                await ws.send_str(json.dumps([5, CATCH_ALL]))
                assert (await ws.receive_str(timeout=2)) == ""
                await ws.send_str(json.dumps([5, topic_for("/lol-gameflow/v1/gameflow-phase")]))
                assert (await ws.receive_str(timeout=2)) == ""
                await emu.run_until("matchmaking")
                frames = []
                while True:
                    frame = json.loads(await ws.receive_str(timeout=2))
                    frames.append(frame)
                    if frame[1] != CATCH_ALL and frame[2]["data"] == "Matchmaking":
                        break
        kinds = [(f[1], f[2]["uri"], f[2]["eventType"]) for f in frames]
        assert (CATCH_ALL, "/lol-lobby/v2/lobby", "Create") in kinds
        phase_topic = "OnJsonApiEvent_lol-gameflow_v1_gameflow-phase"
        assert [f[2]["data"] for f in frames if f[1] == phase_topic] == ["Lobby", "Matchmaking"]


async def test_event_stream_specific_topic_and_delete(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "dodge", size=2) as emu:
        async with LcuClient(emu.lockfile, cafile=emu.ca_path) as client:
            async with client.subscribe([topic_for("/lol-champ-select/v1/session")]) as stream:
                await emu.play()
                got = []
                async for event in stream:
                    got.append(event)
                    if event.event_type is EventType.DELETE:
                        break
        assert {e.uri for e in got} == {"/lol-champ-select/v1/session"}
        assert got[0].event_type is EventType.CREATE and got[-1].data is None
        assert stream.bad_frames == 0


async def test_patch_my_selection(tmp_path: Path) -> None:
    async with LcuEmulator(tmp_path, "premade") as emu:
        async with LcuClient(emu.lockfile, cafile=emu.ca_path) as client:
            path = "/lol-champ-select/v1/session/my-selection"
            assert isinstance(await client.patch(path, {"selectedSkinId": 1}), NotInPhase)
            await emu.run_until("lock-4")
            assert await client.patch(path, {"selectedSkinId": 103001}) is None
            info = await client.get("/lol-champ-select/v1/skin-selector-info")
            assert isinstance(info, dict) and info["selectedSkinId"] == 103001


async def test_every_restart_comes_back_on_another_port(tmp_path: Path) -> None:
    # The kernel may hand a just-closed port straight back; the emulator must not take it,
    # or a watcher that kept the old port would look like it re-read the lockfile.
    async with LcuEmulator(tmp_path) as emu:
        for _ in range(20):
            old = emu.port
            await emu.restart()
            assert emu.port != old
            assert read_lockfile(emu.lockfile_path).port == emu.port
