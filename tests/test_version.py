"""The version is written once: webrtc_party/__init__.py; pyproject.toml reads it."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

import webrtc_party
from webrtc_party.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "webrtc_party.__version__"


def test_the_version_is_a_literal_setuptools_can_read_without_importing() -> None:
    tree = ast.parse((ROOT / "webrtc_party/__init__.py").read_text())
    literals = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
        and isinstance(node.value, ast.Constant)
    ]
    assert literals == [webrtc_party.__version__]
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)?", webrtc_party.__version__)


def test_the_installed_metadata_agrees() -> None:
    assert importlib.metadata.version("webrtc-party") == webrtc_party.__version__


def test_the_cli_reports_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.strip().endswith(webrtc_party.__version__)
