"""IPv6 where IPv4 is hopeless (docs/nat.md, "IPv6"): which IPv6 addresses a link offers, and
whether two tokens can meet over IPv6 at all. Pure functions.

Most mobile and CGNAT users have a global IPv6 address behind a stateful firewall: both
sides' checks toward each other's IPv6 host candidate open their own firewall, as with two
port-restricted cones, with no server at all. A typical adapter carries several IPv6
addresses (a stable one, temporary ones, a ULA); one per adapter is enough to reach it,
and every extra one costs the token 19 bytes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Sequence

from signaling.token import CandidateType, Token
from webrtc_party.interfaces import LocalAddress

__all__ = ["ipv6_may_connect", "one_ipv6_per_interface", "routable_ipv6"]

_ULA = ipaddress.ip_network("fc00::/7")


def routable_ipv6(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An IPv6 address a friend elsewhere could reach (documentation addresses count: the lab)."""
    return (
        ip.version == 6
        and not (ip.is_link_local or ip.is_loopback or ip.is_multicast or ip.is_unspecified)
        and ip not in _ULA
        and getattr(ip, "ipv4_mapped", None) is None
    )


def one_ipv6_per_interface(
    chosen: Sequence[str], addresses: Sequence[LocalAddress], preferred: Collection[str] = ()
) -> list[str]:
    """``chosen`` (in order) with at most one IPv6 address per adapter: a routable one before
    a ULA, and among those the one the default route leaves from (``preferred``), else the
    first. IPv4 addresses pass untouched."""
    adapter = {a.ip.split("%")[0]: a.interface for a in addresses}

    def rank(ip: str) -> tuple[int, int]:
        addr = ipaddress.ip_address(ip)
        return (0 if routable_ipv6(addr) else 1, 0 if ip in preferred else 1)

    best: dict[str, str] = {}
    for ip in chosen:
        if ipaddress.ip_address(ip).version != 6:
            continue
        key = adapter.get(ip, ip)
        if key not in best or rank(ip) < rank(best[key]):
            best[key] = ip
    keep = set(best.values())
    return [ip for ip in chosen if ipaddress.ip_address(ip).version == 4 or ip in keep]


def _has_routable_ipv6_host(token: Token) -> bool:
    return any(c.type is CandidateType.HOST and routable_ipv6(c.ip) for c in token.candidates)


def ipv6_may_connect(local: Token | None, remote: Token | None) -> bool:
    """Both tokens carry a routable IPv6 host candidate: ICE may still meet over IPv6."""
    return (
        local is not None
        and remote is not None
        and _has_routable_ipv6_host(local)
        and _has_routable_ipv6_host(remote)
    )
