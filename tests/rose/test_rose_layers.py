"""Rose's modules stay small and print nothing (their purity is a row of tests/test_layers.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import webrtc_party.rose

ROSE = Path(webrtc_party.rose.__file__).parent


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
