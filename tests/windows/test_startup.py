"""Rose's startup pays nothing for party mode: no aiortc, PyAV or aiohttp server at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import webrtc_party.rose

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("aiortc", "av", "aiohttp.web", "aioice", "webrtc_party.link")


def loaded_after(code: str) -> list[str]:
    report = f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    probe = f"import sys, json\n{code}\n{report}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize(
    "code",
    [
        "import webrtc_party.rose",
        # what Rose's two adopted files do at Rose's startup
        "from webrtc_party.rose import PartyManager\n"
        "from webrtc_party.rose import PartyInjectionHook",
    ],
)
def test_import_loads_no_webrtc_and_no_server(code: str) -> None:
    assert loaded_after(code) == []


def test_the_heavy_parts_load_on_first_use() -> None:
    assert set(loaded_after("from webrtc_party.rose import PartyService")) >= {"aiortc", "av"}
    assert "aiohttp.web" in loaded_after("from webrtc_party.rose import BridgeServer")


def test_every_export_resolves_and_is_listed() -> None:
    renamed = {"MemberStatus": "InjectionStatus"}  # a deprecated alias keeps the old name working
    for name in webrtc_party.rose.__all__:
        assert getattr(webrtc_party.rose, name).__name__ == renamed.get(name, name)
    assert set(webrtc_party.rose.__all__) <= set(dir(webrtc_party.rose))
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        webrtc_party.rose.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
