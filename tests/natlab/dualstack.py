"""Dual-stack homes for the NAT lab: IPv6 beside the IPv4 NAT, no translation, behind each
home router's stateful firewall (``topology.firewall6_ruleset``).

    wan:  2001:db8::/64      ra wan0 ::101, rb wan0 ::102, the wan bridge ::1
    ra:   2001:db8:a::/64    a ::10, a2 ::11 (router ::1)
    rb:   2001:db8:b::/64    b ::20 (router ::1)

``enable(lab)`` turns it on (and re-applies both routers' modes with the IPv6 firewall);
``disable(lab)`` turns IPv6 off again everywhere, so the rest of the session's lab is
IPv4-only as before. Documentation addresses (2001:db8::/32) stand for global ones.
"""

from __future__ import annotations

import time

from .lab import NatLab
from .topology import HOSTS, ROUTERS, LabError

__all__ = ["HOST6", "WAN6", "disable", "enable"]

WAN6 = {"wan": "2001:db8::1", "ra": "2001:db8::101", "rb": "2001:db8::102"}
LAN6 = {"ra": "2001:db8:a::", "rb": "2001:db8:b::"}
HOST6 = {"a": "2001:db8:a::10", "a2": "2001:db8:a::11", "b": "2001:db8:b::20"}
NODES = ("wan", *ROUTERS, *HOSTS)


def _set_disabled(lab: NatLab, node: str, value: int) -> None:
    script = f"for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo {value} > $f; done"
    lab.exec_in(node, ["sh", "-c", script])


def _addr6(lab: NatLab, node: str, cidr: str, dev: str) -> None:
    lab.sh(["ip", "-n", lab.ns(node), "-6", "addr", "add", cidr, "dev", dev, "nodad"])


def enable(lab: NatLab) -> None:
    for node in NODES:
        _set_disabled(lab, node, 0)
    _addr6(lab, "wan", f"{WAN6['wan']}/64", "br0")
    for router in ROUTERS:  # the "ISP core" knows where each home's prefix lives
        route = [f"{LAN6[router]}/64", "via", WAN6[router]]
        lab.sh(["ip", "-n", lab.ns("wan"), "-6", "route", "add", *route])
    for router in ROUTERS:
        lab.exec_in(router, ["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
        _addr6(lab, router, f"{WAN6[router]}/64", "wan0")
        _addr6(lab, router, f"{LAN6[router]}1/64", "lan0")
        for other in ROUTERS:
            if other != router:
                route = [f"{LAN6[other]}/64", "via", WAN6[other]]
                lab.sh(["ip", "-n", lab.ns(router), "-6", "route", "add", *route])
    for host, (router, _) in HOSTS.items():
        _addr6(lab, host, f"{HOST6[host]}/64", "eth0")
        lab.sh(
            ["ip", "-n", lab.ns(host), "-6", "route", "add", "default", "via", f"{LAN6[router]}1"]
        )
    lab.ipv6 = True
    for router, mode in list(lab.modes.items()):
        lab.set_nat(router, mode)
    _settle(lab)


def _settle(lab: NatLab, wait_s: float = 5.0) -> None:
    """Until no address is still tentative: the link-local ones do duplicate address
    detection (~1-2 s) and neighbour discovery does not work before it ends."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        busy = [
            n for n in NODES if lab.exec_in(n, ["ip", "-6", "addr", "show", "tentative"]).stdout
        ]
        if not busy:
            return
        time.sleep(0.1)
    raise LabError(f"IPv6 addresses still tentative after {wait_s:g} s")


def disable(lab: NatLab) -> None:
    lab.ipv6 = False
    for node in NODES:
        _set_disabled(lab, node, 1)  # drops every IPv6 address and route
    for router in ROUTERS:
        lab.exec_in(router, ["sysctl", "-qw", "net.ipv6.conf.all.forwarding=0"])
    for router, mode in list(lab.modes.items()):
        lab.set_nat(router, mode)
