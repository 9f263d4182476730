"""The League client through Rose's ``lcu``: credentials on every (re)connect, Riot's root or
WEBRTC_PARTY_LCU_CAFILE, and a clear error while the client is not running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.rose.rose_like import RoseLikeLcu
from webrtc_party.lcu.client import (
    LeagueWatcher,
    credentials_from_connection,
    default_cafile,
    riot_root_path,
)
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.errors import LcuTlsError, LockfileNotFoundError


def test_credentials_follow_rose_lcu_and_say_when_the_client_is_gone(tmp_path: Path) -> None:
    lockfile = tmp_path / "lockfile"
    lcu = RoseLikeLcu(lockfile)
    current = credentials_from_connection(lcu)
    with pytest.raises(LockfileNotFoundError, match="not running"):
        current()
    lockfile.write_text("LeagueClient:1:4242:secret:https")
    lock = current()
    assert (lock.port, lock.password) == (4242, "secret") and lcu.refreshes == 2


def test_the_root_certificate(tmp_path: Path) -> None:
    assert default_cafile({}) == riot_root_path() and riot_root_path().is_file()
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert default_cafile({"WEBRTC_PARTY_LCU_CAFILE": str(ca)}) == ca
    with pytest.raises(LcuTlsError, match="WEBRTC_PARTY_LCU_CAFILE"):
        default_cafile({"WEBRTC_PARTY_LCU_CAFILE": str(tmp_path / "missing.pem")})


async def test_the_watcher_reconnects_with_fresh_credentials_from_rose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with LcuEmulator(tmp_path, "premade", size=2, local=0) as emu:
        monkeypatch.setenv("WEBRTC_PARTY_LCU_CAFILE", str(emu.ca_path))
        lcu = RoseLikeLcu(emu.lockfile_path)
        watcher = LeagueWatcher(credentials=credentials_from_connection(lcu))
        updates = watcher.updates()
        first = await asyncio.wait_for(updates.__anext__(), 30)
        assert first.resync and first.state.me is not None
        old = (emu.port, emu.password)
        await emu.restart()  # a new port and password in a new lockfile
        assert (emu.port, emu.password) != old
        while True:
            update = await asyncio.wait_for(updates.__anext__(), 30)
            if update.resync:
                break
        assert watcher.connections == 2 and lcu.port == emu.port and lcu.pw == emu.password
        await updates.aclose()
