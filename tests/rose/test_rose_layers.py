"""The decision layer stays pure: no I/O, threads or event loops in planning and records."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import webrtc_party.rose

ROSE = Path(webrtc_party.rose.__file__).parent
FORBIDDEN = {"asyncio", "os", "shutil", "zipfile", "threading", "time", "aiohttp", "aiortc"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("module", ["planning.py", "records.py"])
def test_pure_modules_import_no_io(module: str) -> None:
    assert imported_modules(ROSE / module) & FORBIDDEN == set()


@pytest.mark.parametrize("module", sorted(p.name for p in ROSE.glob("*.py")))
def test_modules_stay_small_and_no_print(module: str) -> None:
    text = (ROSE / module).read_text()
    assert len(text.splitlines()) <= 400
    calls = [
        n
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    ]
    assert calls == []
