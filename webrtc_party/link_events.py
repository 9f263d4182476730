"""What a link reports to its owner: states, paths and events (plain data)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["CloseCode", "Closed", "LinkEvent", "LinkState", "Opened", "Path", "Received"]


class LinkState(enum.Enum):
    NEW = "new"
    GATHERING = "gathering"
    WAITING = "waiting"  # invite out, waiting for the pasted answer
    CONNECTING = "connecting"
    OPEN = "open"  # messages flow and the heartbeat is answered
    CLOSED = "closed"


class Path(enum.Enum):
    """How the packets travel, from the ICE pair that was selected."""

    HOST = "host"  # same network, direct
    SRFLX = "srflx"  # through NATs by hole punching, addresses learned from STUN
    PRFLX = "prflx"  # through NATs, address learned from the peer's checks
    RELAY = "relay"  # through a TURN server


class CloseCode(enum.Enum):
    LOCAL = "local"  # we closed it
    PEER_CLOSED = "peer-closed"  # the peer said goodbye or closed its side
    VANISHED = "vanished"  # the heartbeat went unanswered
    CONNECT_TIMEOUT = "connect-timeout"  # no connection before the deadline
    EXPIRED = "expired"  # the token ran out before the other side answered
    FAILED = "failed"  # ICE or DTLS failed


@dataclass(frozen=True)
class Opened:
    path: Path
    open_ms: float  # from both descriptions applied (answer pasted) to channel open
    local: str  # "type ip:port" of the selected pair, for diagnostics
    remote: str


@dataclass(frozen=True)
class Received:
    text: str


@dataclass(frozen=True)
class Closed:
    code: CloseCode
    reason: str  # for people


LinkEvent = Opened | Received | Closed
