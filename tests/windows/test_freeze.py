"""The wheel ships the plugin, the data and the PyInstaller hook; plain pyinstaller freezes the CLI.

Built on Linux (PyInstaller cannot cross-build): the frozen-app code paths (data files found
through ``importlib.resources``, the CLI's modules imported by name, aiortc/av/cryptography
collected) are the same on Windows; the Windows-only parts are listed in docs/windows.md.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import aioice.stun as stun
import pytest

from tests.windows.freeze_kit import ROOT, build_wheel, freeze_cli, require, wheel_names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("wheel")
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def frozen(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("PyInstaller")
    return freeze_cli(wheel, tmp_path_factory.mktemp("freeze"))


def test_the_wheel_holds_the_plugin_the_data_and_the_hook(wheel: Path) -> None:
    names = wheel_names(wheel)
    package = ROOT / "webrtc_party"
    wanted = [
        *(package / "lcu" / "data").iterdir(),
        *(p for p in (package / "rose" / "plugin").rglob("*") if p.is_file()),
        package / "_pyinstaller" / "hook-webrtc_party.py",
    ]
    assert any(p.name == "riotgames.pem" for p in wanted)
    assert any(p.name == "index.js" for p in wanted)
    missing = [p.relative_to(ROOT).as_posix() for p in wanted]
    missing = [name for name in missing if name not in names]
    assert missing == []
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(entry_points).decode()
    assert "[pyinstaller40]\nhook-dirs = webrtc_party._pyinstaller:get_hook_dirs" in text


def test_the_hook_dir_is_the_hooks_folder() -> None:
    from webrtc_party._pyinstaller import get_hook_dirs

    [folder] = get_hook_dirs()
    assert (Path(folder) / "hook-webrtc_party.py").is_file()
    assert resources.files("webrtc_party.lcu").joinpath("data", "riotgames.pem").is_file()


def test_the_frozen_demo_runs(frozen: Path) -> None:
    done = subprocess.run(
        [str(frozen), "demo"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "demo finished: every member injects both friends' skins" in done.stdout


def test_the_frozen_app_resolves_every_lazy_rose_export(frozen: Path) -> None:
    import webrtc_party.rose

    done = subprocess.run(
        [str(frozen), "--rose-exports"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == list(webrtc_party.rose.__all__)


@pytest.fixture
def loopback_stun() -> Iterator[int]:
    """A STUN binding responder on 127.0.0.1 (the frozen doctor's only server)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(2048)
                request = stun.parse_message(data)
            except (TimeoutError, ValueError):
                continue
            reply = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE, request.transaction_id)
            reply.attributes["XOR-MAPPED-ADDRESS"] = addr
            sock.sendto(bytes(reply), addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join(5)
    sock.close()


def test_the_frozen_doctor_answers_json(frozen: Path, loopback_stun: int) -> None:
    url = f"stun:127.0.0.1:{loopback_stun}"
    done = subprocess.run(
        [str(frozen), "doctor", "--json", "--stun", url, "--timeout", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout)
    [server] = report["servers"]
    assert server["url"] == url and server["answered"] is True
    assert server["mapped"].startswith("127.0.0.1:")
