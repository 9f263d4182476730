"""The link heartbeat without I/O: its wire format and its timing, ``now`` passed in.

The heartbeat rides on the link's unreliable channel 1 (docs/link.md, "States").
Version 1 of the wire format is three texts, the same bytes webrtc-party 0.1.0 sends:

| text | meaning |
|---|---|
| ``ping <n>`` | are you there? ``n``: 1 to 20 digits, chosen by the sender |
| ``pong <n>`` | the answer to ``ping <n>``; its round trip is the link's ``rtt_ms`` |
| ``bye`` | the sender closes the link |

A later version prefixes its texts with ``v<version> ``; version 1 writes no prefix.
A text over ``MAX_BEAT`` characters, of another version, or of an unknown kind
decodes to ``None``: it is ignored (it still shows that the peer is there).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "MAX_BEAT",
    "MAX_PINGS",
    "RTT_REFRESH",
    "VERSION",
    "Beat",
    "BeatPing",
    "BeatPong",
    "Bye",
    "Heartbeat",
    "SendPing",
    "Vanished",
    "decode_beat",
    "encode_beat",
]

VERSION = 1
MAX_BEAT = 64  # characters; version 1 texts are at most 25
MAX_SEQ_DIGITS = 20
MAX_PINGS = 64  # pings awaiting their pong; the oldest is forgotten first
RTT_REFRESH = 10.0  # seconds between pings on a busy link, to keep rtt_ms current


@dataclass(frozen=True)
class BeatPing:
    seq: int

    def __post_init__(self) -> None:
        if not 0 <= self.seq < 10**MAX_SEQ_DIGITS:
            raise ValueError(f"a heartbeat number has 1 to {MAX_SEQ_DIGITS} digits")


@dataclass(frozen=True)
class BeatPong:
    seq: int

    def __post_init__(self) -> None:
        if not 0 <= self.seq < 10**MAX_SEQ_DIGITS:
            raise ValueError(f"a heartbeat number has 1 to {MAX_SEQ_DIGITS} digits")


@dataclass(frozen=True)
class Bye:
    pass


Beat = BeatPing | BeatPong | Bye


def encode_beat(beat: Beat) -> str:
    """The version-1 text of ``beat``."""
    match beat:
        case BeatPing(seq):
            return f"ping {seq}"
        case BeatPong(seq):
            return f"pong {seq}"
        case Bye():
            return "bye"


def decode_beat(text: str | bytes) -> Beat | None:
    """The beat in ``text``; ``None`` for anything this version does not know."""
    if not isinstance(text, str) or len(text) > MAX_BEAT:
        return None
    kind, _, arg = text.partition(" ")
    if kind.startswith("v") and kind[1:].isdigit():  # a versioned text: not ours
        return None
    if kind == "bye" and not arg:
        return Bye()
    if kind in ("ping", "pong") and _is_seq(arg):
        return BeatPing(int(arg)) if kind == "ping" else BeatPong(int(arg))
    return None


def _is_seq(arg: str) -> bool:
    return 0 < len(arg) <= MAX_SEQ_DIGITS and arg.isascii() and arg.isdigit()


@dataclass(frozen=True)
class SendPing:
    ping: BeatPing


@dataclass(frozen=True)
class Vanished:
    quiet: float  # seconds without a sign of the peer

    @property
    def reason(self) -> str:
        return f"no sign of the peer for {self.quiet:.1f} s"


class Heartbeat:
    """When to ping and when the peer is gone, for one open link.

    Any packet from the peer counts as a sign of life (``heard``), so a ping goes
    out only after two quiet intervals, or every ``RTT_REFRESH`` seconds to keep
    ``rtt_ms`` current. ``tick`` runs every ``interval``; a silent peer is
    reported after ``timeout`` plus at most one interval.
    """

    def __init__(self, interval: float, timeout: float, now: float) -> None:
        if timeout <= interval:
            raise ValueError("the heartbeat timeout must be longer than its interval")
        self.interval = interval
        self.timeout = timeout
        self.rtt_ms: float | None = None
        self._last_heard = now
        self._last_ping: float | None = None
        self._next_seq = 0
        self._pings: dict[int, float] = {}

    def heard(self, now: float) -> None:
        """A packet came from the peer."""
        self._last_heard = max(self._last_heard, now)

    def tick(self, now: float) -> SendPing | Vanished | None:
        """What to do now: send a ping, report the peer gone, or nothing."""
        quiet = max(0.0, now - self._last_heard)
        if quiet > self.timeout:
            return Vanished(quiet)
        due = self._last_ping is None or now - self._last_ping >= RTT_REFRESH
        if quiet < 2 * self.interval and not due:
            return None
        self._last_ping = now
        seq = self._next_seq
        self._next_seq += 1
        self._pings[seq] = now
        if len(self._pings) > MAX_PINGS:
            self._pings.pop(min(self._pings))
        return SendPing(BeatPing(seq))

    def pong(self, pong: BeatPong, now: float) -> float | None:
        """A pong came: the round trip in ms (also kept in ``rtt_ms``), None if unknown."""
        sent = self._pings.pop(pong.seq, None)
        if sent is None or now < sent:
            return None
        self.rtt_ms = round((now - sent) * 1000, 2)
        return self.rtt_ms
