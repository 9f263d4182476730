"""Party members for the browser tests: the Rose test kit's members (a real emulated League
client and a real ``PartyService`` each), plus a real ``BridgeServer`` for each one's panel."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import until
from tests.rose.party_kit import members
from tests.ui.harness import free_port
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.rose.bridge_server import BridgeServer
from webrtc_party.rose.service import PartyService

__all__ = ["UiMember", "ui_members", "until"]


@dataclass
class UiMember:
    emu: LcuEmulator
    service: PartyService
    bridge: BridgeServer
    skins_root: Path


@contextlib.asynccontextmanager
async def ui_members(
    base: Path, n: int, scenario: str = "premade"
) -> AsyncIterator[list[UiMember]]:
    """``n`` members of one premade lobby (accounts of the emulator's scenario, in order)."""
    async with contextlib.AsyncExitStack() as stack:
        party = await stack.enter_async_context(members(base, n, scenario, skins_ttl=0.5))
        out = []
        for member in party:
            # A port of its own (other bridges may hold 50000..50010 on a shared machine);
            # the panel finds it the way Rose remembers one: localStorage.rose_bridge_port.
            bridge = await stack.enter_async_context(
                BridgeServer(member.service, port=free_port(), tries=1)
            )
            out.append(UiMember(member.emu, member.service, bridge, member.skins_root))
        yield out
