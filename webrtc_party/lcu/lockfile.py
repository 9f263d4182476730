"""The League client's lockfile: parsing (pure) and discovery (file system only).

The client writes ``<install dir>/lockfile`` on every start as one line
``name:pid:port:password:protocol``; port and password change each time.
Discovery order: explicit path, ``LCU_LOCKFILE``, install folders of running
clients (``--install-directory=`` on their command line, Linux/Wine ``/proc``),
then the usual Windows and macOS install folders.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from webrtc_party.lcu.errors import LockfileMalformedError, LockfileNotFoundError

__all__ = [
    "ENV_VAR",
    "MAX_LOCKFILE_SIZE",
    "Lockfile",
    "candidate_paths",
    "decode_lockfile",
    "encode_lockfile",
    "find_lockfile",
    "install_dirs_from_command_lines",
    "read_lockfile",
]

log = logging.getLogger(__name__)

ENV_VAR = "LCU_LOCKFILE"
MAX_LOCKFILE_SIZE = 1024
LCU_USERNAME = "riot"

WINDOWS_DIRS = (
    r"C:\Riot Games\League of Legends",
    r"C:\Program Files\Riot Games\League of Legends",
    r"C:\Program Files (x86)\Riot Games\League of Legends",
    r"D:\Riot Games\League of Legends",
)
MACOS_DIRS = ("/Applications/League of Legends.app/Contents/LoL",)
CLIENT_PROCESS_NAMES = ("LeagueClientUx", "LeagueClient")


@dataclass(frozen=True)
class Lockfile:
    """Credentials of one League client run. ``repr`` hides the password."""

    name: str
    pid: int
    port: int
    password: str
    protocol: str
    path: Path | None = None

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise LockfileMalformedError(f"lockfile port {self.port} is not a TCP port")
        if self.pid < 0:
            raise LockfileMalformedError(f"lockfile pid {self.pid} is negative")
        if not self.password or any(c in self.password for c in ":\r\n"):
            raise LockfileMalformedError("lockfile password is empty or contains ':'")
        if self.protocol not in ("https", "http"):
            raise LockfileMalformedError(f"lockfile protocol {self.protocol!r} is not https")

    def __repr__(self) -> str:
        return f"Lockfile(name={self.name!r}, pid={self.pid}, port={self.port}, path={self.path})"

    @property
    def authorization(self) -> str:
        """Value of the ``Authorization`` header for this run."""
        raw = f"{LCU_USERNAME}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    @property
    def base_url(self) -> str:
        return f"{self.protocol}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        scheme = "wss" if self.protocol == "https" else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/"


def decode_lockfile(text: str, path: Path | None = None) -> Lockfile:
    """Parse the lockfile's content; raise ``LockfileMalformedError`` on anything else."""
    where = f" ({path})" if path else ""
    if len(text) > MAX_LOCKFILE_SIZE:
        raise LockfileMalformedError(f"lockfile{where} is too long to be a League lockfile")
    line = text.strip()
    parts = line.split(":")
    if len(parts) != 5:
        raise LockfileMalformedError(
            f"lockfile{where} is not 'name:pid:port:password:protocol' "
            f"({len(parts)} fields instead of 5)"
        )
    name, pid, port, password, protocol = parts
    if not (pid.isdigit() and port.isdigit()):
        raise LockfileMalformedError(f"lockfile{where}: pid and port must be numbers")
    return Lockfile(name, int(pid), int(port), password, protocol, path)


def encode_lockfile(lockfile: Lockfile) -> str:
    return f"{lockfile.name}:{lockfile.pid}:{lockfile.port}:{lockfile.password}:{lockfile.protocol}"


def read_lockfile(path: Path) -> Lockfile:
    """Read and parse one lockfile (blocking: run it in a thread from async code)."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_LOCKFILE_SIZE + 1)
    except FileNotFoundError:
        raise LockfileNotFoundError(
            f"no lockfile at {path}: is the League client running?"
        ) from None
    except OSError as exc:
        raise LockfileNotFoundError(f"cannot read lockfile {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LockfileMalformedError(f"lockfile {path} is not text") from None
    return decode_lockfile(text, path)


def install_dirs_from_processes(proc_root: Path = Path("/proc")) -> list[Path]:
    """Install folders of running League clients, from ``--install-directory=`` arguments."""
    found: list[Path] = []
    try:
        entries = list(proc_root.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if not any(any(n.encode() in a for n in CLIENT_PROCESS_NAMES) for a in args[:1]):
            continue
        for arg in args:
            text = arg.decode("utf-8", "replace")
            if text.startswith("--install-directory="):
                found.append(_native_path(text.split("=", 1)[1]))
    return found


WINDOWS_QUERY = (
    "powershell",
    "-NoProfile",
    "-Command",
    "Get-CimInstance Win32_Process -Filter \"name like 'LeagueClient%'\" "
    "| Select-Object -ExpandProperty CommandLine",
)


def install_dirs_from_command_lines(text: str) -> list[Path]:
    """``--install-directory=`` values in command lines (one per line, quoted or not)."""
    found = []
    for line in text.splitlines():
        for part in line.split('"'):
            for token in part.split(" --"):
                token = token.strip().removeprefix("--")
                if token.startswith("install-directory="):
                    found.append(_native_path(token.split("=", 1)[1]))
    return found


def install_dirs_from_windows(
    run: Callable[[Sequence[str]], str] | None = None,
) -> list[Path]:
    """Install folders of running clients on Windows (PowerShell/CIM query, 5 s limit)."""

    def default_run(cmd: Sequence[str]) -> str:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=False)
        return done.stdout

    try:
        return install_dirs_from_command_lines((run or default_run)(WINDOWS_QUERY))
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("cannot list League client processes: %s", exc)
        return []


def _native_path(raw: str) -> Path:
    """A Windows path seen from Wine (``C:\\...``) is used as is; Path handles both."""
    return Path(raw.strip('"'))


def candidate_paths(
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    proc_root: Path = Path("/proc"),
) -> list[Path]:
    """Every place to look for the lockfile, best first."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return [explicit]
    if env.get(ENV_VAR):
        return [Path(env[ENV_VAR])]
    running = install_dirs_from_processes(proc_root)
    if platform == "win32":
        running += install_dirs_from_windows()
    paths = [d / "lockfile" for d in running]
    dirs: Iterable[str] = ()
    if platform == "win32":
        dirs = WINDOWS_DIRS
    elif platform == "darwin":
        dirs = MACOS_DIRS
    paths.extend(Path(d) / "lockfile" for d in dirs)
    return paths


def find_lockfile(
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    proc_root: Path = Path("/proc"),
) -> Lockfile:
    """Find and read the lockfile (blocking). Explicit path and env var are not second-guessed."""
    paths = candidate_paths(explicit, environ, platform, proc_root)
    for path in paths:
        if explicit is not None or path.exists():
            lockfile = read_lockfile(path)
            log.debug("using lockfile %s (port %d)", path, lockfile.port)
            return lockfile
    if not paths:
        raise LockfileNotFoundError(
            f"no League client lockfile location is known on this system; set {ENV_VAR} "
            "or pass --lockfile"
        )
    tried = ", ".join(str(p) for p in paths)
    raise LockfileNotFoundError(
        f"no League client lockfile found (looked at {tried}): start the client, or set "
        f"{ENV_VAR} / pass --lockfile"
    )
