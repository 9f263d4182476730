"""The League-chat handshake, pure: who invites whom, and which chat messages count.

No I/O and no clock: the shell passes ``now`` and what the League client shows (my friends,
my lobby, who is linked already) and carries out the actions. The rules (docs/league-chat.md):

* The member with the smaller PUUID sends the invite; the other answers with ONE message.
* At most one unanswered invite per friend per party (the core lives as long as the party,
  across chat reconnects), and only to friends on my friend list who are in my premade lobby
  and not linked yet: never to strangers.
* ONE answer per friend at a time: once a friend's invite is answered, every further invite
  from them is ignored until ``linked()`` or ``failed()`` clears it (the shell calls
  ``failed()`` once that answer's link is gone, so a friend whose client restarted is answered
  again after the old link closed, never while it still stands).
* Only direct conversations with the sender count (never the lobby or champ-select rooms);
  messages that are historical, older than the party, our own echoes, or not in the party
  format are ignored.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

from webrtc_party.lcu.chat import ChatMessage, puuid_of

__all__ = [
    "ANSWERED",
    "HUMAN_LINE",
    "MARK",
    "NOT_IN_LOBBY",
    "AcceptAnswer",
    "AcceptInvite",
    "ChatHandshake",
    "ChatKind",
    "Ignored",
    "SendInvite",
    "decode_chat",
    "encode_chat",
]

MARK = "[party-mode v1]"
NOT_IN_LOBBY = "not in my lobby"
ANSWERED = "answered already"
HUMAN_LINE = "Party mode invite (Rose skin sync), ignore if you don't use it."
HUMAN_ANSWER = "Party mode answer (Rose skin sync), ignore if you don't use it."
MAX_TOKEN = 3000  # characters
SKEW = 5.0  # seconds of clock difference tolerated between us and the chat server


class ChatKind(enum.StrEnum):
    INVITE = "invite"
    ANSWER = "answer"


def encode_chat(kind: ChatKind, token: str) -> str:
    """One message: a line for the human who reads it, then the mark, the kind and the token."""
    if not token or any(c.isspace() for c in token) or len(token) > MAX_TOKEN:
        raise ValueError("a token is one word of at most 3000 characters")
    human = HUMAN_LINE if kind is ChatKind.INVITE else HUMAN_ANSWER
    return f"{human}\n{MARK} {kind.value} {token}"


def decode_chat(body: str) -> tuple[ChatKind, str] | None:
    """The kind and token of a party message; None for any other text."""
    for line in body.splitlines():
        if not line.startswith(MARK + " "):
            continue
        words = line[len(MARK) + 1 :].split()
        if len(words) != 2 or words[0] not in ChatKind.__members__.values():
            return None
        if len(words[1]) > MAX_TOKEN:
            return None
        return ChatKind(words[0]), words[1]
    return None


@dataclass(frozen=True)
class SendInvite:
    friend: str  # puuid


@dataclass(frozen=True)
class AcceptInvite:
    friend: str
    token: str


@dataclass(frozen=True)
class AcceptAnswer:
    friend: str
    token: str


@dataclass(frozen=True)
class Ignored:
    reason: str


Received = AcceptInvite | AcceptAnswer | Ignored


class ChatHandshake:
    """One party's chat handshakes (kept across chat reconnects while the party runs)."""

    def __init__(self, me: str, started_at: float) -> None:
        self.me = me.lower()
        self.started_at = started_at
        self._invited: dict[str, float] = {}  # friend -> when our open invite went out
        self._answered: dict[str, str] = {}  # friend -> the invite we answered (one at a time)
        self._sent: dict[str, int] = {}  # friend -> invites sent this session

    def invites_to_send(
        self, friends: Collection[str], lobby: Collection[str], linked: Collection[str]
    ) -> list[SendInvite]:
        """The invites to send now (each is then open until answered or forgotten)."""
        out = []
        for friend in sorted(p.lower() for p in lobby):
            if friend == self.me or friend not in friends or friend in linked:
                continue
            if not self.invites(friend) or friend in self._invited or self._sent.get(friend):
                continue
            self._invited[friend] = self.started_at
            self._sent[friend] = 1
            out.append(SendInvite(friend))
        return out

    def invites(self, friend: str) -> bool:
        """True when this side sends the invite to ``friend`` (the smaller PUUID does)."""
        return self.me < friend.lower()

    def open_invites(self) -> frozenset[str]:
        return frozenset(self._invited)

    def answered(self) -> frozenset[str]:
        """Friends whose invite we answered (their further invites are ignored for now)."""
        return frozenset(self._answered)

    def receive(
        self,
        msg: ChatMessage,
        conversation_type: str,
        friends: Collection[str],
        lobby: Collection[str],
    ) -> Received:
        """What to do with one incoming chat message."""
        sender = msg.sender
        if sender == self.me:
            return Ignored("our own message")
        if conversation_type != "chat" or msg.type != "chat":
            return Ignored("not a direct message")
        if puuid_of(msg.conversation_id) != sender:
            return Ignored("the conversation is not with its sender")
        if msg.is_historical:
            return Ignored("a message from the chat history")
        if msg.timestamp is None or msg.timestamp < self.started_at - SKEW:
            return Ignored("older than this party")
        decoded = decode_chat(msg.body)
        if decoded is None:
            return Ignored("not a party mode message")
        kind, token = decoded
        if sender not in friends:
            return Ignored("not on my friend list")
        if sender not in {p.lower() for p in lobby}:
            return Ignored(NOT_IN_LOBBY)
        if kind is ChatKind.INVITE:
            if self.invites(sender):
                return Ignored("an invite from the side that should answer")
            if sender in self._answered:  # the same invite again, or a flood of new ones
                return Ignored(ANSWERED)
            self._answered[sender] = token
            return AcceptInvite(sender, token)
        if sender not in self._invited:
            return Ignored("no invite of ours is waiting for this answer")
        del self._invited[sender]
        return AcceptAnswer(sender, token)

    def linked(self, friend: str) -> None:
        """A link with ``friend`` is up: a later drop may invite again."""
        friend = friend.lower()
        self._invited.pop(friend, None)
        self._answered.pop(friend, None)
        self._sent.pop(friend, None)

    def failed(self, friend: str) -> None:
        """Sending to or accepting from ``friend`` failed: that attempt is over."""
        self.linked(friend)
