"""The review of League-chat party mode (issue 14): one answer per friend, one invite per
friend per party across chat reconnects, the changed-key check whenever the setting is on and
before a remembered friend's link gets any state, bounded bookkeeping. Real emulated clients
sharing one chat, real aiortc links."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.chat.chat_kit import Member, chat_party
from tests.helpers import until
from webrtc_party.lcu.emulator.chat import SentMessage
from webrtc_party.rose.chat_handshake import ChatKind, encode_chat
from webrtc_party.rose.league_chat import IGNORED_KEPT
from webrtc_party.rose.service import PartyService


def _svc(m: Member) -> PartyService:
    assert m.service is not None
    return m.service


def _meshed(members: list[Member]) -> bool:
    everyone = {m.puuid for m in members}
    return all(m.linked() == everyone - {m.puuid} for m in members)


async def _speak_for(members: list[Member]) -> None:
    """These members run no chat agent: the test posts in their DMs itself."""
    for m in members:
        m.tasks[0].cancel()
    await asyncio.gather(*(m.tasks[0] for m in members), return_exceptions=True)


async def test_a_flood_of_invites_from_one_friend_gets_one_answer_and_one_link(
    tmp_path: Path,
) -> None:
    async with chat_party(tmp_path, 3, agents=(True, True, True)) as (hub, members):
        a, b, c = sorted(members, key=lambda m: m.puuid)  # a invites b in the chat's rules
        await _speak_for([a, c])
        for m in members:
            await _svc(m).enable()
        status, conv = await hub.handle(
            a.emu, "POST", "/lol-chat/v1/conversations", {"type": "chat", "pid": hub.pid(b.puuid)}
        )
        assert status == 200
        tokens = [(await _svc(c).create_invite()).token for _ in range(5)]
        for token in [*tokens, tokens[0]]:  # five different invites, then the first again
            status, _ = await hub.handle(
                a.emu,
                "POST",
                f"/lol-chat/v1/conversations/{conv['id']}/messages",
                {"body": encode_chat(ChatKind.INVITE, token), "type": "chat"},
            )
            assert status == 200
            await asyncio.sleep(0.3)

        def answers() -> list[SentMessage]:
            return [m for m in hub.sent_by(b.puuid) if m.recipient == a.puuid]

        await until(lambda: len(answers()) == 1)
        await asyncio.sleep(2.0)
        assert len(answers()) == 1  # ONE answer to that friend
        node, agent = _svc(b).node, b.agent
        assert node is not None and agent is not None
        to_a = [link for link, friend in agent.bound().items() if friend == a.puuid]
        assert len(to_a) == 1  # ONE link for that friend
        assert to_a[0] in {p.peer for p in node.peers()}
        assert b.agent is not None and list(b.agent.ignored).count("answered already") >= 5


async def test_chat_reconnects_send_no_second_invite_and_leave_no_links(tmp_path: Path) -> None:
    # accounts 0 and 1: 1 has the smaller PUUID, so it (party on) invites 0 (no party mode)
    async with chat_party(tmp_path, 2, party_mode=(False, True)) as (hub, members):
        off, on = members
        assert on.puuid < off.puuid
        await _svc(on).enable()
        await until(lambda: len(hub.received_by(off.puuid)) == 1)
        agent, node = on.agent, _svc(on).node
        assert agent is not None and node is not None
        for restarts in (1, 2):
            await on.emu.restart()  # the League client restarts: the chat reconnects
            await until(lambda r=restarts: agent.sessions == 1 + r, 30)  # type: ignore[misc]
            await asyncio.sleep(1.0)
        assert len(hub.received_by(off.puuid)) == 1  # one invite per friend per party
        assert len(node.peers()) == 1  # the one invite's link, nothing piled up
        assert sum(len(v) for v in agent._invite_links.values()) == 1


async def test_ignored_reasons_are_bounded(tmp_path: Path) -> None:
    async with chat_party(tmp_path, 2, agents=(True, True)) as (hub, members):
        low, high = sorted(members, key=lambda m: m.puuid)  # low invites; high should answer
        await _speak_for([high])
        for m in members:
            await _svc(m).enable()
        status, conv = await hub.handle(
            high.emu,
            "POST",
            "/lol-chat/v1/conversations",
            {"type": "chat", "pid": hub.pid(low.puuid)},
        )
        assert status == 200
        body = encode_chat(ChatKind.INVITE, "wpi" + "x" * 40)  # from the side that answers
        for _ in range(IGNORED_KEPT * 3):
            await hub.handle(
                high.emu,
                "POST",
                f"/lol-chat/v1/conversations/{conv['id']}/messages",
                {"body": body, "type": "chat"},
            )
        agent = low.agent
        assert agent is not None
        await until(lambda: "an invite from the side that should answer" in agent.ignored)
        await asyncio.sleep(0.5)
        assert len(agent.ignored) == IGNORED_KEPT


async def _remember_both(tmp_path: Path, data: Path) -> None:
    async with chat_party(tmp_path / "a", 2, wired=True, data=data) as (_hub, members):
        for m in members:
            await _svc(m).set_league_chat(True)
            await _svc(m).enable()
        await until(lambda: _meshed(members), 60)
        await until(lambda: all(len(_svc(m).chat.info().remembered) == 1 for m in members))


async def test_league_chat_on_during_a_party_still_refuses_a_changed_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await _remember_both(tmp_path, data)
    (data / "m1" / "party-key").unlink()  # member 1 reinstalled: a new key, no memory
    (data / "m1" / "friends.json").unlink()
    async with chat_party(
        tmp_path / "b", 2, wired=True, data=data, league_chat=(False, True)
    ) as (_hub, members):
        first, second = members
        await _svc(first).enable()  # the party on with the setting off this run...
        await _svc(first).set_league_chat(True)  # ...then League chat on
        await _svc(second).enable()
        await until(lambda: bool(_svc(first).chat.info().refused), 60)
        await asyncio.sleep(1.5)
        assert _svc(first).chat.info().refused == (second.puuid,)
        assert first.linked() == set()
        saved = json.loads((data / "m0" / "friends.json").read_text())["friends"]
        assert [f["key"] for f in saved] != [] and len(saved) == 1  # the old key kept


async def test_a_remembered_friend_with_another_key_gets_none_of_our_state(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    await _remember_both(tmp_path, data)
    (data / "m1" / "party-key").unlink()  # member 1 reinstalled: a new key
    async with chat_party(tmp_path / "b", 2, wired=True, data=data) as (_hub, members):
        first, second = members
        await until(lambda: bool(_svc(first).chat.info().refused), 60)
        await asyncio.sleep(1.5)
        theirs = _svc(second).node
        assert theirs is not None
        # the link closed at the hello, before any state of ours went out on it
        assert theirs.core.key_of(first.puuid) is None
        assert first.puuid not in {m.member_id for m in theirs.members()}
        assert getattr(_svc(first).node, "key_refused", None) == {second.puuid}
