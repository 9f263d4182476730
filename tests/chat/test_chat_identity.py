"""The identity guarantee, and a League client restart in the middle of a handshake."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.chat.chat_kit import chat_party
from tests.helpers import until
from webrtc_party.rose.chat_handshake import ChatKind, decode_chat, encode_chat


async def test_a_token_in_a_dm_whose_sender_does_not_say_hello_is_refused(
    tmp_path: Path,
) -> None:
    async with chat_party(tmp_path, 3, agents=(True, True, True)) as (hub, members):
        a, b, c = sorted(members, key=lambda m: m.puuid)  # a invites b in the chat's rules
        for m in (a, c):  # these two run no chat agent: the test speaks for them
            m.tasks[0].cancel()
        await asyncio.gather(a.tasks[0], c.tasks[0], return_exceptions=True)
        for m in members:
            assert m.service is not None
            await m.service.enable()
        assert c.service is not None and b.agent is not None
        forged = await c.service.create_invite()  # C's token...
        status, conv = await hub.handle(
            a.emu, "POST", "/lol-chat/v1/conversations", {"type": "chat", "pid": hub.pid(b.puuid)}
        )
        assert status == 200
        status, _ = await hub.handle(  # ...sent in A's DM (A's chat account is real)
            a.emu,
            "POST",
            f"/lol-chat/v1/conversations/{conv['id']}/messages",
            {"body": encode_chat(ChatKind.INVITE, forged.token), "type": "chat"},
        )
        assert status == 200

        def to_a() -> list[str]:  # B's DMs to A (B's own invite to C races them: not these)
            return [m.body for m in hub.sent_by(b.puuid) if m.recipient == a.puuid]

        await until(lambda: len(to_a()) == 1)  # B answered A, once
        decoded = decode_chat(to_a()[0])
        assert decoded is not None and decoded[0] is ChatKind.ANSWER
        await c.service.accept(decoded[1])  # C completes the link B made for A
        node = c.service.node
        assert node is not None
        await until(
            lambda: (
                any(p.state.value == "closed" for p in node.peers())
                or not [p for p in node.peers() if p.state.value != "new"]
            ),
            30,
        )
        await asyncio.sleep(1.0)
        assert b.linked() == set()  # B never took C as A, nor as C
        assert b.agent.verified() == {}


async def test_a_league_client_restart_mid_handshake_still_links(tmp_path: Path) -> None:
    async with chat_party(tmp_path, 2) as (hub, members):
        inviter, invitee = sorted(members, key=lambda m: m.puuid)
        hub.broken[invitee.puuid] = 500  # the invitee's chat is down: the invite is lost
        for m in members:
            assert m.service is not None
            await m.service.enable()
        await until(lambda: len(hub.sent_by(inviter.puuid)) == 1)
        await inviter.emu.restart()  # new port, new password: the inviter's agent reconnects
        hub.broken.clear()
        # both sides: the invitee's link is up only once the inviter's answer got through
        await until(
            lambda: inviter.linked() == {invitee.puuid} and invitee.linked() == {inviter.puuid},
            60,
        )
        assert len(hub.sent_by(inviter.puuid)) == 1  # one invite per party, across sessions
        # ONE answer per invite (the first one's answer reached a client that was restarting)
        assert len(hub.sent_by(invitee.puuid)) <= 2
        assert inviter.agent is not None and inviter.agent.sessions == 2
        await until(lambda: invitee.agent is not None and len(invitee.agent.verified()) == 1)


async def test_an_invite_before_my_client_shows_its_sender_in_my_lobby_is_kept(
    tmp_path: Path,
) -> None:
    from webrtc_party.rose.chat_handshake import NOT_IN_LOBBY

    async with chat_party(tmp_path, 2, stop_at="lobby") as (hub, members):
        inviter, invitee = sorted(members, key=lambda m: m.puuid)
        for m in members:
            assert m.service is not None
            await m.service.enable()
        # both agents have their chat sessions (a fixed sleep was too short under load)
        await until(lambda: all(m.agent is not None and m.agent.sessions >= 1 for m in members))
        await inviter.emu.run_until("join-1")  # the inviter's client sees the lobby first
        await until(lambda: len(hub.sent_by(inviter.puuid)) == 1)
        agent = invitee.agent
        assert agent is not None
        await until(lambda: NOT_IN_LOBBY in agent.ignored)
        assert hub.sent_by(invitee.puuid) == []
        await invitee.emu.run_until("join-1")  # now mine shows it too: the kept invite counts
        await until(lambda: invitee.linked() == {inviter.puuid}, 60)
        assert len(hub.sent_by(inviter.puuid)) == 1 and len(hub.sent_by(invitee.puuid)) == 1
