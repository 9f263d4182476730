"""Which local addresses become ICE host candidates.

aioice offers every address of every interface. Loopback, link-local and the
bridges of containers and virtual machines only leak addresses and add dead
candidate pairs, so they are skipped by default; tests restrict gathering to
loopback with ``only``. The adapter that carries the default route is never
skipped, whatever its name: on a Windows PC with a Hyper-V external switch the
LAN adapter *is* "vEthernet (...)", a "Hyper-V Virtual Ethernet Adapter".

Names, as ifaddr reports them: on Linux one name (``eth0``). On Windows the
adapter's name is a GUID (``{4D36E972-...}``), its ``nice_name`` the device
description ("Intel(R) Wi-Fi 6 AX201") and each IP's ``nice_name`` the
connection name the user knows ("Wi-Fi", "Ethernet"); ``only`` matches any of
them (the last two case-insensitively) or an IP address.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import ifaddr

__all__ = [
    "InterfacePolicy",
    "LocalAddress",
    "default_route_addresses",
    "host_addresses",
    "select_addresses",
    "system_addresses",
]

log = logging.getLogger(__name__)

# Routing look-ups only: connecting a UDP socket sends nothing (documentation addresses).
_ROUTE_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))

_VIRTUAL = re.compile(
    r"^(docker\d*|br-[0-9a-f]+|veth.*|virbr\d*|vmnet\d*|vboxnet\d*|lxcbr\d*|lxdbr\d*|cni\d*"
    r"|flannel.*|podman\d*|vnet\d*|vEthernet.*)$|virtualbox|vmware|hyper-v",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LocalAddress:
    """One address of one adapter. ``interface``: the system's name (a GUID on Windows)."""

    interface: str
    ip: str
    description: str = ""  # Windows: the device ("Hyper-V Virtual Ethernet Adapter")
    friendly: str = ""  # Windows: the connection name ("Wi-Fi", "vEthernet (External)")

    def names(self) -> tuple[str, str, str]:
        return self.interface, self.description, self.friendly

    def matches(self, wanted: str) -> bool:
        """Is ``wanted`` (an ``--interface`` value) this adapter's name, or this IP?"""
        if wanted == self.interface or wanted == self.ip.split("%")[0]:
            return True
        folded = wanted.strip().casefold()
        return bool(folded) and folded in (self.friendly.casefold(), self.description.casefold())


@dataclass(frozen=True)
class InterfacePolicy:
    """``only``: interface names or IP addresses to use, nothing else (overrides the rest)."""

    allow_loopback: bool = False
    allow_link_local: bool = False
    skip_virtual: bool = True
    ipv6: bool = True
    only: tuple[str, ...] = ()

    @classmethod
    def loopback_only(cls) -> InterfacePolicy:
        return cls(allow_loopback=True, ipv6=False, only=("127.0.0.1",))


def select_addresses(
    addresses: Iterable[LocalAddress],
    policy: InterfacePolicy,
    default_route: Collection[str] = (),
) -> list[str]:
    """Pure filter: the IPs (in order, no duplicates) that ``policy`` allows.

    ``default_route``: local IPs the default routes leave from; their adapters are never
    skipped as virtual."""
    addresses = list(addresses)
    routed = {a.interface for a in addresses if a.ip.split("%")[0] in default_route}
    chosen: list[str] = []
    for addr in addresses:
        ip = ipaddress.ip_address(addr.ip.split("%")[0])
        if policy.only:
            if not any(addr.matches(w) for w in policy.only):
                continue
        else:
            if ip.is_loopback and not policy.allow_loopback:
                continue
            if ip.is_link_local and not policy.allow_link_local:
                continue
            if (
                policy.skip_virtual
                and addr.interface not in routed
                and any(_VIRTUAL.search(n) for n in addr.names())
            ):
                continue
        if ip.version == 6 and not policy.ipv6:
            continue
        if ip.is_unspecified or ip.is_multicast:
            continue
        if str(ip) not in chosen:
            chosen.append(str(ip))
    return chosen


def system_addresses() -> list[LocalAddress]:
    """Every address of every adapter, with the names ifaddr knows for it."""
    found: list[LocalAddress] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            text = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            friendly = ip.nice_name if ip.nice_name != adapter.name else ""
            found.append(LocalAddress(adapter.name, text, adapter.nice_name, friendly))
    return found


def default_route_addresses() -> set[str]:
    """The local IPs that packets to the internet leave from (a routing look-up, no traffic)."""
    found: set[str] = set()
    for family, probe in _ROUTE_PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                found.add(str(sock.getsockname()[0]).split("%")[0])
        except OSError:  # no route of this family
            continue
    return found


def host_addresses(policy: InterfacePolicy, *, use_ipv4: bool, use_ipv6: bool) -> list[str]:
    addresses = system_addresses()
    chosen = select_addresses(addresses, policy, default_route_addresses())
    if policy.only and not chosen:
        known = sorted({n for a in addresses for n in (a.friendly, a.interface) if n})
        log.warning(
            "no address matches --interface %s; known interfaces: %s",
            ", ".join(policy.only),
            ", ".join(known) or "none",
        )
    return [
        ip
        for ip in chosen
        if (use_ipv4 and ipaddress.ip_address(ip).version == 4)
        or (use_ipv6 and ipaddress.ip_address(ip).version == 6)
    ]
