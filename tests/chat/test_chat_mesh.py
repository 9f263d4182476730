"""Zero paste: friends in one lobby link through the emulated League chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chat.chat_kit import chat_party
from tests.helpers import until
from webrtc_party.rose.chat_handshake import MARK


@pytest.mark.parametrize("size", [3, 5])
async def test_lobby_of_friends_links_into_a_full_mesh_without_a_paste(
    tmp_path: Path, size: int
) -> None:
    async with chat_party(tmp_path, size) as (hub, members):
        for m in members:
            assert m.service is not None
            await m.service.enable()
        everyone = {m.puuid for m in members}
        await until(lambda: all(m.linked() == everyone - {m.puuid} for m in members), 60)
        # every pair used exactly two DMs: the smaller PUUID's invite and ONE answer
        assert len(hub.sent) == size * (size - 1)
        for a in members:
            for b in members:
                if a is b:
                    continue
                between = [m for m in hub.sent if {m.sender, m.recipient} == {a.puuid, b.puuid}]
                assert [m.sender for m in between] == [min(a.puuid, b.puuid), max(a.puuid, b.puuid)]
                assert all(MARK in m.body and m.type == "chat" for m in between)
        await until(lambda: all(len(m.agent.verified()) == size - 1 for m in members if m.agent))
        assert not [m.recipient for m in hub.sent if m.recipient == ""]  # no group room used
