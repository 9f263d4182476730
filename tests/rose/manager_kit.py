"""Test kit for the manager driven the Rose way: a fast Rose-mode manager, waits, a handshake."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from tests.helpers import loopback_config
from tests.helpers import wait as wait  # re-exported: the kit's one poll
from tests.rose.party_kit import FAST
from tests.rose.rose_like import RoseLikeRose
from webrtc_party.lcu.client import watch_league
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.state import LeagueState
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.manager import PartyManager
from webrtc_party.rose.rose_setup import rose_service
from webrtc_party.rose.service import PartyService

__all__ = [
    "AHRI",
    "JINX",
    "LUX",
    "FastManager",
    "NoClientManager",
    "connected",
    "link",
    "peers",
    "service_over",
    "wait",
]

AHRI, JINX, LUX = 103, 222, 99


class FastManager(PartyManager):
    """Rose's constructor and Rose's service, with test-sized retry delays."""

    identity_wait = 10.0

    def _rose_factory(self) -> PartyService:
        return rose_service(
            self._lcu,
            self._rose_state,
            self._injection_manager,
            party_config=FAST,
            identity_wait=self.identity_wait,
            retry_delay=0.2,
            tick=0.2,
            poll=0.1,
        )


def service_over(emu: LcuEmulator, skins: SkinFiles) -> Callable[[], PartyService]:
    """A fast service factory on an emulated client: the package's own path (``for_service``)."""

    def league() -> AsyncIterator[LeagueState]:
        return watch_league(emu.lockfile_path, cafile=emu.ca_path)

    def make() -> PartyService:
        return PartyService(
            loopback_config(), league, party_config=FAST, skins=skins, retry_delay=0.2, tick=0.2
        )

    return make


class NoClientManager(FastManager):
    identity_wait = 1.0


def peers(rose: RoseLikeRose) -> dict[int, dict[str, Any]]:
    return {p["summoner_id"]: p for p in rose.manager.get_state_dict()["peers"]}


def connected(rose: RoseLikeRose, n: int) -> bool:
    return sum(bool(p["connected"]) for p in peers(rose).values()) == n


def link(inviter: RoseLikeRose, joiner: RoseLikeRose) -> None:
    """The two-step handshake over Rose's five messages, as a user does it."""
    reply = inviter.request({"type": "party-enable"}, "party-enabled")
    assert reply["success"] is True and reply["token"].startswith("wpi"), reply
    invite = reply["token"]
    if joiner.manager is None or not joiner.manager.enabled:
        assert joiner.request({"type": "party-enable"}, "party-enabled")["success"] is True
    added = joiner.request({"type": "party-add-peer", "token": invite}, "party-peer-added")
    assert added == {"type": "party-peer-added", "success": True, "error": None}
    state = joiner.request({"type": "party-get-state"}, "party-state")
    answer = state["my_answer"]
    assert answer and answer.startswith("wpa") and state["last_result"]["kind"] == "answer"
    assert state["my_answer_expires_at"] > time.time()
    done = inviter.request({"type": "party-add-peer", "token": answer}, "party-peer-added")
    assert done == {"type": "party-peer-added", "success": True, "error": None}
