"""PyInstaller support: found through the ``pyinstaller40`` entry point, no spec edits needed.

A program that imports ``webrtc_party`` (Rose, or the CLI) and is frozen with plain
``pyinstaller`` gets the package's data files (``lcu/data``: Riot's root certificate and the
game data; the panel plugin ``rose/plugin/ROSE-PartyMode``) and the modules PyInstaller cannot
see being imported (the CLI's sub-command modules, imported by name).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["get_hook_dirs"]


def get_hook_dirs() -> list[str]:
    """The folder holding ``hook-webrtc_party.py`` (PyInstaller's ``hook-dirs`` entry point)."""
    return [str(Path(__file__).resolve().parent)]
