"""Which local addresses become ICE host candidates.

aioice offers every address of every interface. Loopback, link-local and the
bridges of containers and virtual machines only leak addresses and add dead
candidate pairs, so they are skipped by default; tests restrict gathering to
loopback with ``only``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ifaddr

__all__ = ["InterfacePolicy", "LocalAddress", "host_addresses", "select_addresses"]

_VIRTUAL = re.compile(
    r"^(docker\d*|br-[0-9a-f]+|veth.*|virbr\d*|vmnet\d*|vboxnet\d*|lxcbr\d*|lxdbr\d*|cni\d*"
    r"|flannel.*|podman\d*|vnet\d*|vEthernet.*)$|virtualbox|vmware|hyper-v",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LocalAddress:
    interface: str
    ip: str
    description: str = ""  # Windows' friendly adapter name


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


def select_addresses(addresses: Iterable[LocalAddress], policy: InterfacePolicy) -> list[str]:
    """Pure filter: the IPs (in order, no duplicates) that ``policy`` allows."""
    chosen: list[str] = []
    for addr in addresses:
        ip = ipaddress.ip_address(addr.ip.split("%")[0])
        if policy.only:
            if addr.interface not in policy.only and str(ip) not in policy.only:
                continue
        else:
            if ip.is_loopback and not policy.allow_loopback:
                continue
            if ip.is_link_local and not policy.allow_link_local:
                continue
            if policy.skip_virtual and (
                _VIRTUAL.search(addr.interface) or _VIRTUAL.search(addr.description)
            ):
                continue
        if ip.version == 6 and not policy.ipv6:
            continue
        if ip.is_unspecified or ip.is_multicast:
            continue
        if str(ip) not in chosen:
            chosen.append(str(ip))
    return chosen


def _system_addresses() -> list[LocalAddress]:
    found: list[LocalAddress] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            text = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            found.append(LocalAddress(adapter.name, text, adapter.nice_name))
    return found


def host_addresses(policy: InterfacePolicy, *, use_ipv4: bool, use_ipv6: bool) -> list[str]:
    chosen = select_addresses(_system_addresses(), policy)
    return [
        ip
        for ip in chosen
        if (use_ipv4 and ipaddress.ip_address(ip).version == 4)
        or (use_ipv6 and ipaddress.ip_address(ip).version == 6)
    ]
