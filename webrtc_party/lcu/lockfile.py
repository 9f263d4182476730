"""The League client's lockfile: parsing (pure) and discovery (file system only).

The client writes ``<install dir>/lockfile`` on every start as one line
``name:pid:port:password:protocol``; port and password change each time.
Discovery order: explicit path, ``LCU_LOCKFILE``, then the install folders that cost
nothing to check (clients running under Wine from ``/proc``, the usual Windows and macOS
folders, the Riot Client's install records), and only then, on Windows, the folders of
running clients from a PowerShell query that runs at most once per 30 s
(``webrtc_party.lcu.windows``).
"""

from __future__ import annotations

import base64
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from webrtc_party.lcu.errors import (
    LockfileError,
    LockfileMalformedError,
    LockfileNotFoundError,
)
from webrtc_party.lcu.windows import (
    ProcessQuery,
    install_dirs_from_command_lines,
    install_dirs_from_riot_installs,
)

__all__ = [
    "ENV_VAR",
    "MAX_LOCKFILE_SIZE",
    "Lockfile",
    "candidate_paths",
    "decode_lockfile",
    "encode_lockfile",
    "find_lockfile",
    "install_dirs_from_command_lines",
    "install_dirs_from_processes",
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
    """Install folders of League clients running under Wine, from ``/proc/*/cmdline``."""
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
                found.append(Path(text.split("=", 1)[1].strip('"')))
    return found


def candidate_paths(
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    proc_root: Path = Path("/proc"),
) -> list[Path]:
    """Every place to look that costs no process start, best first (no duplicates)."""
    env = os.environ if environ is None else environ
    plat = platform or sys.platform
    if explicit is not None:
        return [explicit]
    if env.get(ENV_VAR):
        return [Path(env[ENV_VAR])]
    dirs = install_dirs_from_processes(proc_root)
    if plat == "win32":
        dirs += [Path(d) for d in WINDOWS_DIRS]
        dirs += install_dirs_from_riot_installs(env)
    elif plat == "darwin":
        dirs += [Path(d) for d in MACOS_DIRS]
    paths: list[Path] = []
    for folder in dirs:
        if folder / "lockfile" not in paths:
            paths.append(folder / "lockfile")
    return paths


_PROCESS_QUERY = ProcessQuery()


def find_lockfile(
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    proc_root: Path = Path("/proc"),
    query: ProcessQuery | None = None,
) -> Lockfile:
    """Find and read the lockfile (blocking). Explicit path and env var are not second-guessed.

    Otherwise the install folders (``candidate_paths``) are tried first; on Windows, when none
    holds a usable lockfile, the process query (``query``, by default one shared per process
    and so run at most every 30 s) adds the folders of running clients. Raises only
    ``LockfileError``s, whose message says everything that was tried and why it failed."""
    env = os.environ if environ is None else environ
    plat = platform or sys.platform
    if explicit is not None or env.get(ENV_VAR):
        path = candidate_paths(explicit, env, plat, proc_root)[0]
        lockfile = read_lockfile(path)
        log.debug("using lockfile %s (port %d)", path, lockfile.port)
        return lockfile
    problems: list[str] = []
    paths = candidate_paths(None, env, plat, proc_root)
    found = _first_usable(paths, problems)
    if found is None and plat == "win32":
        process_query = _PROCESS_QUERY if query is None else query
        extra = [d / "lockfile" for d in process_query.dirs()]
        extra = [p for p in extra if p not in paths]
        paths += extra
        found = _first_usable(extra, problems)
        if found is None:
            problems.append(process_query.status)
    if found is not None:
        return found
    if not paths:
        raise LockfileNotFoundError(
            f"no League client lockfile location is known on this system; set {ENV_VAR} "
            "or pass --lockfile"
        )
    tried = ", ".join(str(p) for p in paths)
    why = "".join(f"; {p}" for p in problems)
    raise LockfileNotFoundError(
        f"no League client lockfile found (looked at {tried}{why}): start the client, or set "
        f"{ENV_VAR} / pass --lockfile"
    )


def _first_usable(paths: Iterable[Path], problems: list[str]) -> Lockfile | None:
    """The first lockfile among ``paths`` that reads and parses; the others' reasons logged."""
    for path in paths:
        try:
            if not path.is_file():
                continue
            lockfile = read_lockfile(path)
        except (LockfileError, OSError, ValueError) as exc:
            reason = f"{path} skipped: {exc}"
            log.info("%s", reason)
            problems.append(reason)
            continue
        log.debug("using lockfile %s (port %d)", path, lockfile.port)
        return lockfile
    return None
