"""An emulator of the League client's local API (LCU), for tests, demos and trying things.

``LcuEmulator`` serves HTTPS and WSS on 127.0.0.1 with a certificate made at
start, writes a lockfile, and plays scripted scenarios (see ``scenarios``).
"""

from __future__ import annotations

from webrtc_party.lcu.emulator.payloads import Account
from webrtc_party.lcu.emulator.scenarios import DEFAULT_ACCOUNTS, SCENARIOS
from webrtc_party.lcu.emulator.server import LcuEmulator
from webrtc_party.lcu.gamedata import GameData, load_game_data

__all__ = ["DEFAULT_ACCOUNTS", "SCENARIOS", "Account", "GameData", "LcuEmulator", "load_game_data"]
