"""Settings shared by the link, the party and the CLI: ICE servers, deadlines, TTLs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from signaling.token import MAX_TTL
from webrtc_party.errors import ConfigError
from webrtc_party.interfaces import InterfacePolicy

__all__ = [
    "DEFAULT_STUN_SERVERS",
    "IceServer",
    "LinkConfig",
    "parse_ice_url",
]

# Well-known public STUN servers, queried in parallel; the first to answer wins.
DEFAULT_STUN_SERVERS: tuple[str, ...] = (
    "stun:stun.l.google.com:19302",
    "stun:stun.cloudflare.com:3478",
    "stun:stun1.l.google.com:19302",
    "stun:global.stun.twilio.com:3478",
)

_URL = re.compile(
    r"^(?P<scheme>stun|turn|turns):(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-]+)"
    r"(?::(?P<port>\d{1,5}))?(?:\?transport=(?P<transport>udp|tcp))?$"
)


@dataclass(frozen=True)
class IceServer:
    scheme: str  # stun | turn | turns
    host: str
    port: int
    transport: str = "udp"
    username: str | None = None
    password: str | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        base = f"{self.scheme}:{host}:{self.port}"
        return base if self.scheme == "stun" else f"{base}?transport={self.transport}"


def parse_ice_url(url: str, username: str | None = None, password: str | None = None) -> IceServer:
    """Parse ``stun:host[:port]`` or ``turn[s]:host[:port][?transport=udp|tcp]``."""
    m = _URL.match(url.strip())
    if m is None:
        raise ConfigError(
            f"{url!r} is not a STUN/TURN URL; expected stun:host[:port] or "
            "turn:host[:port][?transport=udp|tcp]"
        )
    scheme = m["scheme"]
    default_port = 5349 if scheme == "turns" else 3478
    port = int(m["port"]) if m["port"] else default_port
    if not 1 <= port <= 65535:
        raise ConfigError(f"port {port} in {url!r} is out of range")
    if scheme == "stun" and m["transport"]:
        raise ConfigError(f"{url!r}: STUN URLs take no transport")
    if scheme != "stun" and (not username or password is None):
        raise ConfigError(f"TURN server {url!r} needs a username and a password")
    transport = m["transport"] or ("tcp" if scheme == "turns" else "udp")
    return IceServer(scheme, m["host"].strip("[]"), port, transport, username, password)


@dataclass(frozen=True)
class LinkConfig:
    """How one link gathers, connects and watches its peer."""

    stun: tuple[IceServer, ...] = field(
        default_factory=lambda: tuple(parse_ice_url(u) for u in DEFAULT_STUN_SERVERS)
    )
    turn: IceServer | None = None
    relay_only: bool = False
    token_ttl: int = 600
    stun_timeout: float = 1.4  # budget to find a STUN server that answers (+setup < 1.5 s)
    gather_timeout: float = 1.5  # aioice's wait for srflx/relay candidates (stock 5 s)
    connect_timeout: float = 15.0  # once both descriptions are applied
    mapping_keepalive: float = 15.0  # refresh our NAT mapping while an invite waits
    heartbeat_interval: float = 1.0
    heartbeat_timeout: float = 5.0  # silent this long -> the peer is gone
    interfaces: InterfacePolicy = field(default_factory=InterfacePolicy)
    late_answer_fix: bool = True  # False only to measure stock aioice side by side

    def __post_init__(self) -> None:
        if self.relay_only and self.turn is None:
            raise ConfigError("--relay-only needs a TURN server (--turn)")
        if not 30 <= self.token_ttl <= MAX_TTL:
            raise ConfigError(f"the token lifetime must be between 30 and {MAX_TTL} seconds")
        if self.heartbeat_timeout <= self.heartbeat_interval:
            raise ConfigError("the heartbeat timeout must be longer than its interval")
        if self.turn is not None and self.turn.scheme == "stun":
            raise ConfigError("--turn needs a turn: or turns: URL")
