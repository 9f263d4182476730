"""Test side of the real-Rose harness: adopted copies of ROSE_SRC, Rose processes, Rose sockets.

A ``RoseMember`` is one player: an ``LcuEmulator`` (this process), one Rose process
(rose_host.py: Rose's real modules behind our emulator) and one WebSocket to Rose's real bridge,
speaking Rose's own message names like its plugins do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.rose.adopt import adopt

__all__ = [
    "HOST",
    "RoseHost",
    "RoseMember",
    "RoseSocket",
    "adopted_copy",
    "members",
    "rose_src",
]

Json = dict[str, Any]
HOST = Path(__file__).with_name("rose_host.py")
WORKTREE = Path(__file__).resolve().parents[2]


def rose_src() -> Path | None:
    value = os.environ.get("ROSE_SRC", "")
    if not value:
        return None
    path = Path(value)
    return path if (path / "pengu" / "communication" / "message_handler.py").is_file() else None


def adopted_copy(dest: Path, *, swiftplay: bool = False, default_skin: bool = False) -> Path:
    """A copy of ROSE_SRC in ``dest`` with ``webrtc-party rose adopt`` applied (and the
    optional patches asked for)."""
    src = rose_src()
    assert src is not None
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    adopt(dest, swiftplay=swiftplay, default_skin=default_skin)
    return dest


class RoseHost:
    """One Rose process; ``cmd`` talks to it, ``overlays`` collects the overlays it ran."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log
        self.port = 0
        self.overlays: list[list[Json]] = []
        self._replies: asyncio.Queue[Json] = asyncio.Queue()
        self._ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._next = 0

    @classmethod
    async def start(
        cls, rose: Path, lockfile: Path, data_home: Path, cafile: Path, *, rose_port: bool = False
    ) -> RoseHost:
        """``rose_port``: Rose picks its bridge port itself (50000 up), else a free one."""
        env = dict(os.environ)
        env.update(
            XDG_DATA_HOME=str(data_home),
            PYTHONPATH=os.pathsep.join([str(WORKTREE), env.get("PYTHONPATH", "")]),
            WEBRTC_PARTY_LCU_CAFILE=str(cafile),
            WEBRTC_PARTY_STUN="none",
            WEBRTC_PARTY_INTERFACES="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        env.pop("LCU_LOCKFILE", None)
        log = data_home / "rose.log"
        err = await asyncio.to_thread(log.open, "wb")
        with err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(HOST), "--rose", str(rose), "--lockfile", str(lockfile),
                "--data-home", str(data_home), *(["--rose-port"] if rose_port else []),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
                env=env, cwd=str(data_home),
            )
        host = cls(proc, log)
        try:
            async with asyncio.timeout(60):
                host.port = await host._ready
        except BaseException:
            await host.stop()
            raise AssertionError(f"Rose did not start; its log:\n{host.log_tail()}") from None
        return host

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            msg = json.loads(raw)
            if msg.get("event") == "ready":
                self._ready.set_result(int(msg["port"]))
            elif msg.get("event") == "overlay":
                self.overlays.append(msg["mods"])
            elif "reply" in msg or "error" in msg:
                await self._replies.put(msg)
        if not self._ready.done():
            self._ready.set_exception(RuntimeError("Rose exited"))

    async def cmd(self, op: str, **fields: Any) -> Any:
        assert self.proc.stdin is not None
        self._next += 1
        self.proc.stdin.write((json.dumps({"op": op, "id": self._next, **fields}) + "\n").encode())
        await self.proc.stdin.drain()
        async with asyncio.timeout(60):
            msg = await self._replies.get()
        if "error" in msg:
            raise AssertionError(f"Rose host: {op}: {msg['error']}")
        return msg["reply"]

    async def next_overlay(self, seen: int, within: float = 60.0) -> list[Json]:
        deadline = time.monotonic() + within
        while len(self.overlays) <= seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"no overlay in {within}s; Rose's log:\n{self.log_tail()}")
            await asyncio.sleep(0.05)
        return self.overlays[seen]

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    async def stop(self) -> None:
        if self.proc.returncode is None and self.proc.stdin is not None:
            with contextlib.suppress(ConnectionError):
                self.proc.stdin.write(b'{"op": "quit"}\n')
                await self.proc.stdin.drain()
            try:
                async with asyncio.timeout(20):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()  # our own child, by its handle
                await self.proc.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


class RoseSocket:
    """A plugin's WebSocket to Rose's bridge: everything Rose sends is kept, in order."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.received: list[Json] = []
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.received.append(json.loads(msg.data))

    async def send(self, type_: str, **fields: Any) -> None:
        await self.ws.send_str(json.dumps({"type": type_, **fields}))

    async def wait(
        self, type_: str, check: Callable[[Json], bool] = lambda m: True, *, after: int = 0,
        within: float = 30.0,
    ) -> Json:
        deadline = time.monotonic() + within
        while True:
            for msg in self.received[after:]:
                if msg.get("type") == type_ and check(msg):
                    return msg
            if time.monotonic() > deadline:
                kinds = [m.get("type") for m in self.received[after:]]
                raise AssertionError(f"no {type_!r} from Rose in {within}s (got {kinds})")
            await asyncio.sleep(0.05)

    async def request(self, type_: str, reply: str, within: float = 30.0, **fields: Any) -> Json:
        mark = len(self.received)
        await self.send(type_, **fields)
        return await self.wait(reply, after=mark, within=within)

    async def close(self) -> None:
        await self.ws.close()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@dataclass
class RoseMember:
    emu: LcuEmulator
    host: RoseHost
    sock: RoseSocket
    data: Path  # Rose's data folder (skins/, mods/skins/, injection/mods/)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def puuid(self) -> str:
        return self.emu.world.me.puuid

    @property
    def summoner_id(self) -> int:
        return self.emu.world.me.summoner_id


def _make_dirs(*paths: Path) -> None:
    for path in paths:
        path.mkdir(parents=True)


@contextlib.asynccontextmanager
async def members(
    base: Path, rose: Path, locals_: Sequence[int], scenario: str = "premade", size: int = 5,
    prepare: Callable[[int, Path], None] | None = None, rose_port: Sequence[int] = (),
) -> AsyncIterator[list[RoseMember]]:
    """Players ``locals_`` (indices into the emulator's accounts) of one premade of ``size``,
    each with a Rose of its own, started one after another. The other players of the premade
    have no Rose. ``prepare(i, rose_data_dir)`` fills a player's skins and mods first; the
    players in ``rose_port`` get the bridge port Rose picks itself (50000 up).
    """
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(aiohttp.ClientSession())
        out = []
        for i in locals_:
            folder = base / f"m{i}"
            data = folder / "xdg" / "Rose"
            await asyncio.to_thread(_make_dirs, folder / "lcu", data)
            if prepare is not None:
                await asyncio.to_thread(prepare, i, data)
            emu = await stack.enter_async_context(
                LcuEmulator(folder / "lcu", scenario, size=size, local=i)
            )
            host = await RoseHost.start(
                rose, emu.lockfile_path, folder / "xdg", emu.ca_path, rose_port=i in rose_port
            )
            stack.push_async_callback(host.stop)
            ws = await http.ws_connect(f"ws://127.0.0.1:{host.port}/")
            sock = RoseSocket(ws)
            stack.push_async_callback(sock.close)
            out.append(RoseMember(emu, host, sock, data))
        yield out
