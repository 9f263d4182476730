"""CI check: every runtime dependency resolves to Windows wheels for CPython 3.11-3.13.

A Rose user (Windows 10/11, 64-bit) must never need a compiler: pip resolves the real
dependency tree of pyproject.toml for win_amd64 with binaries only (--dry-run: nothing is
installed) and this fails, naming the Python version and pip's reason, when any package has
no wheel. Reaches the package index, so it runs in .ci/run, not in the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")


def resolve(deps: list[str], version: str, work: Path) -> list[str]:
    report = work / f"report-{version}.json"
    cmd = [
        sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q",
        "--only-binary=:all:", "--platform", "win_amd64", "--implementation", "cp",
        "--python-version", version, "--target", str(work / "target"),
        "--report", str(report), *deps,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        sys.exit(
            f"windows wheels: CPython {version} on win_amd64 cannot install the runtime "
            f"dependencies from wheels alone (a Windows user would need a compiler):\n{tail}"
        )
    wheels = []
    for item in json.loads(report.read_text())["install"]:
        name = item["download_info"]["url"].rsplit("/", 1)[-1]
        if not name.endswith(".whl"):
            sys.exit(f"windows wheels: CPython {version}: {name} is not a wheel")
        wheels.append(name)
    return wheels


def main() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    with tempfile.TemporaryDirectory() as tmp:
        for version in PYTHONS:
            wheels = resolve(deps, version, Path(tmp))
            native = sorted(w for w in wheels if "win_amd64" in w)
            line = f"CPython {version}: {len(wheels)} wheels, native: {', '.join(native)}"
            sys.stdout.write(f"windows wheels: {line}\n")


if __name__ == "__main__":
    main()
