"""The pure chat handshake: who invites, which messages count."""

from __future__ import annotations

import pytest

from webrtc_party.lcu.chat import ChatMessage, message_uri, parse_message
from webrtc_party.rose.chat_handshake import (
    AcceptAnswer,
    AcceptInvite,
    ChatHandshake,
    ChatKind,
    Ignored,
    SendInvite,
    decode_chat,
    encode_chat,
)

A, B, C = "aaaa-1", "bbbb-2", "cccc-3"
T0 = 1_000_000.0


def msg(sender: str, body: str, *, conv: str | None = None, **kw: object) -> ChatMessage:
    fields: dict[str, object] = {
        "type": "chat",
        "is_historical": False,
        "timestamp": T0 + 1,
    }
    fields.update(kw)
    return ChatMessage(
        conv or f"{sender}@eu1.pvp.net",
        "1",
        body,
        sender,
        str(fields["type"]),
        bool(fields["is_historical"]),
        fields["timestamp"],  # type: ignore[arg-type]
    )


def test_the_smaller_puuid_invites_friends_in_the_lobby_once() -> None:
    core = ChatHandshake(B, T0)
    # C is a friend in the lobby (B < C: B invites); A is smaller (A invites B); D a stranger
    assert core.invites_to_send({A, C}, {A, B, C, "dddd-4"}, set()) == [SendInvite(C)]
    assert core.invites_to_send({A, C}, {A, B, C, "dddd-4"}, set()) == []  # one, unanswered
    assert core.invites_to_send({A}, {A, B, C}, set()) == []
    core.linked(C)
    assert core.invites_to_send({C}, {C}, {C}) == []  # linked: nothing to send


def test_an_answer_completes_only_an_open_invite() -> None:
    core = ChatHandshake(A, T0)
    token = "wpa" + "x" * 40
    assert core.receive(msg(B, encode_chat(ChatKind.ANSWER, token)), "chat", {B}, {B}) == (
        Ignored("no invite of ours is waiting for this answer")
    )
    core.invites_to_send({B}, {B}, set())
    got = core.receive(msg(B, encode_chat(ChatKind.ANSWER, token)), "chat", {B}, {B})
    assert got == AcceptAnswer(B, token)


INVITE = encode_chat(ChatKind.INVITE, "wpi" + "y" * 30)


@pytest.mark.parametrize(
    ("message", "kind", "friends", "lobby", "reason"),
    [
        (msg(A, "hello"), "chat", {A}, {A}, "not a party mode message"),
        (msg(A, INVITE, is_historical=True), "chat", {A}, {A}, "a message from the chat"),
        (msg(A, INVITE, timestamp=T0 - 60), "chat", {A}, {A}, "older than this party"),
        (msg(A, INVITE, type="groupchat"), "lobby", {A}, {A}, "not a direct message"),
        (msg(A, INVITE, conv="party@sec.pvp.net"), "chat", {A}, {A}, "the conversation is not"),
        (msg(A, INVITE), "chat", {C}, {A}, "not on my friend list"),
        (msg(A, INVITE), "chat", {A, C}, {C}, "not in my lobby"),
        (msg(C, INVITE), "chat", {C}, {C}, "an invite from the side"),
        (msg(B, INVITE), "chat", {A}, {A}, "our own message"),
    ],
)
def test_messages_that_do_not_count(
    message: ChatMessage, kind: str, friends: set[str], lobby: set[str], reason: str
) -> None:
    core = ChatHandshake(B, T0)
    got = core.receive(message, kind, friends, lobby)
    assert isinstance(got, Ignored) and got.reason.startswith(reason), got
    assert isinstance(core.receive(msg(A, INVITE), "chat", {A}, {A}), AcceptInvite)


def test_one_answer_per_invite() -> None:
    core = ChatHandshake(B, T0)
    first = encode_chat(ChatKind.INVITE, "wpi" + "1" * 30)
    assert core.receive(msg(A, first), "chat", {A}, {A}) == AcceptInvite(A, "wpi" + "1" * 30)
    assert core.receive(msg(A, first), "chat", {A}, {A}) == Ignored("answered already")
    newer = encode_chat(ChatKind.INVITE, "wpi" + "2" * 30)  # a flood, or the inviter restarted
    assert core.receive(msg(A, newer), "chat", {A}, {A}) == Ignored("answered already")
    assert core.answered() == {A}
    core.failed(A)  # the shell: our answer's link is gone
    assert core.receive(msg(A, newer), "chat", {A}, {A}) == AcceptInvite(A, "wpi" + "2" * 30)
    assert core.receive(msg(A, first), "chat", {A}, {A}) == Ignored("answered already")


def test_the_message_format_is_one_human_line_and_the_token() -> None:
    body = encode_chat(ChatKind.INVITE, "wpiABC")
    first, _token_line = body.splitlines()
    assert "ignore if you don't use it" in first
    assert decode_chat(body) == (ChatKind.INVITE, "wpiABC")
    assert decode_chat("hello") is None
    assert decode_chat("[party-mode v1] nonsense wpiABC") is None
    with pytest.raises(ValueError):
        encode_chat(ChatKind.ANSWER, "two words")


def test_message_events_parse_as_the_client_sends_them() -> None:
    uri = "/lol-chat/v1/conversations/abc%40eu1.pvp.net/messages/1700000000000%3A1"
    assert message_uri(uri) == ("abc@eu1.pvp.net", "1700000000000:1")
    assert message_uri("/lol-chat/v1/conversations/abc") is None
    data = {
        "body": "hi",
        "fromId": "ABC@eu1.pvp.net",
        "fromPid": "ABC@eu1.pvp.net",
        "fromSummonerId": 1,
        "id": "1",
        "isHistorical": False,
        "timestamp": "2026-12-01T21:00:00.000Z",
        "type": "chat",
    }
    parsed = parse_message("abc@eu1.pvp.net", data)
    assert parsed is not None and parsed.sender == "abc" and parsed.timestamp is not None
    assert parse_message("x", {"body": 3}) is None
