"""Per-link bookkeeping of the party core: identity, heartbeat, abuse counters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from webrtc_party.party.config import PartyConfig
from webrtc_party.party.events import CloseReason
from webrtc_party.party.messages import PROTOCOL_VERSION, Hello
from webrtc_party.party.model import MemberId
from webrtc_party.party.ratelimit import TokenBucket
from webrtc_party.party.signing import KeyRing

__all__ = [
    "LinkRecord",
    "hello_refusal",
    "intro_next_hops",
    "older_link_works",
    "timeout_refusal",
]

MAX_OUTSTANDING_PINGS = 4
RTT_WEIGHT = 0.25


KEY_NOT_REMEMBERED = "the key differs from the one remembered for this member"

@dataclass
class LinkRecord:
    """The core's record of one data channel (the shell's ``webrtc_party.link.Link``):
    who is behind it, its heartbeat, its sync timers and its abuse counters."""

    link_id: str
    opened_at: float
    bucket: TokenBucket
    hello_sent_at: float
    member: MemberId | None = None
    expect: MemberId | None = None
    """The member this link was made for (an introduction), if the shell knows it."""
    expect_key: bytes | None = None
    """The key that member must say hello with (remembered from an earlier party), if any:
    such a link gets none of our state before that hello."""
    hello_key: bytes | None = None
    identified_at: float | None = None
    got_ping: bool = False
    next_ping_at: float = 0.0
    next_sync_at: float = 0.0
    next_pull_at: float = 0.0
    pull_wait: float = 0.0
    ping_seq: int = 0
    pings: dict[int, float] = field(default_factory=dict)
    last_pong_at: float | None = None
    confirmed_at: float | None = None
    """When the member's own signed state, under the key of its hello, came over this link."""
    rtt: float | None = None
    violations: int = 0
    """Every bad message ever counted on this link."""
    score: int = 0
    """Violations not yet forgiven: one is forgiven every ``violation_decay`` seconds."""
    score_at: float = 0.0
    closing: bool = False

    @property
    def heard_at(self) -> float | None:
        """The last proof that the member is at the other end: a pong, or its signed state."""
        times = [t for t in (self.last_pong_at, self.confirmed_at) if t is not None]
        return max(times) if times else None

    def alive(self, now: float, timeout: float) -> bool:
        """True if, within ``timeout`` seconds, a heartbeat was answered or the member's
        signed state (after its hello) came over this link."""
        heard = self.heard_at
        if self.closing or heard is None:
            return False
        return now - heard <= timeout

    @property
    def rank(self) -> tuple[float, str]:
        """Older links rank lower: ``(identified_at, link_id)``."""
        return (self.identified_at if self.identified_at is not None else 0.0, self.link_id)

    def add_violation(self, now: float, decay: float) -> int:
        """Count one violation at ``now``; return how many are not yet forgiven."""
        self.violations += 1
        forgiven = int(max(0.0, now - self.score_at) / decay)
        if forgiven >= self.score:
            self.score, self.score_at = 0, now
        elif forgiven:
            self.score -= forgiven
            self.score_at += forgiven * decay
        self.score += 1
        return self.score

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


def hello_refusal(
    link: LinkRecord, hello: Hello, me: MemberId, keys: KeyRing, known: bool, full: bool
) -> tuple[CloseReason, str] | None:
    """Why a hello must close ``link``, or None if the peer may be who it says."""
    member = hello.identity.puuid
    if hello.version != PROTOCOL_VERSION:
        return CloseReason.VERSION, f"peer speaks protocol version {hello.version}"
    if member == me:
        return CloseReason.SELF_LINK, "the link leads back to this member"
    if link.expect is not None and member != link.expect:
        return CloseReason.IMPERSONATION, "the peer is not the member this link was made for"
    if link.expect_key is not None and hello.key != link.expect_key:
        return CloseReason.IMPERSONATION, KEY_NOT_REMEMBERED
    if link.member is not None and link.member != member:
        return CloseReason.IMPERSONATION, "the peer changed its identity"
    if not keys.admits(member, hello.key):
        return CloseReason.IMPERSONATION, "the key differs from the member's bound key"
    if not known and full:
        return CloseReason.PARTY_FULL, "the party is full"
    return None


def timeout_refusal(
    link: LinkRecord, now: float, config: PartyConfig
) -> tuple[CloseReason, str] | None:
    """Why ``link`` must be closed for silence, or None."""
    if link.member is None and now - link.opened_at >= config.hello_timeout:
        return CloseReason.NO_HELLO, "the peer never said hello"
    last = link.last_pong_at if link.last_pong_at is not None else link.identified_at
    if last is not None and now - last >= config.dead_timeout:
        return CloseReason.HEARTBEAT_TIMEOUT, "no heartbeat answered"
    return None


def intro_next_hops(
    links: Iterable[LinkRecord],
    target: MemberId,
    source: LinkRecord | None,
    now: float,
    timeout: float,
) -> list[LinkRecord]:
    """Where to send an introduction: the target's alive link, else every other member."""
    links = list(links)
    direct = [lk for lk in links if lk.member == target and lk.alive(now, timeout)]
    return direct or [
        lk for lk in links if lk is not source and lk.member is not None and not lk.closing
    ]


def older_link_works(
    links: Iterable[LinkRecord], link: LinkRecord, now: float, timeout: float
) -> bool:
    """Another link to ``link``'s member is alive and older: ``link`` is the duplicate."""
    return any(
        lk.member == link.member and lk.alive(now, timeout) and lk.rank < link.rank
        for lk in links
    )
