"""The command line: token inspect, error exits without tracebacks, and node --json."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from typing import Any

import pytest

from signaling.token import encode_token
from tests.test_token import make
from webrtc_party.cli.common import EXIT_LOCAL, EXIT_OK, EXIT_TOKEN
from webrtc_party.cli.main import main

CLI = [sys.executable, "-m", "webrtc_party"]
LOOPBACK = ["--no-stun", "--interface", "127.0.0.1"]


def fresh_invite() -> str:
    token = make()
    return encode_token(type(token)(**{**token.__dict__, "created": int(time.time())}))


def test_token_inspect_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "inspect", fresh_invite()]) == EXIT_OK
    out = capsys.readouterr().out
    assert "kind:        invite" in out
    assert "host   192.168.1.10:50000" in out


def test_token_inspect_errors_are_one_line_without_traceback() -> None:
    for text, expected in [("garbage", "not a party token"), (encode_token(make()), "expired")]:
        done = subprocess.run(
            [*CLI, "token", "inspect", text], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == EXIT_TOKEN
        assert expected in done.stderr
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_bad_options_are_local_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["node", "--turn", "turn:example.org", *LOOPBACK]) == EXIT_LOCAL
    assert "username and a password" in capsys.readouterr().err
    assert main(["node", "--stun", "http://x", *LOOPBACK[1:]]) == EXIT_LOCAL


class Node:
    """A real ``webrtc-party node --json`` process."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def start(cls) -> Node:
        proc = await asyncio.create_subprocess_exec(
            *CLI,
            "node",
            "--json",
            *LOOPBACK,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        node = cls(proc)
        await node.wait_for("ready")
        return node

    async def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def wait_for(self, event: str) -> dict[str, Any]:
        assert self.proc.stdout is not None
        async with asyncio.timeout(20):
            while True:
                line = await self.proc.stdout.readline()
                assert line, f"node exited while waiting for {event}: {self.seen}"
                obj: dict[str, Any] = json.loads(line)
                self.seen.append(obj)
                if obj["event"] == event:
                    return obj


async def test_node_json_end_to_end() -> None:
    host, guest = await Node.start(), await Node.start()
    try:
        await host.say("invite")
        invite = await host.wait_for("token")
        assert invite["kind"] == "invite" and invite["expires_at"] > time.time() + 500
        await host.say(f"accept {invite['token']}")
        own = await host.wait_for("error")
        assert own["code"] == "own-token"
        await host.say("accept nonsense")
        assert (await host.wait_for("error"))["code"] == "not-a-token"
        await host.say("dance")
        assert (await host.wait_for("error"))["code"] == "unknown-command"
        await guest.say(f"accept ```{invite['token']}```")
        answer = await guest.wait_for("token")
        assert answer["kind"] == "answer"
        await guest.say(f"accept {invite['token']}")  # pasted twice: same answer again
        assert (await guest.wait_for("token"))["token"] == answer["token"]
        await host.say(f"accept {answer['token']}")
        connected = await host.wait_for("connected")
        assert connected["path"] == "host" and connected["open_ms"] > 0
        await guest.wait_for("connected")
        await host.say("send gl hf")
        assert (await host.wait_for("sent"))["peers"] == 1
        message = await guest.wait_for("message")
        assert message["text"] == "gl hf"
        await host.say("status")
        status = await host.wait_for("status")
        assert [p["state"] for p in status["peers"]] == ["open"]
        await host.say("quit")
        closed = await guest.wait_for("closed")
        assert closed["code"] == "peer-closed"
        assert await asyncio.wait_for(host.proc.wait(), 10) == 0
        await guest.say("quit")
        assert await asyncio.wait_for(guest.proc.wait(), 10) == 0
    finally:
        for node in (host, guest):
            if node.proc.returncode is None:
                node.proc.kill()
                await node.proc.wait()


def test_node_survives_bad_bytes_and_odd_digits() -> None:
    script = b"send \xff\xfe\nselect \xc2\xb2:1\nmembers\nquit\n"
    done = subprocess.run(
        [*CLI, "node", "--json", *LOOPBACK], input=script, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    events = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[:2] == ["ready", "sent"]
    assert events[2]["event"] == "error" and events[2]["code"] == "config"
    assert kinds[3] == "party"
    assert b"Traceback" not in done.stderr
