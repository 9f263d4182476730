"""``webrtc-party demo`` and ``webrtc-party serve --emulator`` as a user runs them."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

CLI = [sys.executable, "-m", "webrtc_party"]


def test_demo_runs_the_whole_flow_quickly() -> None:
    started = time.monotonic()
    done = subprocess.run([*CLI, "demo"], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    assert elapsed < 45
    # real tokens were printed: two invites and two answers
    assert len(re.findall(r"^  wpi[0-9A-Za-z]{40,}$", out, re.M)) == 2
    assert len(re.findall(r"^  wpa[0-9A-Za-z]{40,}$", out, re.M)) == 2
    for who in ("Ahri Main#EUW", "Jinx Enjoyer#EUW", "Lux Support#EUW"):
        assert f"Injection plan of {who}" in out
    assert "chroma Shockblade Zed (Rose Quartz)" in out
    assert "injected: custom mod" in out  # a member who has the mod
    assert "custom mod not found locally, using the skin instead" in out  # one who has not
    assert re.search(
        r"mod folder party-[0-9a-f]{12}-238 <- member0/Rose/skins/238/238001/238004/238004\.zip",
        out,
    )
    assert "linked by introduction (no token)" in out
    assert "Timeline:" in out and "FINALIZATION" in out
    assert out.rstrip().endswith("every member injects both friends' skins")
    assert "Traceback" not in done.stderr


async def test_serve_with_emulator_answers_on_the_bridge(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        *CLI,
        *("serve", "--emulator", "--no-stun", "--port", "0", "--exit-after", "20"),
        *("--plugin-dir", str(tmp_path)),  # the bridge key goes there, as for the panel
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        port = 0
        for _ in range(5):
            line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
            found = re.search(r"bridge on http://127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/bridge-port") as resp:
                assert int(await resp.text()) == port
            key = json.loads((tmp_path / "bridge-key.json").read_text())
            assert key["port"] == port
            ws = await http.ws_connect(f"http://127.0.0.1:{port}/", params={"key": key["key"]})
            await ws.send_json({"type": "party-enable"})
            while True:
                msg = await ws.receive_json(timeout=20)
                if msg["type"] == "party-enabled":
                    break
            assert msg["success"] and msg["token"].startswith("wpi")
            await ws.close()
    finally:
        proc.terminate()  # our own child, by its handle
        await asyncio.wait_for(proc.communicate(), 20)
