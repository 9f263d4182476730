"""``webrtc-party lcu watch|emulate`` end to end (the emulator runs as a child process)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webrtc_party.cli.common import EXIT_LOCAL, EXIT_OK
from webrtc_party.cli.main import main
from webrtc_party.lcu.emulator import load_game_data
from webrtc_party.lcu.render import state_lines
from webrtc_party.lcu.state import LeaguePick, LeagueState, Player, SelectCell


def start_emulator(folder: Path, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "webrtc_party", "lcu", "emulate", "--dir", str(folder), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not (folder / "lockfile").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"emulator did not start: {proc.communicate()}")
        time.sleep(0.05)
    return proc


def test_watch_json_against_emulated_client(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proc = start_emulator(tmp_path, "--scenario", "custom-bots", "--interval", "0.3")
    try:
        argv = ["lcu", "watch", "--lockfile", str(tmp_path / "lockfile")]
        code = main([*argv, "--cafile", str(tmp_path / "ca.pem"), "--json", "--count", "3"])
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert code == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["resync"] is True
    assert lines[0]["me"]["riotId"] == "Ahri Main#EUW"
    assert all(set(line) >= {"phase", "premade", "team", "mySelection", "events"} for line in lines)
    assert lines[-1]["phase"] in {"None", "Lobby"}


def test_emulate_runs_a_scenario_to_the_end(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "webrtc_party", "lcu", "emulate", "--dir", str(tmp_path)]
    cmd += ["--scenario", "dodge", "--size", "2", "--interval", "0", "--exit-when-done"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "lockfile: " + str(tmp_path / "lockfile") in out
    assert out.splitlines()[-1] == "step: dodge"
    assert not (tmp_path / "lockfile").exists()  # removed on exit, like the real client


def test_watch_without_client_is_a_clear_local_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lcu", "watch", "--lockfile", str(tmp_path / "lockfile")]) == EXIT_LOCAL
    err = capsys.readouterr().err
    assert err.startswith("webrtc-party: no lockfile at") and err.count("\n") == 1


def test_human_lines() -> None:
    data = load_game_data()
    me = Player("p1", 1, "Ahri Main", "EUW")
    team = (
        SelectCell(0, "", 0, 86, True, False, True),
        SelectCell(
            1, "p1", 1, 238, False, False, False, is_me=True, game_name="Ahri Main", tag_line="EUW"
        ),
    )
    state = LeagueState(
        phase="ChampSelect",
        me=me,
        premade=(me,),
        team=team,
        my_selection=LeaguePick(238, 238001, 238004),
    )
    lines = state_lines(None, state, data)
    assert lines[0] == "phase: ChampSelect"
    assert "  cell 0: hidden: Garen (locked)" in lines
    assert "  cell 1: Ahri Main#EUW [me]: Zed (hovering)" in lines
    assert lines[-1] == (
        "my selection: Zed / Shockblade Zed / chroma Shockblade Zed (Rose Quartz) (238004)"
    )
    assert state_lines(state, state, data) == []
