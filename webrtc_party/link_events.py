"""What a link reports to its owner: states, paths and events (plain data)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "CloseCode",
    "Closed",
    "LinkEvent",
    "LinkState",
    "Opened",
    "PathKind",
    "Received",
    "describe_pair",
]


class LinkState(enum.Enum):
    NEW = "new"
    GATHERING = "gathering"
    WAITING = "waiting"  # invite out, waiting for the pasted answer
    CONNECTING = "connecting"
    OPEN = "open"  # messages flow and the heartbeat is answered
    CLOSED = "closed"


class PathKind(enum.Enum):
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
    path: PathKind
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


class _Candidate(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...


def describe_pair(pair: tuple[_Candidate, _Candidate] | None) -> tuple[PathKind, str, str]:
    """The path of the selected ICE pair (local, remote), and each side as "type ip:port"."""
    if pair is None:
        return PathKind.HOST, "?", "?"
    lc, rc = pair
    local, remote = f"{lc.type} {lc.host}:{lc.port}", f"{rc.type} {rc.host}:{rc.port}"
    if "relay" in (lc.type, rc.type):
        return PathKind.RELAY, local, remote
    if rc.type in ("srflx", "prflx"):
        return PathKind(rc.type), local, remote
    return PathKind.HOST, local, remote
