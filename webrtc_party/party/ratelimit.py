"""A token bucket driven by the caller's clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K")

__all__ = ["Budgets", "TokenBucket"]


@dataclass
class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; starts full."""

    rate: float
    burst: float
    _tokens: float = field(init=False)
    _at: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._tokens = self.burst

    def take(self, now: float, cost: float = 1.0) -> bool:
        """Spend ``cost`` tokens at time ``now``; False (nothing spent) if too few."""
        if self._at is not None and now > self._at:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        if self._at is None or now > self._at:
            self._at = now
        if self._tokens < cost:
            return False
        self._tokens -= cost
        return True


class Budgets(Generic[K]):
    """One ``TokenBucket`` per key (per origin member), created on first use."""

    def __init__(self, rate: float, burst: float) -> None:
        self._rate, self._burst = rate, burst
        self._buckets: dict[K, TokenBucket] = {}

    def take(self, key: K, now: float) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self._rate, self._burst)
        return bucket.take(now)

    def forget(self, key: K) -> None:
        self._buckets.pop(key, None)
