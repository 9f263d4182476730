"""The coturn configuration in docs/nat.md works: run it in the lab and relay through it."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest

from .lab import NatLab, NatMode
from .nodes import STUN_ARGS, connect_pair

pytestmark = pytest.mark.natlab
DOC = Path(__file__).parents[2] / "docs" / "nat.md"
SERVER_IP = "203.0.113.1"  # the lab's "ISP core" namespace: nothing else listens there


def documented_config() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"replace `/etc/turnserver.conf` with:\n\n```\n(.*?)```", text, re.S)
    assert m, "docs/nat.md lost its coturn configuration block"
    return m.group(1)


def test_config_block_is_complete() -> None:
    conf = documented_config()
    for needed in (
        "lt-cred-mech",
        "realm=",
        "user=alice:",
        "listening-port=3478",
        "denied-peer-ip=192.168.0.0-192.168.255.255",
        "fingerprint",
    ):
        assert needed in conf


async def test_documented_coturn_relays_a_hard_pair(natlab: NatLab) -> None:
    state = natlab.state
    conf = documented_config().replace(
        "log-file=/var/log/turnserver.log", f"log-file={state / 'doc-turn.log'}"
    )
    conf += f"pidfile={state / 'doc-turn.pid'}\nuserdb={state / 'doc-turndb'}\n"
    path = state / "doc-turnserver.conf"
    path.write_text(conf)
    server = natlab.run_in(
        "wan",
        ["turnserver", "-c", str(path), "--no-stdout-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if ":3478" in natlab.exec_in("wan", ["ss", "-Hlun"]).stdout:
                break
            await asyncio.sleep(0.05)
        user, password = re.findall(r"^user=(\w+):(\S+)$", conf, re.M)[0]
        natlab.set_nat("ra", NatMode.PRC)
        natlab.set_nat("rb", NatMode.SYM)
        turn = [
            "--turn",
            f"turn:{SERVER_IP}:3478?transport=udp",
            "--turn-user",
            user,
            "--turn-password",
            password,
        ]
        r = await connect_pair(natlab, "a", "b", STUN_ARGS + turn)
        assert r.opened and r.path_a == "relay" and r.message_ok, (r.failure, r.stderr[-1500:])
    finally:
        server.terminate()
        server.wait(5)
