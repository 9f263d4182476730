"""Shared helpers of the LCU tests: data paths and fixture loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "lcu"
FIXTURES = DATA / "fixtures"
RECORDING = DATA / "recording"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
