"""The lab's addresses, router rulesets and coturn configuration (pure text, no I/O)."""

from __future__ import annotations

import enum
import re
from pathlib import Path

__all__ = [
    "BINARIES",
    "DMZ_HOST",
    "EXPECTED_BEHAVIOUR",
    "GATEWAY_IP",
    "HOSTS",
    "LAN_GATEWAY",
    "ROUTERS",
    "STUN_IP",
    "STUN_IP2",
    "STUN_PORT",
    "TURN_PASSWORD",
    "TURN_USER",
    "LabError",
    "NatMode",
    "coturn_config",
    "firewall6_ruleset",
    "nat_ruleset",
    "parse_natdiscovery",
]

GATEWAY_IP = "203.0.113.1"
STUN_IP = "203.0.113.10"
STUN_IP2 = "203.0.113.11"
STUN_PORT = 3478
TURN_USER = "natlab"
TURN_PASSWORD = "natlab-secret"
LAN_GATEWAY = "192.168.1.1"
ROUTERS = {"ra": "203.0.113.101", "rb": "203.0.113.102"}
# host -> (router, address); the first host of each router is its 1:1 NAT ("DMZ") host
HOSTS = {"a": ("ra", "192.168.1.10"), "a2": ("ra", "192.168.1.11"), "b": ("rb", "192.168.1.20")}
DMZ_HOST = {"ra": "a", "rb": "b"}
BINARIES = ("ip", "nft", "conntrack", "turnserver", "tc", "bridge")


class LabError(RuntimeError):
    """The lab could not be built or a lab command failed."""


class NatMode(enum.StrEnum):
    """Router behaviours (RFC 4787 mapping / filtering)."""

    PRC = "prc"  # endpoint-independent mapping, address+port-dependent filtering
    SYM = "sym"  # address+port-dependent mapping (random port per destination)
    FULL = "full"  # endpoint-independent mapping and filtering (1:1 NAT)
    ARC = "arc"  # endpoint-independent mapping, address-dependent filtering
    SEQ = "seq"  # a new port per destination, each the previous one plus 1; port-dependent


SEQ_FIRST_PORT = 20000  # seq routers hand out ports from here, one more per new mapping
SEQ_PORTS = 2000


def _sequential_snat(wan_ip: str) -> str:
    """UDP source NAT whose port is a counter: every new flow gets the next port.

    (nftables' ``numgen inc`` as a port offset lands in the wrong byte order, so a map.)"""
    entries = ", ".join(f"{i} : {SEQ_FIRST_PORT + i}" for i in range(SEQ_PORTS))
    return (
        f'oifname "wan0" meta l4proto udp snat ip to {wan_ip} : '
        f"numgen inc mod {SEQ_PORTS} map {{ {entries} }}\n    "
        'oifname "wan0" masquerade'
    )


def nat_ruleset(mode: NatMode, wan_ip: str, dmz_ip: str) -> str:
    """The nftables ruleset of one router (pure; replaces the router's whole ruleset).

    The input chain drops unsolicited WAN packets: without it, an early check from the far
    peer creates a conntrack entry on the router and masquerade then moves the home peer's
    port, which turns a cone NAT into a symmetric one.
    """
    one_to_one = mode in (NatMode.FULL, NatMode.ARC)
    if mode is NatMode.FULL:
        inbound = f'iifname "wan0" meta l4proto udp dnat ip to {dmz_ip}'
    elif mode is NatMode.ARC:
        inbound = (
            f'iifname "wan0" meta l4proto udp ip saddr . udp dport @talked dnat ip to {dmz_ip}'
        )
    else:
        inbound = ""
    if one_to_one:
        outbound = (
            f'oifname "wan0" ip saddr {dmz_ip} snat ip to {wan_ip}\n    oifname "wan0" masquerade'
        )
    elif mode is NatMode.SYM:
        outbound = 'oifname "wan0" masquerade fully-random'
    elif mode is NatMode.SEQ:
        outbound = _sequential_snat(wan_ip)
    else:
        outbound = 'oifname "wan0" masquerade'
    remember = (
        ('iifname "lan0" oifname "wan0" meta l4proto udp update @talked { ip daddr . udp sport }')
        if mode is NatMode.ARC
        else ""
    )
    return f"""flush ruleset
table ip natlab {{
  set talked {{ type ipv4_addr . inet_service; flags dynamic,timeout; timeout 5m; }}
  chain prerouting {{
    type nat hook prerouting priority dstnat; policy accept;
    {inbound}
  }}
  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    {outbound}
  }}
  chain input {{
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname != "wan0" accept
  }}
  chain forward {{
    type filter hook forward priority filter; policy drop;
    {remember}
    ct state established,related accept
    iifname "lan0" accept
    ct status dnat accept
  }}
}}
"""


def firewall6_ruleset() -> str:
    """A home router's IPv6 side (added after ``nat_ruleset`` when the lab is dual-stack):
    no translation, a stateful firewall that forwards what the home started and drops every
    unsolicited inbound packet, as most home and mobile routers do."""
    return """table ip6 natlab6 {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    meta l4proto ipv6-icmp accept
    iifname != "wan0" accept
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan0" accept
  }
}
"""


# what RFC 5780 discovery (coturn's turnutils_natdiscovery) must report for each mode
EXPECTED_BEHAVIOUR = {
    NatMode.PRC: ("endpoint independent", "address and port dependent"),
    NatMode.SYM: ("address and port dependent", "address and port dependent"),
    NatMode.FULL: ("endpoint independent", "endpoint independent"),
    NatMode.ARC: ("endpoint independent", "address dependent"),
    NatMode.SEQ: ("address and port dependent", "address and port dependent"),
}


def parse_natdiscovery(text: str) -> tuple[str | None, str | None]:
    """(mapping, filtering) from turnutils_natdiscovery's report, lower case."""
    found = dict.fromkeys(("mapping", "filtering"), None)
    for m in re.finditer(r"NAT with (.+?) (Mapping|Filtering)!", text):
        found[m.group(2).lower()] = m.group(1).lower()
    return found["mapping"], found["filtering"]


def coturn_config(state: Path) -> str:
    return "\n".join(
        [
            f"listening-ip={STUN_IP}",
            f"listening-ip={STUN_IP2}",
            f"relay-ip={STUN_IP}",
            f"listening-port={STUN_PORT}",
            f"alt-listening-port={STUN_PORT + 1}",
            "min-port=49152",
            "max-port=49999",
            "realm=natlab.test",
            "lt-cred-mech",
            f"user={TURN_USER}:{TURN_PASSWORD}",
            "fingerprint",
            "no-tls",
            "no-dtls",
            "no-cli",
            "no-tcp-relay",
            # a relay must never reach private networks (production hardening, harmless here)
            "denied-peer-ip=10.0.0.0-10.255.255.255",
            "denied-peer-ip=172.16.0.0-172.31.255.255",
            "denied-peer-ip=192.168.0.0-192.168.255.255",
            f"userdb={state / 'turndb'}",
            f"pidfile={state / 'turnserver.pid'}",
            f"log-file={state / 'turnserver.log'}",
            "simple-log",
            "",
        ]
    )
