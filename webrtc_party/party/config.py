"""Tunable limits and timers of the party core (seconds, counts)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from webrtc_party.party.errors import FieldError
from webrtc_party.party.messages import MAX_MESSAGE_SIZE

__all__ = ["PartyConfig"]


@dataclass(frozen=True, slots=True)
class PartyConfig:
    """Every limit the core enforces; the defaults suit a party of up to 10."""

    max_members: int = 10
    max_message_size: int = MAX_MESSAGE_SIZE
    settle: float = 0.25
    ping_interval: float = 2.0
    alive_timeout: float = 6.0
    dead_timeout: float = 20.0
    hello_retry: float = 2.0
    hello_timeout: float = 20.0
    sync_interval: float = 10.0
    connect_grace: float = 15.0
    rate: float = 100.0
    """Messages per second a link may send (a message costs 1 + size // 4096)."""
    burst: float = 400.0
    origin_rate: float = 10.0
    """New states and introductions per second accepted from one origin (any path)."""
    origin_burst: float = 40.0
    max_violations: int = 10
    violation_decay: float = 60.0
    """Seconds after which one counted violation is forgiven."""
    max_pending_intros: int = 4
    intro_timeout: float = 30.0
    intro_backoff: float = 5.0
    intro_backoff_max: float = 120.0
    max_tombstones: int = 32

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not value > 0:
                raise FieldError(f"party setting {f.name} must be positive, not {value!r}")
        if self.max_members < 2:
            raise FieldError("a party needs room for at least 2 members")
        if self.alive_timeout <= self.ping_interval:
            raise FieldError("alive_timeout must be longer than ping_interval")
        if self.dead_timeout < self.alive_timeout:
            raise FieldError("dead_timeout must not be shorter than alive_timeout")
