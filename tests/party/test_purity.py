"""The party core is pure: no event loop, no network, no clock, no unseeded randomness."""

from __future__ import annotations

import ast
from pathlib import Path

import webrtc_party.party

FORBIDDEN = {
    "asyncio",
    "aiortc",
    "aioice",
    "aiohttp",
    "time",
    "random",
    "socket",
    "threading",
    "datetime",
    "secrets",
    "os",
    "pyee",
}
PACKAGE = Path(webrtc_party.party.__file__).parent


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_pure_modules_import_no_io_clock_or_randomness() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 10
    for path in modules:
        bad = _imports(path) & FORBIDDEN
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_modules_stay_small() -> None:
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 420, path.name
