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
        # 60 s like the mesh wait above (30 s ran out once on a loaded 2-core machine)
        await until(
            lambda: all(len(m.agent.verified()) == size - 1 for m in members if m.agent), 60
        )
        assert not [m.recipient for m in hub.sent if m.recipient == ""]  # no group room used


async def test_a_friend_without_party_mode_gets_at_most_one_message(tmp_path: Path) -> None:
    # member 0 has the smallest PUUID among the three? order them by PUUID to be sure
    async with chat_party(tmp_path, 3, party_mode=(True, True, False)) as (hub, members):
        on = [m for m in members if m.service is not None]
        off = next(m for m in members if m.service is None)
        for m in on:
            assert m.service is not None
            await m.service.enable()
        await until(lambda: all(len(m.linked()) == 1 for m in on), 60)
        await _settle(1.0)
        got = hub.received_by(off.puuid)
        assert len(got) <= 1
        # exactly one if one of the party members has the smaller PUUID
        assert len(got) == sum(1 for m in on if m.puuid < off.puuid and m.puuid) and len(got) < 2
        assert not hub.sent_by(off.puuid)


async def test_the_same_lobby_with_chat_broken_falls_back_with_a_clear_message(
    tmp_path: Path,
) -> None:
    async with chat_party(tmp_path, 2) as (hub, members):
        hub.broken[members[0].puuid] = 404  # an older client without the chat plugin
        hub.broken[members[1].puuid] = 500
        for m in members:
            assert m.service is not None
            await m.service.enable()
        await until(lambda: all(m.agent is not None and m.agent.problem for m in members))
        for m in members:
            assert m.agent is not None and m.agent.problem is not None
            assert "League chat unavailable" in m.agent.problem
            assert "pasting tokens" in m.agent.problem
        assert hub.sent == []
        # the manual handshake still works
        a, b = (m.service for m in members)
        assert a is not None and b is not None
        invite = await a.create_invite()
        outcome = await b.accept(invite.token)
        assert outcome.answer is not None
        await a.accept(outcome.answer.token)
        await until(lambda: all(len(m.linked()) == 1 for m in members), 60)
        # chat comes back: the agents recover and the problem clears
        hub.broken.clear()
        await until(lambda: all(m.agent is not None and m.agent.problem is None for m in members))


async def _settle(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
