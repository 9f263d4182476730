"""The process-wide punching budget: one for all links (docs/nat.md, "The punching budget").

Pure (``now`` passed in, no I/O). Two parts, shared by every link of the process:

- ``SocketPool``: at most ``MAX_SOCKETS`` extra sockets held by the hard sides of all links
  together. Each punching link joins with a lease; its fair share is the limit divided by the
  number of leases, so a link that came first gives sockets back (closes its newest ones)
  when another one joins, and takes them again when that one leaves.
- ``PacketPacer``: at most ``MAX_RATE`` punching packets per second from all links together,
  counted per packet (one per socket per port), not per port. Every packet reserves the next
  free slot, ``1 / rate`` after the previous one; links reserve one packet at a time, so
  concurrent links take turns (a fair share of the rate).

The punching code (``webrtc_party.punch``) holds no socket and sends no packet outside them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

__all__ = ["MAX_RATE", "MAX_SOCKETS", "PacketPacer", "PunchBudget", "SocketPool", "budget"]

MAX_SOCKETS = 256  # extra sockets, all links together (issue 13: <= 256)
MAX_RATE = 100.0  # punching packets per second, all links together (issue 13: <= 100)


class SocketPool:
    """Extra sockets held by all links; leases get a fair share of ``limit``."""

    def __init__(self, limit: int = MAX_SOCKETS) -> None:
        if limit < 1:
            raise ValueError(f"a socket pool needs a limit of at least 1, not {limit}")
        self.limit = limit
        self._held: dict[int, int] = {}  # lease -> sockets held
        self._ids = itertools.count(1)
        self.peak = 0  # the most ever held at once, all leases together

    @property
    def held(self) -> int:
        return sum(self._held.values())

    @property
    def leases(self) -> int:
        return len(self._held)

    def join(self) -> int:
        lease = next(self._ids)
        self._held[lease] = 0
        return lease

    def leave(self, lease: int) -> None:
        """Everything the lease held is given back (its sockets are closed by then)."""
        self._held.pop(lease, None)

    def share(self) -> int:
        """The fair share of one lease now."""
        return self.limit // max(1, len(self._held))

    def held_by(self, lease: int) -> int:
        return self._held.get(lease, 0)

    def take(self, lease: int) -> bool:
        """One more socket for ``lease`` if within its share and the limit; True if granted."""
        if lease not in self._held:
            return False
        if self._held[lease] >= self.share() or self.held >= self.limit:
            return False
        self._held[lease] += 1
        self.peak = max(self.peak, self.held)
        return True

    def give(self, lease: int, count: int = 1) -> None:
        if lease in self._held:
            self._held[lease] = max(0, self._held[lease] - count)

    def excess(self, lease: int) -> int:
        """How many sockets ``lease`` holds beyond its share (to close now)."""
        return max(0, self._held.get(lease, 0) - self.share())


@dataclass
class PacketPacer:
    """At most ``rate`` packets per second in all: each packet reserves the next slot."""

    rate: float = MAX_RATE
    _next: float = field(default=float("-inf"), init=False, repr=False)
    reserved: int = field(default=0, init=False)
    users: int = field(default=0, init=False)  # links punching now (for the log)

    def __post_init__(self) -> None:
        if not self.rate > 0:
            raise ValueError(f"a packet pacer needs a positive rate, not {self.rate}")

    def reserve(self, now: float) -> float:
        """Reserve one packet's slot; returns how long to wait (seconds) before sending it."""
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate
        self.reserved += 1
        return slot - now


@dataclass
class PunchBudget:
    sockets: SocketPool = field(default_factory=SocketPool)
    packets: PacketPacer = field(default_factory=PacketPacer)


_BUDGET = PunchBudget()


def budget() -> PunchBudget:
    """The process's one budget."""
    return _BUDGET
