"""Where the League client is installed on Windows: Riot's install records and a process query.

Two sources, cheapest first:

- ``RiotClientInstalls.json`` (``%ProgramData%\\Riot Games``): the Riot Client records the
  folder of every game it installed, so a client on ``E:\\Games`` is found with one file read.
- The command lines of running ``LeagueClient*`` processes, from PowerShell's CIM query. It
  costs a PowerShell start (hundreds of milliseconds), so ``ProcessQuery`` runs it at most once
  per ``interval`` seconds, always with ``CREATE_NO_WINDOW`` (a windowed tray app must not
  flash a console). Its output is Base64 of UTF-8, which no console code page can garble; any
  other output is decoded with the console's code page and ``errors="replace"``.

Nothing here raises: every failure is logged with its reason and yields no folders.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import locale
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = [
    "CREATE_NO_WINDOW",
    "QUERY_INTERVAL",
    "QUERY_TIMEOUT",
    "ProcessQuery",
    "console_codepage",
    "decode_query_output",
    "install_dirs_from_command_lines",
    "install_dirs_from_riot_installs",
    "powershell_command",
]

log = logging.getLogger(__name__)

# winbase.h; the same value as subprocess.CREATE_NO_WINDOW, which exists only on Windows.
CREATE_NO_WINDOW = 0x08000000
QUERY_INTERVAL = 30.0
QUERY_TIMEOUT = 5.0
CLIENT_EXES = ("leagueclientux.exe", "leagueclient.exe")

# One line of ASCII whatever the console's code page: Base64 of the UTF-8 command lines.
_SCRIPT = (
    "$l = @(Get-CimInstance Win32_Process -Filter \"name like 'LeagueClient%'\" "
    "| ForEach-Object { $_.CommandLine }) -join \"`n\"; "
    "[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($l))"
)


def powershell_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """The query's argv: Windows PowerShell by full path when ``SystemRoot`` names it."""
    env = os.environ if environ is None else environ
    exe = "powershell.exe"
    root = env.get("SystemRoot") or env.get("SYSTEMROOT")
    if root:
        full = Path(root) / "System32" / "WindowsPowerShell" / "v1.0" / "powershell.exe"
        if full.is_file():
            exe = str(full)
    return [exe, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", _SCRIPT]


def console_codepage() -> str:
    """The code page a console program's redirected output is written in (OEM on Windows)."""
    name = ""
    if sys.platform == "win32":
        try:
            import ctypes

            name = f"cp{ctypes.windll.kernel32.GetOEMCP()}"
        except (AttributeError, OSError, ImportError):  # no kernel32 (simulated win32)
            name = ""
    if not name:
        name = locale.getpreferredencoding(False) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def decode_query_output(raw: bytes, codepage: str) -> str:
    """The query's stdout as text: Base64 of UTF-8 normally, else ``codepage`` tolerantly."""
    stripped = raw.strip()
    try:
        return base64.b64decode(stripped, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        pass
    try:
        return raw.decode(codepage, "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def _native_path(raw: str) -> Path:
    """A Windows path seen from Linux/Wine (``C:\\...``) is used as is; Path handles both."""
    return Path(raw.strip().strip('"'))


def install_dirs_from_command_lines(text: str) -> list[Path]:
    """Install folders named in command lines (one per line, quoted or not).

    ``--install-directory=`` wins; otherwise the folder of a quoted ``LeagueClientUx.exe``."""
    found: list[Path] = []
    for line in text.splitlines():
        named = False
        for part in line.split('"'):
            for token in part.split(" --"):
                token = token.strip().removeprefix("--")
                if token.startswith("install-directory="):
                    value = token.split("=", 1)[1].strip()
                    if value:
                        found.append(_native_path(value))
                        named = True
        if not named:
            exe = line.split('"')[1] if line.startswith('"') and line.count('"') >= 2 else ""
            if exe.replace("/", "\\").rsplit("\\", 1)[-1].lower() in CLIENT_EXES:
                found.append(_native_path(exe.replace("/", "\\").rsplit("\\", 1)[0]))
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return unique


def install_dirs_from_riot_installs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """League folders recorded in the Riot Client's ``RiotClientInstalls.json`` (or none)."""
    env = os.environ if environ is None else environ
    root = env.get("ProgramData") or env.get("PROGRAMDATA") or r"C:\ProgramData"
    path = Path(root) / "Riot Games" / "RiotClientInstalls.json"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        log.info("cannot read %s: %s", path, exc.strerror or exc)
        return []
    try:
        data = json.loads(raw.decode("utf-8-sig", "replace"))
    except ValueError as exc:
        log.info("%s is not JSON (%s); ignored", path, exc)
        return []
    clients = data.get("associated_client") if isinstance(data, dict) else None
    if not isinstance(clients, dict):
        return []
    return [
        _native_path(folder.rstrip("/\\"))
        for folder in clients
        if isinstance(folder, str) and "league of legends" in folder.lower()
    ]


class ProcessQuery:
    """Install folders of running clients from PowerShell, at most once per ``interval`` s.

    ``status`` says, for error messages, what happened last."""

    def __init__(
        self,
        *,
        interval: float = QUERY_INTERVAL,
        timeout: float = QUERY_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.interval = interval
        self.timeout = timeout
        self._clock = clock
        self._environ = environ
        self._last_run: float | None = None
        self._found: list[Path] = []
        self._lock = threading.Lock()  # watchers call discovery from worker threads
        self.runs = 0
        self.status = self._outcome = "the process query has not run yet"

    def due(self) -> bool:
        return self._last_run is None or self._clock() - self._last_run >= self.interval

    def dirs(self) -> list[Path]:
        """Every install folder any run found (a folder stays a good guess after its client
        exits); runs the query first when it is due."""
        with self._lock:
            return self._dirs()

    def _dirs(self) -> list[Path]:
        if self.due():
            self._last_run = self._clock()
            self.runs += 1
            for folder in self._run():
                if folder not in self._found:
                    self._found.append(folder)
            del self._found[:-8]
            self.status = self._outcome
        elif self._last_run is not None:
            wait = self.interval - (self._clock() - self._last_run)
            self.status = f"{self._outcome} (throttled: next run in {wait:.0f} s)"
        return list(self._found)

    def _run(self) -> list[Path]:
        cmd = powershell_command(self._environ)
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=self.timeout,
                check=False,
                creationflags=CREATE_NO_WINDOW,
            )
        except FileNotFoundError:
            return self._failed("PowerShell is not installed or not on PATH")
        except subprocess.TimeoutExpired:
            return self._failed(f"PowerShell did not answer within {self.timeout:g} s")
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            return self._failed(f"PowerShell could not be started ({exc})")
        page = console_codepage()
        if done.returncode != 0:
            err = (done.stderr or b"").decode(page, "replace").strip().splitlines()
            detail = err[0][:200] if err else "no message"
            return self._failed(f"PowerShell exited with code {done.returncode}: {detail}")
        dirs = install_dirs_from_command_lines(decode_query_output(done.stdout or b"", page))
        if dirs:
            self._outcome = "the process query found " + ", ".join(str(d) for d in dirs)
            log.debug("%s", self._outcome)
        else:
            self._outcome = "the process query found no running League client"
        return dirs

    def _failed(self, reason: str) -> list[Path]:
        self._outcome = f"the League client process query failed: {reason}"
        log.info("%s", self._outcome)
        return []
