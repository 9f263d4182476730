"""Build the project's wheel offline and freeze the CLI from it with plain ``pyinstaller``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The CLI, plus what Rose's adopted files do (``from webrtc_party.rose import ...``).
ENTRY = """\
import sys

if sys.argv[1:] == ["--rose-exports"]:
    import webrtc_party.rose as rose

    print(" ".join(name for name in rose.__all__ if getattr(rose, name) is not None))
else:
    from webrtc_party.cli.main import run

    run()
"""


def require(module: str) -> None:
    """Skip without ``module`` locally; in CI (``CI=true``) its absence is a failure."""
    try:
        __import__(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is missing: .ci/run installs the test extras")
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


def build_wheel(work: Path) -> Path:
    """The wheel of a clean copy of the source (no build isolation: tests stay offline)."""
    src = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("webrtc_party", "signaling"):
        shutil.copytree(ROOT / package, src / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = work / "wheel"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), f"{src}{os.sep}"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [wheel] = out.glob("webrtc_party-*.whl")
    return wheel


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def freeze_cli(wheel: Path, work: Path) -> Path:
    """Install ``wheel`` alone into a folder put first on the path, and run plain
    ``pyinstaller entry.py`` there: only the wheel's hook and metadata can make it work."""
    site = work / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    build = work / "build"
    build.mkdir()
    (build / "entry.py").write_text(ENTRY)
    env = {**os.environ, "PYTHONPATH": str(site)}
    pyinstaller = [sys.executable, "-m", "PyInstaller"]
    done = subprocess.run(
        [*pyinstaller, "entry.py"],
        cwd=build, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-5000:]
    assert "hook-webrtc_party.py" in done.stderr, "the package's hook was not used"
    exe = build / "dist" / "entry" / ("entry.exe" if sys.platform == "win32" else "entry")
    assert exe.is_file(), sorted(p.name for p in (build / "dist").rglob("*"))[:50]
    return exe
