"""Console output never raises on a Windows code page (cp1252, cp850): run and simulated."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webrtc_party.cli.common import printable
from webrtc_party.cli.console import tolerant_console

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page", ["cp1252", "cp850"])
def test_the_cli_prints_unencodable_text_on_a_code_page_console(page: str) -> None:
    """``node`` echoes an unknown command: a bad byte (U+FFFD) and a check mark in it."""
    env = {**os.environ, "PYTHONIOENCODING": page, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "webrtc_party", "node", "--no-stun", "--interface", "127.0.0.1"],
        input="Jürgen".encode() + b"\xff" + "\u2713\nquit\n".encode(),  # stdin is UTF-8
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode(page, "replace")
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
    out = done.stdout.decode(page)
    assert "code=unknown-command" in out
    assert "'Jürgen??'" in out  # neither U+FFFD nor U+2713 exists in cp1252/cp850


def test_tolerant_console_on_simulated_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="cp1252", errors="strict", write_through=True)
    with pytest.raises(UnicodeEncodeError):
        out.write(printable("a\x01b"))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", None)  # a windowed frozen app has no streams
    monkeypatch.setattr(sys, "stdin", None)
    tolerant_console()
    sys.stdout.write(printable("Ørsted\x1b[31m \u2713") + "\n")
    sys.stderr.write("to nowhere\n")
    assert sys.stdin.read() == ""
    sys.stdout.flush()
    assert raw.getvalue().decode("cp1252") == "Ørsted?[31m ?\n"
    sys.stderr.close()
    sys.stdin.close()
