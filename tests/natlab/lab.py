"""The NAT lab: real NAT routers built from network namespaces on one Linux machine.

Topology (every name carries a per-run prefix, so two runs never collide)::

    stun: coturn on 203.0.113.10 and .11 (two IPs: RFC 5780 discovery works)
      |
    wan: bridge "internet" 203.0.113.0/24; .1 is everyone's gateway and forwards nothing
      |                                   |
    ra: wan0 203.0.113.101              rb: wan0 203.0.113.102      (nftables NAT routers)
        lan0 192.168.1.1/24                 lan0 192.168.1.1/24     (same subnet on purpose)
      |            |                      |
    a 192.168.1.10   a2 192.168.1.11     b 192.168.1.20

Nothing is connected to the host's own network. Every process the lab starts is tracked by
PID and killed on ``down()``, which also deletes the namespaces; ``down()`` is registered with
``atexit`` and is safe to call twice.
"""

from __future__ import annotations

import asyncio
import atexit
import enum
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "EXPECTED_BEHAVIOUR",
    "GATEWAY_IP",
    "HOSTS",
    "ROUTERS",
    "STUN_IP",
    "STUN_IP2",
    "TURN_PASSWORD",
    "TURN_USER",
    "LabError",
    "NatLab",
    "NatMode",
    "missing_prerequisites",
    "nat_ruleset",
    "parse_natdiscovery",
    "remove_stale_labs",
]

log = logging.getLogger(__name__)

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


_STALE = re.compile(r"^wpnl(\d+)n\d+-\w+$")


def remove_stale_labs() -> list[str]:
    """Delete namespaces left by a lab whose test process died without teardown (SIGKILL).

    Only names of this lab's pattern whose owning PID is gone and that hold no process.
    """
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    removed = []
    for line in out.stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        m = _STALE.match(name)
        if not m or Path(f"/proc/{m.group(1)}").exists():
            continue
        pids = subprocess.run(
            ["ip", "netns", "pids", name], capture_output=True, text=True, check=False
        ).stdout.split()
        if not pids:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
            removed.append(name)
    return removed


def missing_prerequisites() -> list[str]:
    """Why this machine cannot build the lab (empty list: it can)."""
    why = []
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        why.append("not running as root")
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if missing:
        why.append(
            "missing binaries: " + ", ".join(missing) + " (Debian: nftables coturn "
            "conntrack iproute2)"
        )
    if not Path("/proc/self/ns/net").exists():
        why.append("kernel without network namespaces")
    return why


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


# what RFC 5780 discovery (coturn's turnutils_natdiscovery) must report for each mode
EXPECTED_BEHAVIOUR = {
    NatMode.PRC: ("endpoint independent", "address and port dependent"),
    NatMode.SYM: ("address and port dependent", "address and port dependent"),
    NatMode.FULL: ("endpoint independent", "endpoint independent"),
    NatMode.ARC: ("endpoint independent", "address dependent"),
}


def parse_natdiscovery(text: str) -> tuple[str | None, str | None]:
    """(mapping, filtering) from turnutils_natdiscovery's report, lower case."""
    found = dict.fromkeys(("mapping", "filtering"), None)
    for m in re.finditer(r"NAT with (.+?) (Mapping|Filtering)!", text):
        found[m.group(2).lower()] = m.group(1).lower()
    return found["mapping"], found["filtering"]


def _coturn_config(state: Path) -> str:
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


class NatLab:
    """Build, drive and tear down the lab. Use ``with NatLab() as lab:`` or ``up()``/``down()``."""

    _count = 0

    def __init__(self, prefix: str | None = None) -> None:
        NatLab._count += 1
        self.prefix = prefix or f"wpnl{os.getpid()}n{NatLab._count}"
        self.state = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.modes: dict[str, NatMode] = {}
        self.isolated = False
        self.verified: dict[NatMode, tuple[str | None, str | None]] = {}
        self._namespaces: list[str] = []
        self._popen: list[subprocess.Popen[Any]] = []
        self._aproc: list[asyncio.subprocess.Process] = []
        self._down = False
        self.coturn: subprocess.Popen[bytes] | None = None

    # -- names and commands ---------------------------------------------------------------
    def ns(self, node: str) -> str:
        """The namespace name of a lab node (wan, stun, ra, rb, a, a2, b)."""
        return f"{self.prefix}-{node}"

    def argv_in(self, node: str, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.ns(node), *argv]

    def sh(
        self,
        argv: Sequence[str],
        *,
        input_text: str | None = None,
        timeout: float = 20.0,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command to completion (on the host side: ip/bridge with -n, nft via exec)."""
        res = subprocess.run(
            list(argv),
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and res.returncode != 0:
            raise LabError(f"{' '.join(argv)} -> rc {res.returncode}: {res.stderr.strip()}")
        return res

    def exec_in(
        self, node: str, argv: Sequence[str], **kw: Any
    ) -> subprocess.CompletedProcess[str]:
        return self.sh(self.argv_in(node, argv), **kw)

    def run_in(self, node: str, argv: Sequence[str], **popen_kw: Any) -> subprocess.Popen[Any]:
        """Start a process inside a node's namespace; the lab kills it by PID on ``down()``.

        ``ip netns exec`` execs the command, so the returned PID is the command's own.
        """
        proc: subprocess.Popen[Any] = subprocess.Popen(self.argv_in(node, argv), **popen_kw)
        self._popen.append(proc)
        return proc

    async def arun_in(
        self, node: str, argv: Sequence[str], **kw: Any
    ) -> asyncio.subprocess.Process:
        """Like ``run_in`` for asyncio callers (stdin/stdout pipes by default)."""
        kw.setdefault("stdin", asyncio.subprocess.PIPE)
        kw.setdefault("stdout", asyncio.subprocess.PIPE)
        kw.setdefault("stderr", asyncio.subprocess.PIPE)
        proc = await asyncio.create_subprocess_exec(*self.argv_in(node, argv), **kw)
        self._aproc.append(proc)
        return proc

    # -- build ----------------------------------------------------------------------------
    def __enter__(self) -> NatLab:
        self.up()
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    def up(self) -> None:
        why = missing_prerequisites()
        if why:
            raise LabError("cannot build the NAT lab: " + "; ".join(why))
        atexit.register(self.down)
        t0 = time.monotonic()
        try:
            self._build()
        except BaseException:
            self.down()
            raise
        log.info("lab %s up in %.2f s", self.prefix, time.monotonic() - t0)

    def _add_ns(self, node: str) -> None:
        self.sh(["ip", "netns", "add", self.ns(node)])
        self._namespaces.append(self.ns(node))
        self.sh(["ip", "-n", self.ns(node), "link", "set", "lo", "up"])
        # IPv4 only: no IPv6 link-local candidates to wait for or to confuse a check
        for key in ("all", "default"):
            self.exec_in(
                node, ["sysctl", "-qw", f"net.ipv6.conf.{key}.disable_ipv6=1"], check=False
            )

    def _plug(self, node: str, ifname: str, switch_node: str, bridge: str, port: str) -> None:
        """A veth from ``node`` (named ``ifname``) to a port of ``bridge`` in ``switch_node``."""
        n, s = self.ns(node), self.ns(switch_node)
        self.sh(
            [
                "ip",
                "link",
                "add",
                ifname,
                "netns",
                n,
                "type",
                "veth",
                "peer",
                "name",
                port,
                "netns",
                s,
            ]
        )
        self.sh(["ip", "-n", s, "link", "set", port, "master", bridge, "up"])
        self.sh(["ip", "-n", n, "link", "set", ifname, "up"])

    def _addr(self, node: str, cidr: str, dev: str, gateway: str | None = None) -> None:
        self.sh(["ip", "-n", self.ns(node), "addr", "add", cidr, "dev", dev])
        if gateway:
            self.sh(["ip", "-n", self.ns(node), "route", "add", "default", "via", gateway])

    def _build(self) -> None:
        for node in ("wan", "stun", *ROUTERS, *HOSTS):
            self._add_ns(node)
        wan = self.ns("wan")
        self.sh(["ip", "-n", wan, "link", "add", "br0", "type", "bridge"])
        self.sh(["ip", "-n", wan, "link", "set", "br0", "up"])
        # the "ISP core": a gateway that routes nothing, so packets to private addresses
        # vanish as on the internet instead of failing with ENETUNREACH
        self._addr("wan", f"{GATEWAY_IP}/24", "br0")
        self.exec_in("wan", ["sysctl", "-qw", "net.ipv4.ip_forward=0"])
        self._plug("stun", "eth0", "wan", "br0", "p-stun")
        self._addr("stun", f"{STUN_IP}/24", "eth0", GATEWAY_IP)
        self._addr("stun", f"{STUN_IP2}/24", "eth0")
        for router, wan_ip in ROUTERS.items():
            self._plug(router, "wan0", "wan", "br0", f"p-{router}")
            self._addr(router, f"{wan_ip}/24", "wan0", GATEWAY_IP)
            r = self.ns(router)
            self.sh(["ip", "-n", r, "link", "add", "lan0", "type", "bridge"])
            self.sh(["ip", "-n", r, "link", "set", "lan0", "up"])
            self._addr(router, f"{LAN_GATEWAY}/24", "lan0")
            self.exec_in(router, ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
            self.set_nat(router, NatMode.PRC)
        for host, (router, ip) in HOSTS.items():
            self._plug(host, "eth0", router, "lan0", f"h-{host}")
            self._addr(host, f"{ip}/24", "eth0", LAN_GATEWAY)
        self._start_coturn()

    def _start_coturn(self) -> None:
        conf = self.state / "turnserver.conf"
        conf.write_text(_coturn_config(self.state))
        self.coturn = self.run_in(
            "stun",
            ["turnserver", "-c", str(conf), "--no-stdout-log"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        want = {f"{ip}:{port}" for ip in (STUN_IP, STUN_IP2) for port in (STUN_PORT, STUN_PORT + 1)}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.coturn.poll() is not None:
                raise LabError(
                    f"coturn exited with rc {self.coturn.returncode}; see "
                    f"{self.state / 'turnserver.log'}"
                )
            out = self.exec_in("stun", ["ss", "-Hlun"]).stdout
            if all(w in out for w in want):
                return
            time.sleep(0.05)
        raise LabError(f"coturn did not listen on {sorted(want)} within 10 s")

    # -- knobs ----------------------------------------------------------------------------
    def set_nat(self, router: str, mode: NatMode | str) -> None:
        """Replace a router's NAT behaviour and forget every existing mapping (conntrack)."""
        mode = NatMode(mode)
        dmz_ip = HOSTS[DMZ_HOST[router]][1]
        self.exec_in(
            router, ["nft", "-f", "-"], input_text=nat_ruleset(mode, ROUTERS[router], dmz_ip)
        )
        self.flush_conntrack(router)
        self.modes[router] = mode

    def flush_conntrack(self, router: str) -> None:
        self.exec_in(router, ["conntrack", "-F"])

    def set_isolation(self, on: bool) -> None:
        """Bridge port isolation on ra's LAN: a and a2 reach each other only via the router,
        which does not hairpin."""
        for host, (router, _) in HOSTS.items():
            if router == "ra":
                self.sh(
                    [
                        "bridge",
                        "-n",
                        self.ns("ra"),
                        "link",
                        "set",
                        "dev",
                        f"h-{host}",
                        "isolated",
                        "on" if on else "off",
                    ]
                )
        self.isolated = on

    def netem_available(self) -> bool:
        """Whether the kernel has sch_netem (minimal VM kernels often lack it)."""
        res = self.sh(
            [
                "tc",
                "-n",
                self.ns("wan"),
                "qdisc",
                "add",
                "dev",
                "br0",
                "root",
                "netem",
                "delay",
                "1ms",
            ],
            check=False,
        )
        self.sh(["tc", "-n", self.ns("wan"), "qdisc", "del", "dev", "br0", "root"], check=False)
        return res.returncode == 0

    def set_netem(self, router: str, delay_ms: float = 0.0, loss_pct: float = 0.0) -> None:
        """Latency and loss on a router's WAN side (both zero: remove).

        Delay needs the kernel's netem qdisc (``LabError`` without it); loss falls back to an
        nftables random drop when netem is missing.
        """
        self.sh(["tc", "-n", self.ns(router), "qdisc", "del", "dev", "wan0", "root"], check=False)
        self.exec_in(router, ["nft", "delete", "table", "ip", "impair"], check=False)
        if not delay_ms and not loss_pct:
            return
        res = self.sh(
            [
                "tc",
                "-n",
                self.ns(router),
                "qdisc",
                "replace",
                "dev",
                "wan0",
                "root",
                "netem",
                "delay",
                f"{delay_ms}ms",
                "loss",
                f"{loss_pct}%",
            ],
            check=False,
        )
        if res.returncode == 0:
            return
        if delay_ms:
            raise LabError(f"tc netem unavailable (kernel without sch_netem): {res.stderr.strip()}")
        per_mille = min(1000, round(loss_pct * 10))
        chance = "" if per_mille == 1000 else f"numgen random mod 1000 < {per_mille} "
        self.exec_in(
            router,
            ["nft", "-f", "-"],
            input_text=(
                "table ip impair {\n chain wanfilter {\n  type filter hook forward priority -20;\n"
                f'  iifname "wan0" {chance}drop\n'
                f'  oifname "wan0" {chance}drop\n }}\n}}\n'
            ),
        )

    def set_wan_blackhole(self, router: str, on: bool) -> None:
        """Make a router drop everything on its WAN side (a peer that vanishes)."""
        self.set_netem(router, loss_pct=100.0 if on else 0.0)

    # -- verification ---------------------------------------------------------------------
    def discover(self, host: str) -> subprocess.Popen[str]:
        """Start RFC 5780 discovery (mapping + filtering) from ``host`` against coturn."""
        return self.run_in(
            host,
            ["turnutils_natdiscovery", "-m", "-f", STUN_IP],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def verify_modes(self) -> dict[NatMode, tuple[str | None, str | None]]:
        """Set each mode on both routers (two at a time) and check what discovery reports.

        Raises ``LabError`` naming the mode whose router does not behave as claimed.
        """
        seen: dict[NatMode, tuple[str | None, str | None]] = {}
        modes = list(NatMode)
        for ma, mb in zip(modes[::2], modes[1::2], strict=True):
            self.set_nat("ra", ma)
            self.set_nat("rb", mb)
            procs = {ma: self.discover(DMZ_HOST["ra"]), mb: self.discover(DMZ_HOST["rb"])}
            for mode, proc in procs.items():
                out, _ = proc.communicate(timeout=60)
                seen[mode] = parse_natdiscovery(out)
                if seen[mode] != EXPECTED_BEHAVIOUR[mode]:
                    raise LabError(
                        f"router mode {mode} is broken: RFC 5780 discovery says "
                        f"mapping={seen[mode][0]}, filtering={seen[mode][1]}, "
                        f"expected {EXPECTED_BEHAVIOUR[mode]}; output:\n{out}"
                    )
        self.set_nat("ra", NatMode.PRC)
        self.set_nat("rb", NatMode.PRC)
        return seen

    # -- teardown -------------------------------------------------------------------------
    def _live_pids(self) -> list[int]:
        pids = [p.pid for p in self._popen if p.poll() is None]
        pids += [p.pid for p in self._aproc if p.returncode is None]
        return pids

    def down(self) -> None:
        """Kill every process started here by PID, then delete the namespaces. Idempotent."""
        if self._down:
            return
        self._down = True
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self._live_pids():
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 2.0
            while self._live_pids() and time.monotonic() < deadline:
                time.sleep(0.02)
            if not self._live_pids():
                break
        for ns in reversed(self._namespaces):
            # anything still inside a namespace we created was started by us (a grandchild)
            out = self.sh(["ip", "netns", "pids", ns], check=False).stdout.split()
            for word in out:
                try:
                    os.kill(int(word), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            self.sh(["ip", "netns", "del", ns], check=False)
        self._namespaces.clear()
        shutil.rmtree(self.state, ignore_errors=True)
        atexit.unregister(self.down)
        log.info("lab %s down", self.prefix)
