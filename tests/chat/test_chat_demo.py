"""``webrtc-party demo --league-chat`` and ``serve --league-chat`` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "webrtc_party"]


def test_demo_league_chat_links_everyone_without_a_token() -> None:
    done = subprocess.run(
        [*CLI, "demo", "--league-chat"], capture_output=True, text=True, timeout=90
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    assert not re.search(r"^  wp[ia][0-9A-Za-z]{40,}$", out, re.M)  # no token to paste
    pairs = re.findall(r"^ +[0-9.]+s  (.+) <-> (.+) through League chat: (.+)$", out, re.M)
    assert len(pairs) == 3, out[-3000:] + done.stderr[-3000:]
    for _a, _b, how in pairs:
        assert "invite DM" in how and "answer DM" in how and "no paste" in how
        assert "verified" in how
    assert "full mesh: 6 League chat DMs in all, 0 tokens pasted" in out
    assert out.rstrip().endswith("every member injects both friends' skins")


def test_serve_league_chat_flag_and_data_dir(tmp_path: Path) -> None:
    args = [*CLI, "serve", "--emulator", "--no-stun", "--port", "0", "--exit-after", "2"]
    data = tmp_path / "party"
    done = subprocess.run(
        [*args, "--league-chat", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"League chat: on (setting, friends in {data})" in done.stdout
    assert not (data / "settings.json").exists()  # the flag is for this run only
    data.mkdir(exist_ok=True)
    (data / "settings.json").write_text(json.dumps({"version": 1, "league_chat": True}))
    env = {**os.environ, "WEBRTC_PARTY_LEAGUE_CHAT": "0"}
    done = subprocess.run(
        [*args, "--data-dir", str(data)], capture_output=True, text=True, timeout=60, env=env
    )
    assert "League chat: off" in done.stdout, done.stdout + done.stderr
    bad = subprocess.run(
        [*args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "WEBRTC_PARTY_LEAGUE_CHAT": "maybe"},
    )
    assert bad.returncode != 0 and "WEBRTC_PARTY_LEAGUE_CHAT" in bad.stderr
