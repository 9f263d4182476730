"""Per-link bookkeeping of the party core: identity, heartbeat, abuse counters."""

from __future__ import annotations

from dataclasses import dataclass, field

from webrtc_party.party.model import MemberId
from webrtc_party.party.ratelimit import TokenBucket

__all__ = ["Link"]

MAX_OUTSTANDING_PINGS = 4
RTT_WEIGHT = 0.25


@dataclass
class Link:
    link_id: str
    opened_at: float
    bucket: TokenBucket
    hello_sent_at: float
    member: MemberId | None = None
    identified_at: float | None = None
    got_ping: bool = False
    next_ping_at: float = 0.0
    next_sync_at: float = 0.0
    ping_seq: int = 0
    pings: dict[int, float] = field(default_factory=dict)
    last_pong_at: float | None = None
    rtt: float | None = None
    violations: int = 0
    closing: bool = False

    def alive(self, now: float, timeout: float) -> bool:
        """True if a heartbeat was answered within ``timeout`` seconds."""
        if self.closing or self.last_pong_at is None:
            return False
        return now - self.last_pong_at <= timeout

    def new_ping(self, now: float) -> int:
        self.ping_seq += 1
        self.pings[self.ping_seq] = now
        while len(self.pings) > MAX_OUTSTANDING_PINGS:
            del self.pings[min(self.pings)]
        return self.ping_seq

    def pong(self, ping_id: int, now: float) -> bool:
        sent = self.pings.pop(ping_id, None)
        if sent is None:
            return False
        sample = max(0.0, now - sent)
        self.rtt = sample if self.rtt is None else self.rtt + RTT_WEIGHT * (sample - self.rtt)
        self.last_pong_at = now
        return True
