"""Without a prerequisite the lab tests skip and say why; under CI=true they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .lab import BINARIES

HERE = Path(__file__).parent
TARGET = f"{HERE / 'test_lab.py'}::test_every_router_mode_verified"


def _run_without_turnserver(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in BINARIES:
        found = shutil.which(name)
        if found and name != "turnserver" and not (bin_dir / name).exists():
            (bin_dir / name).symlink_to(found)
    env = {**os.environ, "PATH": str(bin_dir), "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
        cwd=HERE.parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("ci", ["", "true"])
def test_missing_turnserver(tmp_path: Path, ci: str) -> None:
    res = _run_without_turnserver(tmp_path, ci)
    out = res.stdout + res.stderr
    assert "missing binaries: turnserver" in out, out[-2000:]
    if ci:
        assert res.returncode != 0 and "CI=true" in out, out[-2000:]
    else:
        assert res.returncode == 0 and "SKIPPED" in out, out[-2000:]
