"""Settings shared by the link, the party and the CLI: ICE servers, deadlines, TTLs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from signaling.token import DEFAULT_TTL, MAX_TTL
from webrtc_party.errors import ConfigError
from webrtc_party.interfaces import InterfacePolicy

__all__ = [
    "DEFAULT_STUN_SERVERS",
    "ENV_INTERFACES",
    "ENV_STUN",
    "ENV_TURN",
    "ENV_TURN_PASSWORD",
    "ENV_TURN_USER",
    "IceServer",
    "LinkConfig",
    "link_config_from_env",
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
    token_ttl: int = DEFAULT_TTL
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


# -- the environment (Rose starts the party with no command line) ---------------------------

ENV_STUN = "WEBRTC_PARTY_STUN"  # "none" or comma-separated stun: URLs
ENV_INTERFACES = "WEBRTC_PARTY_INTERFACES"  # comma-separated names/IPs, as --interface
ENV_TURN = "WEBRTC_PARTY_TURN"  # a turn:/turns: URL
ENV_TURN_USER = "WEBRTC_PARTY_TURN_USER"
ENV_TURN_PASSWORD = "WEBRTC_PARTY_TURN_PASSWORD"


def _items(name: str, value: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in value.split(","))
    if not all(items):
        raise ConfigError(f"{name}={value!r} has an empty item; separate values with commas")
    return items


def link_config_from_env(environ: Mapping[str, str], base: LinkConfig | None = None) -> LinkConfig:
    """``base`` (default: the defaults) with the ``WEBRTC_PARTY_*`` network overrides applied.

    Unset or empty variables change nothing; a bad value raises :class:`ConfigError` naming it.
    """
    config = base or LinkConfig()
    changes: dict[str, object] = {}
    stun = environ.get(ENV_STUN, "").strip()
    if stun.lower() == "none":
        changes["stun"] = ()
    elif stun:
        servers = []
        for url in _items(ENV_STUN, stun):
            if url.lower().startswith("turn"):
                raise ConfigError(f"{ENV_STUN} takes stun: URLs; put a TURN server in {ENV_TURN}")
            try:
                server = parse_ice_url(url)
            except ConfigError as exc:
                raise ConfigError(f"{ENV_STUN}: {exc}") from None
            if server.scheme != "stun":
                raise ConfigError(f"{ENV_STUN} takes stun: URLs; put a TURN server in {ENV_TURN}")
            servers.append(server)
        changes["stun"] = tuple(servers)
    interfaces = environ.get(ENV_INTERFACES, "").strip()
    if interfaces:
        only = _items(ENV_INTERFACES, interfaces)
        changes["interfaces"] = InterfacePolicy(
            allow_loopback=True, allow_link_local=True, only=only
        )
    turn = environ.get(ENV_TURN, "").strip()
    user = environ.get(ENV_TURN_USER) or None
    password = environ.get(ENV_TURN_PASSWORD)
    if turn:
        try:
            changes["turn"] = parse_ice_url(turn, user, password)
        except ConfigError as exc:
            raise ConfigError(
                f"{ENV_TURN}: {exc} (set {ENV_TURN_USER} and {ENV_TURN_PASSWORD})"
            ) from None
    elif user or password:
        raise ConfigError(f"{ENV_TURN_USER}/{ENV_TURN_PASSWORD} need {ENV_TURN}")
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]
