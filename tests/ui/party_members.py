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
    base: Path, n: int, origin: str, scenario: str = "premade"
) -> AsyncIterator[list[UiMember]]:
    """``n`` members of one premade lobby (accounts of the emulator's scenario, in order).
    ``origin``: the test page's, allowed by each bridge; each bridge writes its key into a
    plugin folder of its own (``bridge.key_dir``), as ``serve --plugin-dir`` does."""
    async with contextlib.AsyncExitStack() as stack:
        party = await stack.enter_async_context(members(base, n, scenario, skins_ttl=0.5))
        out = []
        for i, member in enumerate(party):
            # A port of its own (other bridges may hold 50000..50010 on a shared machine);
            # the panel finds it in the key file of its plugin folder.
            key_dir = base / f"plugin{i}" / "ROSE-PartyMode"
            key_dir.mkdir(parents=True)
            bridge = await stack.enter_async_context(
                BridgeServer(
                    member.service,
                    port=free_port(),
                    tries=1,
                    key_dir=key_dir,
                    allowed_origins=[origin],
                )
            )
            out.append(UiMember(member.emu, member.service, bridge, member.skins_root))
        yield out
