"""Pure cores do no I/O and read no clock: checked on their imports (style rule 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE = [
    "signaling/base62.py",
    "signaling/chat.py",
    "signaling/errors.py",
    "signaling/handshake.py",
    "signaling/sdp.py",
    "signaling/token.py",
    "webrtc_party/heartbeat.py",
    "webrtc_party/link_events.py",
    "webrtc_party/link_states.py",
    "webrtc_party/machine.py",
    "webrtc_party/errors.py",
]
FORBIDDEN = {
    "asyncio",
    "aiortc",
    "aioice",
    "aiohttp",
    "socket",
    "time",
    "random",
    "threading",
    "subprocess",
    "pyperclip",
    "urllib",
    "http",
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_io(module: str) -> None:
    bad = imported(ROOT / module) & FORBIDDEN
    assert not bad, f"{module} imports {sorted(bad)}"


def test_the_rule_catches_io() -> None:
    assert imported(ROOT / "webrtc_party/link.py") & FORBIDDEN == {"asyncio", "aiortc", "time"}
