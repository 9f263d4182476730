"""PyInstaller hook for ``webrtc_party`` (see ``webrtc_party._pyinstaller``)."""

from __future__ import annotations

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

# Every non-Python file of the package: lcu/data/*.json, riotgames.pem, the panel plugin.
datas = collect_data_files("webrtc_party", excludes=["**/py.typed", "**/__pycache__"])

# The CLI imports its sub-commands by name (webrtc_party.cli.main.COMMAND_MODULES).
# webrtc_party.rose exports its names lazily (module __getattr__): collect its modules too.
hiddenimports = collect_submodules("webrtc_party.cli") + collect_submodules("webrtc_party.rose")
