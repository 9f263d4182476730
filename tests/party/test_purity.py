"""The party core's modules stay small (its purity is a row of tests/test_layers.py)."""

from __future__ import annotations

from pathlib import Path

import webrtc_party.party

PACKAGE = Path(webrtc_party.party.__file__).parent


def test_modules_stay_small() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 10
    for path in modules:
        assert len(path.read_text().splitlines()) <= 420, path.name
