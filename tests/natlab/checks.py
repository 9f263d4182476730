"""Can this machine build the lab, leftovers of killed runs, and does each router behave?"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from .topology import (
    BINARIES,
    DMZ_HOST,
    EXPECTED_BEHAVIOUR,
    STUN_IP,
    LabError,
    NatMode,
    parse_natdiscovery,
)

if TYPE_CHECKING:
    from .lab import NatLab

__all__ = [
    "discover",
    "missing_prerequisites",
    "remove_stale_labs",
    "run_until_ready",
    "verify_modes",
]

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


def discover(lab: NatLab, host: str) -> subprocess.Popen[str]:
    """Start RFC 5780 discovery (mapping + filtering) from ``host`` against coturn."""
    return lab.run_in(
        host,
        ["turnutils_natdiscovery", "-m", "-f", STUN_IP],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def verify_modes(lab: NatLab) -> dict[NatMode, tuple[str | None, str | None]]:
    """Set each mode on both routers (two at a time) and check what discovery reports.

    Raises ``LabError`` naming the mode whose router does not behave as claimed.
    """
    seen: dict[NatMode, tuple[str | None, str | None]] = {}
    modes = list(NatMode)
    if len(modes) % 2:
        modes.append(NatMode.PRC)  # two routers at a time: the odd one out pairs with prc
    for ma, mb in zip(modes[::2], modes[1::2], strict=True):
        lab.set_nat("ra", ma)
        lab.set_nat("rb", mb)
        procs = {ma: discover(lab, DMZ_HOST["ra"]), mb: discover(lab, DMZ_HOST["rb"])}
        outputs = {mode: proc.communicate(timeout=60)[0] for mode, proc in procs.items()}
        for mode, out in outputs.items():
            seen[mode] = parse_natdiscovery(out)
            if seen[mode] != EXPECTED_BEHAVIOUR[mode]:
                raise LabError(
                    f"router mode {mode} is broken: RFC 5780 discovery says "
                    f"mapping={seen[mode][0]}, filtering={seen[mode][1]}, "
                    f"expected {EXPECTED_BEHAVIOUR[mode]}; output:\n{out}"
                )
    lab.set_nat("ra", NatMode.PRC)
    lab.set_nat("rb", NatMode.PRC)
    return seen


def run_until_ready(lab: NatLab, node: str, argv: list[str], what: str) -> subprocess.Popen[str]:
    """Start ``argv`` in ``node`` and return once it printed ``ready`` (bound its sockets):
    on a loaded machine the interpreter can take longer to start than a client retries."""
    proc = lab.run_in(node, argv, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30.0)
    line = proc.stdout.readline() if ready else ""
    proc.stdout.close()  # it writes nothing more
    if line.strip() != "ready":
        proc.kill()
        proc.wait()
        raise AssertionError(f"{what} did not start in {node} (exit {proc.poll()}): {line!r}")
    return proc
