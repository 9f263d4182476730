"""Coalesce fast-changing local state (carousel scrolling) into few messages.

The first change after a quiet period goes out at once; further changes within
``settle`` seconds of the last send are held, and only the latest held value is
sent once ``settle`` has passed. The latest value is therefore always
delivered, at most one message per ``settle`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Coalescer"]

T = TypeVar("T")


@dataclass
class Coalescer(Generic[T]):
    settle: float
    _sent: T | None = None
    _has_sent: bool = False
    _last_sent_at: float | None = None
    _pending: T | None = None
    _has_pending: bool = False

    def offer(self, value: T, now: float) -> T | None:
        """Record ``value``; return it if it should be sent right now."""
        if self._has_sent and value == self._sent and not self._has_pending:
            return None
        self._pending, self._has_pending = value, True
        return self.poll(now)

    def poll(self, now: float) -> T | None:
        """Return the held value if its settle time has passed, else ``None``."""
        if not self._has_pending:
            return None
        if self._last_sent_at is not None and now - self._last_sent_at < self.settle:
            return None
        value = self._pending
        self._pending, self._has_pending = None, False
        self._last_sent_at = now
        if self._has_sent and value == self._sent:
            return None
        self._sent, self._has_sent = value, True
        return value

    def deadline(self) -> float | None:
        """When ``poll`` will next have something to send, if anything is held."""
        if not self._has_pending:
            return None
        return self._last_sent_at + self.settle if self._last_sent_at is not None else 0.0
