"""League client discovery on Windows, simulated: patched ``sys.platform`` and ``subprocess.run``.

Windows paths such as ``C:\\Riot Games\\League of Legends`` are, on Linux, one relative path
component; each test runs in a temporary working directory, so the real constants and the
real parsing are used and the folders they name exist there.
"""

from __future__ import annotations

import base64
import ctypes
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webrtc_party.lcu import lockfile as lf
from webrtc_party.lcu import windows
from webrtc_party.lcu.errors import LockfileNotFoundError

JUERGEN = r"C:\Users\Jürgen Ørsted\Spiele\Riot Games\League of Legends"
CMDLINE = (
    f'"{JUERGEN}\\LeagueClientUx.exe" "--riotclient-app-port=50100" '
    f'"--install-directory={JUERGEN}" "--app-port=50123" --locale=de_DE'
)
GOOD = "LeagueClient:4242:50123:s3cret:https"


class FakeRun:
    """Stands in for ``subprocess.run``: records every call, answers with ``reply``."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.calls: list[tuple[Sequence[str], dict[str, Any]]] = []

    def __call__(self, cmd: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((cmd, kwargs))
        if isinstance(self.reply, BaseException):
            raise self.reply
        if isinstance(self.reply, subprocess.CompletedProcess):
            return self.reply
        return subprocess.CompletedProcess(cmd, 0, self.reply, b"")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def b64_output(*lines: str) -> bytes:
    """What the PowerShell script prints: Base64 of the UTF-8 command lines, then CRLF."""
    return base64.b64encode("\n".join(lines).encode("utf-8")) + b"\r\n"


@pytest.fixture
def win32(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"ProgramData": str(tmp_path / "ProgramData")}


def install(folder: Path | str, content: str = GOOD) -> Path:
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    (path / "lockfile").write_text(content)
    return path / "lockfile"


def test_default_folder_is_used_without_starting_powershell(
    win32: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(win32 / lf.WINDOWS_DIRS[1])
    run = FakeRun(b"")
    monkeypatch.setattr(subprocess, "run", run)
    lock = lf.find_lockfile(environ=env_for(win32), query=windows.ProcessQuery())
    assert lock.port == 50123 and lock.path == Path(lf.WINDOWS_DIRS[1]) / "lockfile"
    assert run.calls == []


def test_riot_client_records_find_an_unusual_folder(
    win32: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = win32 / "ProgramData" / "Riot Games"
    records.mkdir(parents=True)
    (records / "RiotClientInstalls.json").write_text(
        '{"associated_client": {"E:/Spiele/League of Legends/": "E:/RC/RiotClientServices.exe",'
        ' "E:/Spiele/VALORANT/live/": "x"}, "rc_default": "E:/RC/RiotClientServices.exe"}',
        encoding="utf-8-sig",
    )
    install(win32 / "E:" / "Spiele" / "League of Legends")
    run = FakeRun(b"")
    monkeypatch.setattr(subprocess, "run", run)
    lock = lf.find_lockfile(environ=env_for(win32), query=windows.ProcessQuery())
    assert lock.path == Path("E:/Spiele/League of Legends/lockfile")
    assert run.calls == []


def test_process_query_finds_a_non_ascii_install_folder(
    win32: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(win32 / JUERGEN)
    run = FakeRun(b64_output(CMDLINE, '"C:\\Windows\\explorer.exe"'))
    monkeypatch.setattr(subprocess, "run", run)
    lock = lf.find_lockfile(environ=env_for(win32), query=windows.ProcessQuery())
    assert lock.path == Path(JUERGEN) / "lockfile" and lock.port == 50123
    [(cmd, kwargs)] = run.calls
    assert cmd[0].lower().endswith("powershell.exe") and "-NonInteractive" in cmd
    assert kwargs["creationflags"] == windows.CREATE_NO_WINDOW == 0x08000000
    if hasattr(subprocess, "CREATE_NO_WINDOW"):  # pragma: no cover (Windows only)
        assert windows.CREATE_NO_WINDOW == subprocess.CREATE_NO_WINDOW
    assert kwargs["timeout"] == windows.QUERY_TIMEOUT and kwargs["check"] is False
    assert "text" not in kwargs and kwargs["capture_output"] is True  # bytes: decoded by us


@pytest.mark.parametrize("page", ["cp850", "cp1252"])
def test_console_code_page_output_is_decoded_with_that_page(
    win32: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """Output that is not the script's Base64 (raw command lines in the OEM code page)."""

    class Kernel32:
        @staticmethod
        def GetOEMCP() -> int:
            return int(page[2:])

    class WinDLL:
        kernel32 = Kernel32()

    monkeypatch.setattr(ctypes, "windll", WinDLL(), raising=False)
    assert windows.console_codepage() == page
    raw = (CMDLINE + "\r\n").encode(page)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # what the strict decoding of the old code died on
    install(win32 / JUERGEN)
    monkeypatch.setattr(subprocess, "run", FakeRun(raw))
    lock = lf.find_lockfile(environ=env_for(win32), query=windows.ProcessQuery())
    assert lock.path == Path(JUERGEN) / "lockfile"


def test_query_runs_at_most_every_30_seconds_while_nothing_is_found(
    win32: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    query = windows.ProcessQuery(clock=clock)
    run = FakeRun(b64_output(""))
    monkeypatch.setattr(subprocess, "run", run)
    for _ in range(5):  # the watcher retries every 2 s
        with pytest.raises(LockfileNotFoundError, match="no running League client"):
            lf.find_lockfile(environ=env_for(win32), query=query)
        clock.now += 2
    assert len(run.calls) == 1
    clock.now = 1000.0 + 29.9
    with pytest.raises(LockfileNotFoundError, match=r"client \(throttled: next run in 0 s\)"):
        lf.find_lockfile(environ=env_for(win32), query=query)
    assert len(run.calls) == 1
    clock.now = 1030.0
    run.reply = b64_output(CMDLINE)
    install(win32 / JUERGEN)
    assert lf.find_lockfile(environ=env_for(win32), query=query).port == 50123
    assert len(run.calls) == 2
    # a folder found once stays known: the client restarts, no new query needed
    clock.now += 1
    assert lf.find_lockfile(environ=env_for(win32), query=query).port == 50123
    assert len(run.calls) == 2 and query.runs == 2


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (FileNotFoundError(2, "No such file or directory"), "PowerShell is not installed"),
        (subprocess.TimeoutExpired(["powershell.exe"], 5.0), "did not answer within 5 s"),
        (PermissionError(13, "Access is denied"), "could not be started"),
        (
            subprocess.CompletedProcess(
                ["powershell.exe"], 1, b"", "Zugriff verweigert: Ä\r\n".encode("cp1252")
            ),
            "exited with code 1: Zugriff verweigert",
        ),
    ],
)
def test_every_query_failure_is_a_logged_reason(
    win32: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure: Any,
    reason: str,
) -> None:
    run = FakeRun(failure)
    monkeypatch.setattr(subprocess, "run", run)
    query = windows.ProcessQuery(clock=Clock())
    with caplog.at_level(logging.INFO, logger="webrtc_party.lcu"):
        with pytest.raises(LockfileNotFoundError) as info:
            lf.find_lockfile(environ=env_for(win32), query=query)
    message = str(info.value)
    assert reason in message
    assert lf.WINDOWS_DIRS[0] in message  # the folders looked at are named too
    assert any(reason in r.getMessage() for r in caplog.records)
    with pytest.raises(LockfileNotFoundError) as again:  # throttled: the reason stays
        lf.find_lockfile(environ=env_for(win32), query=query)
    assert reason in str(again.value) and "throttled: next run in 30 s" in str(again.value)
    assert len(run.calls) == 1


def test_a_bad_lockfile_is_skipped_with_a_reason(
    win32: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    install(win32 / lf.WINDOWS_DIRS[0], "half:written")
    install(win32 / JUERGEN)
    monkeypatch.setattr(subprocess, "run", FakeRun(b64_output(CMDLINE)))
    with caplog.at_level(logging.INFO, logger="webrtc_party.lcu"):
        lock = lf.find_lockfile(environ=env_for(win32), query=windows.ProcessQuery())
    assert lock.path == Path(JUERGEN) / "lockfile"
    assert any("2 fields instead of 5" in r.getMessage() for r in caplog.records)


@given(st.binary(max_size=300))
def test_any_query_output_never_raises_out_of_discovery(raw: bytes) -> None:
    run = FakeRun(raw)
    original = subprocess.run
    subprocess.run = run  # type: ignore[assignment]
    try:
        with pytest.raises(LockfileNotFoundError):
            lf.find_lockfile(
                environ={"ProgramData": "/nonexistent"},
                platform="win32",
                proc_root=Path("/nonexistent"),
                query=windows.ProcessQuery(),
            )
    finally:
        subprocess.run = original
    assert len(run.calls) == 1


def test_powershell_by_full_path_when_system_root_has_it(tmp_path: Path) -> None:
    exe = tmp_path / "System32" / "WindowsPowerShell" / "v1.0" / "powershell.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    assert windows.powershell_command({"SystemRoot": str(tmp_path)})[0] == str(exe)
    assert windows.powershell_command({})[0] == "powershell.exe"


def test_the_script_prints_ascii_only() -> None:
    """Base64 of UTF-8 (nothing a code page can garble) and only the League processes."""
    script = windows.powershell_command({})[-1]
    assert "ToBase64String" in script and "UTF8.GetBytes" in script
    assert "name like 'LeagueClient%'" in script
    assert windows.decode_query_output(b64_output(JUERGEN), "cp850") == JUERGEN


def test_exe_folder_when_no_install_directory_argument() -> None:
    line = '"D:\\Games\\LoL\\LeagueClientUx.exe" "--app-port=1"'
    assert windows.install_dirs_from_command_lines(line) == [Path("D:\\Games\\LoL")]
    assert windows.install_dirs_from_command_lines('"C:\\x\\notepad.exe" a') == []


def test_concurrent_watchers_share_one_query_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery runs in worker threads (``asyncio.to_thread``): still one PowerShell start."""
    class SlowRun(FakeRun):
        def __call__(self, cmd: Sequence[str], **kwargs: Any) -> Any:
            time.sleep(0.05)
            return super().__call__(cmd, **kwargs)

    run = SlowRun(b64_output(""))
    monkeypatch.setattr(subprocess, "run", run)
    query = windows.ProcessQuery()
    threads = [threading.Thread(target=query.dirs) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(run.calls) == 1 and query.runs == 1
