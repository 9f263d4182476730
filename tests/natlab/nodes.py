"""Drive ``webrtc-party node --json`` processes inside lab namespaces (issue 2's contract).

Commands go to stdin one per line (``invite``, ``accept <token>``, ``send <text>``, ``status``,
``quit``); every stdout line is one JSON event with an ``event`` field. ``connect_pair`` does the
two-step copy-paste handshake between two hosts and reports what each side saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from .lab import HOSTS, STUN_IP, TURN_PASSWORD, TURN_USER, NatLab

__all__ = ["NODE_ARGV", "STUN_ARGS", "TURN_ARGS", "Node", "PairResult", "connect_pair", "record"]

NODE_ARGV = [sys.executable, "-m", "webrtc_party", "node", "--json"]
STUN_ARGS = ["--stun", f"stun:{STUN_IP}:3478"]
TURN_ARGS = [
    "--turn",
    f"turn:{STUN_IP}:3478?transport=udp",
    "--turn-user",
    TURN_USER,
    "--turn-password",
    TURN_PASSWORD,
]
ENDINGS = ("connected", "closed", "error")


def record(label: str, **data: Any) -> None:
    """Append one measurement as a JSON line to $NATLAB_RESULTS (when set), for reports."""
    path = os.environ.get("NATLAB_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"label": label, **data}) + "\n")


@dataclass
class Node:
    """One node process; every event it printed is kept in ``events``."""

    name: str
    proc: asyncio.subprocess.Process
    events: list[dict[str, Any]] = field(default_factory=list)
    _seen: int = 0

    @classmethod
    async def start(
        cls, lab: NatLab, host: str, args: list[str], name: str = "", argv: list[str] | None = None
    ) -> Node:
        proc = await lab.arun_in(host, [*(argv or NODE_ARGV), *args])
        return cls(name or host, proc)

    async def cmd(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def next_event(self, *names: str, wait_s: float) -> dict[str, Any] | None:
        """The next event (after those already returned) named one of ``names``; None on
        timeout or end of output."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + wait_s
        while True:
            while self._seen < len(self.events):
                event = self.events[self._seen]
                self._seen += 1
                if event.get("event") in names:
                    return event
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), left)
            except TimeoutError:
                return None
            if not line:
                return None
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.events.append({"event": "bad-output", "line": line.decode(errors="replace")})

    async def close(self) -> str:
        """Quit (kill after 3 s); returns what the process wrote to stderr."""
        with contextlib.suppress(ConnectionError, AssertionError):
            await self.cmd("quit")
        try:
            await asyncio.wait_for(self.proc.wait(), 3)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for line in (await self.proc.stdout.read()).splitlines():
            with contextlib.suppress(ValueError):
                self.events.append(json.loads(line))
        return (await self.proc.stderr.read()).decode(errors="replace")


@dataclass
class PairResult:
    opened: bool
    path_a: str | None = None  # offerer's reported path
    path_b: str | None = None
    open_ms: float | None = None  # as the offerer reports it
    elapsed_s: float = 0.0  # offerer applied the answer -> connected or failure event
    failure: dict[str, Any] | None = None  # the offerer's closed/error event
    message_ok: bool = False
    stderr: str = ""
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


async def connect_pair(
    lab: NatLab,
    host_a: str,
    host_b: str,
    args: list[str],
    wait_s: float = 25.0,
    argv: list[str] | None = None,
) -> PairResult:
    """Offerer on ``host_a``, answerer on ``host_b``: invite, accept, accept, send, quit.

    ``argv`` replaces the node command (the benchmark runs stock aiortc through it)."""
    result = await _connect_pair(lab, host_a, host_b, args, wait_s, argv)
    record(
        f"{host_a}({lab.modes.get(HOSTS[host_a][0])}) -> {host_b}"
        f"({lab.modes.get(HOSTS[host_b][0])})",
        isolated=lab.isolated,
        turn="--turn" in args,
        relay_only="--relay-only" in args,
        opened=result.opened,
        path_a=result.path_a,
        path_b=result.path_b,
        open_ms=result.open_ms,
        elapsed_s=round(result.elapsed_s, 3),
        failure=result.failure and result.failure.get("code"),
    )
    return result


async def _connect_pair(
    lab: NatLab, host_a: str, host_b: str, args: list[str], wait_s: float, argv: list[str] | None
) -> PairResult:
    a = await Node.start(lab, host_a, args, f"A@{host_a}", argv)
    b = await Node.start(lab, host_b, args, f"B@{host_b}", argv)
    result = PairResult(False)
    try:
        await a.cmd("invite")
        invite = await a.next_event("token", "error", wait_s=10)
        assert invite and invite["event"] == "token", f"no invite: {a.events}"
        await b.cmd(f"accept {invite['token']}")
        answer = await b.next_event("token", "error", wait_s=10)
        assert answer and answer["event"] == "token", f"no answer: {b.events}"
        t0 = time.monotonic()
        await a.cmd(f"accept {answer['token']}")
        end_a = await a.next_event(*ENDINGS, wait_s=wait_s)
        result.elapsed_s = time.monotonic() - t0
        if end_a is None or end_a["event"] != "connected":
            result.failure = end_a
            return result
        end_b = await b.next_event(*ENDINGS, wait_s=5)
        result.opened = end_b is not None and end_b["event"] == "connected"
        result.path_a = end_a.get("path")
        result.path_b = end_b.get("path") if end_b else None
        result.open_ms = end_a.get("open_ms")
        await a.cmd("send hello from A")
        got = await b.next_event("message", wait_s=5)
        result.message_ok = got is not None and got.get("text") == "hello from A"
        return result
    finally:
        result.stderr = (await a.close()) + (await b.close())
        result.events = {a.name: a.events, b.name: b.events}
