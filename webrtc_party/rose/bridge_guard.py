"""Who may talk to the UI bridge: the pure admission rules (no I/O), see docs/bridge.md.

A request is admitted when all of these hold:

- ``Host`` names this bridge (``127.0.0.1:<port>`` or ``localhost:<port>``): a page whose own
  host name was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name and is refused;
- ``Origin`` is the League client's page (``https://127.0.0.1:<any port>``: Pengu Loader runs
  plugins inside the client's main page, ``https://riot:<token>@127.0.0.1:<port>/index.html``,
  whose origin drops the user part) or one the owner named (``allowed_origins``, loopback
  only); ``Origin: null`` and every other origin are refused; a request without ``Origin`` is
  refused when it carries the fetch-metadata headers every current browser sends
  (``Sec-Fetch-*``), so only a program that is not a browser may omit it;
- where a key is needed, it is this launch's key (compared in constant time).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from yarl import URL

__all__ = [
    "CLIENT_ORIGIN_HOSTS",
    "KEY_PARAM",
    "BridgePolicy",
    "Refusal",
    "client_origin",
    "new_key",
    "normalize_origin",
]

CLIENT_ORIGIN_HOSTS = frozenset({"127.0.0.1"})  # the League client's page, as Pengu finds it
KEY_PARAM = "key"
MAX_ORIGIN = 200


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: an HTTP status and a short reason for the log and body."""

    status: int
    reason: str


def new_key() -> str:
    """A fresh per-launch key: 32 random bytes, URL-safe text."""
    return secrets.token_urlsafe(32)


def normalize_origin(origin: str) -> str | None:
    """``scheme://host[:port]`` in lower case, or None when it is not a web origin."""
    if len(origin) > MAX_ORIGIN:
        return None
    try:
        url = URL(origin)
    except (ValueError, TypeError):
        return None
    if url.scheme not in ("http", "https") or not url.host or url.path not in ("", "/"):
        return None
    if url.user is not None or url.query_string or url.fragment:
        return None
    try:
        port = url.explicit_port
    except ValueError:
        return None
    host = url.host.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{url.scheme}://{host}" + (f":{port}" if port is not None else "")


def client_origin(origin: str) -> bool:
    """The League client's own page: ``https://127.0.0.1`` with any port."""
    norm = normalize_origin(origin)
    if norm is None:
        return False
    url = URL(norm)
    return url.scheme == "https" and url.host in CLIENT_ORIGIN_HOSTS


def _loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class BridgePolicy:
    """The bridge's admission rules for one launch (its port and key)."""

    port: int
    key: str
    allowed_origins: frozenset[str] = frozenset()

    @classmethod
    def make(cls, port: int, key: str, allowed_origins: Iterable[str] = ()) -> BridgePolicy:
        """``allowed_origins``: loopback pages of our own (tests, a local tool); anything
        else is a configuration error (ValueError)."""
        extra = set()
        for origin in allowed_origins:
            norm = normalize_origin(origin)
            if norm is None or not _loopback_host(URL(norm).host or ""):
                raise ValueError(f"not a loopback web origin: {origin!r}")
            extra.add(norm)
        return cls(port, key, frozenset(extra))

    def hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    def origin_ok(self, origin: str) -> bool:
        norm = normalize_origin(origin)
        return norm is not None and (client_origin(norm) or norm in self.allowed_origins)

    def check(
        self, headers: Mapping[str, str], query_key: str | None, *, need_key: bool
    ) -> Refusal | None:
        """None when the request may go on; else why not. ``headers``: case-insensitive."""
        host = headers.get("Host")
        if host is None or host.lower() not in self.hosts():
            return Refusal(421, "wrong host")
        origin = headers.get("Origin")
        if origin is None:
            if any(name.lower().startswith("sec-fetch-") for name in headers):
                return Refusal(403, "a browser request without Origin")
        elif origin == "null":
            return Refusal(403, "Origin: null")
        elif not self.origin_ok(origin):
            return Refusal(403, "forbidden origin")
        if need_key and not (
            query_key is not None
            and hmac.compare_digest(
                query_key.encode("utf-8", "surrogatepass"), self.key.encode("utf-8")
            )
        ):
            return Refusal(401, "missing or wrong bridge key")
        return None
