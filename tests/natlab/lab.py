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
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "BINARIES",
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
    "verify_modes",
]

from .checks import missing_prerequisites, remove_stale_labs, verify_modes
from .topology import (
    BINARIES,
    DMZ_HOST,
    EXPECTED_BEHAVIOUR,
    GATEWAY_IP,
    HOSTS,
    LAN_GATEWAY,
    ROUTERS,
    STUN_IP,
    STUN_IP2,
    STUN_PORT,
    TURN_PASSWORD,
    TURN_USER,
    LabError,
    NatMode,
    coturn_config,
    firewall6_ruleset,
    nat_ruleset,
    parse_natdiscovery,
)

log = logging.getLogger(__name__)


class NatLab:
    """Build, drive and tear down the lab. Use ``with NatLab() as lab:`` or ``up()``/``down()``."""

    _count = 0

    def __init__(self, prefix: str | None = None) -> None:
        NatLab._count += 1
        self.prefix = prefix or f"wpnl{os.getpid()}n{NatLab._count}"
        self.state = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.modes: dict[str, NatMode] = {}
        self.ipv6 = False  # dual-stack homes (tests/natlab/dualstack.py)
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
        conf.write_text(coturn_config(self.state))
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
        rules = nat_ruleset(mode, ROUTERS[router], dmz_ip)
        if self.ipv6:
            rules += firewall6_ruleset()
        self.exec_in(router, ["nft", "-f", "-"], input_text=rules)
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

    def verify_modes(self) -> dict[NatMode, tuple[str | None, str | None]]:
        """Check every router mode with RFC 5780 discovery (``LabError`` if one is broken)."""
        return verify_modes(self)

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
