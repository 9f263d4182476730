"""The lab itself: routers behave as claimed, names are unique, teardown leaves nothing."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .checks import run_until_ready
from .lab import (
    EXPECTED_BEHAVIOUR,
    HOSTS,
    ROUTERS,
    STUN_IP,
    LabError,
    NatLab,
    NatMode,
    nat_ruleset,
    parse_natdiscovery,
)

natlab_mark = pytest.mark.natlab
UDPPING = str(Path(__file__).with_name("udpping.py"))


def start_echo(lab: NatLab, node: str, port: int, *family: str) -> subprocess.Popen[str]:
    """udpping's echo in ``node``, once it is bound (a ping before then proves nothing)."""
    argv = [sys.executable, UDPPING, "echo", str(port), *family]
    return run_until_ready(lab, node, argv, "udpping echo")


def _ping(lab: NatLab, host: str, dst: str, port: int = 3478) -> float | None:
    res = lab.exec_in(host, [sys.executable, UDPPING, "ping", dst, str(port)], check=False)
    return float(res.stdout) if res.returncode == 0 else None


def _namespaces() -> set[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    return {line.split()[0] for line in out.stdout.splitlines() if line.strip()}


def test_rulesets_differ_per_mode() -> None:
    rules = {m: nat_ruleset(m, ROUTERS["ra"], HOSTS["a"][1]) for m in NatMode}
    assert "fully-random" in rules[NatMode.SYM]
    assert "fully-random" not in rules[NatMode.PRC]
    assert f"dnat ip to {HOSTS['a'][1]}" in rules[NatMode.FULL]
    assert "@talked dnat" in rules[NatMode.ARC]
    assert "update @talked" in rules[NatMode.ARC]
    for text in rules.values():  # pitfall 1: unsolicited WAN packets never reach conntrack
        assert "type filter hook input priority filter; policy drop;" in text
        assert text.startswith("flush ruleset")


def test_parse_natdiscovery() -> None:
    text = "NAT with Endpoint Independent Mapping!\n...\nNAT with Address Dependent Filtering!\n"
    assert parse_natdiscovery(text) == EXPECTED_BEHAVIOUR[NatMode.ARC]
    assert parse_natdiscovery("STUN receive timeout..") == (None, None)


@natlab_mark
def test_every_router_mode_verified(natlab: NatLab) -> None:
    assert natlab.verified == EXPECTED_BEHAVIOUR


@natlab_mark
def test_wan_reachable_lan_not(natlab: NatLab) -> None:
    echo = start_echo(natlab, "a2", 4000)
    try:
        # a home host reaches the public side through its router
        assert _ping(natlab, "a", STUN_IP) is not None
        # the public side cannot reach into a home LAN (private range, unrouted)
        assert _ping(natlab, "stun", HOSTS["a2"][1], 4000) is None
        # same LAN, no isolation: direct; isolated: no path between the two hosts
        assert _ping(natlab, "a", HOSTS["a2"][1], 4000) is not None
        natlab.set_isolation(True)
        assert _ping(natlab, "a", HOSTS["a2"][1], 4000) is None
    finally:
        echo.kill()
        echo.wait()


@natlab_mark
def test_netem_adds_latency(natlab: NatLab) -> None:
    if not natlab.netem_available():
        pytest.skip("this kernel has no sch_netem (tc netem): latency cannot be emulated")
    natlab.set_netem("ra", delay_ms=40)
    rtt = _ping(natlab, "a", STUN_IP)
    assert rtt is not None and 40 <= rtt < 200
    natlab.set_netem("ra")
    rtt = _ping(natlab, "a", STUN_IP)
    assert rtt is not None and rtt < 20


@natlab_mark
def test_loss_drops_packets(natlab: NatLab) -> None:
    natlab.set_netem("ra", loss_pct=100)
    assert _ping(natlab, "a", STUN_IP) is None
    natlab.set_netem("ra")
    assert _ping(natlab, "a", STUN_IP) is not None


@natlab_mark
def test_unique_names_and_full_teardown(natlab: NatLab) -> None:
    other = NatLab()
    assert other.prefix != natlab.prefix
    other.up()
    try:
        mine = {n for n in _namespaces() if n.startswith(other.prefix + "-")}
        assert len(mine) == 7
        assert not mine & {n for n in _namespaces() if n.startswith(natlab.prefix + "-")}
        sleeper = other.run_in("a", ["sleep", "600"])
        assert other.coturn is not None and other.coturn.poll() is None
    finally:
        t0 = time.monotonic()
        other.down()
    assert time.monotonic() - t0 < 5
    assert sleeper.poll() is not None  # killed by PID
    assert other.coturn.poll() is not None
    assert not {n for n in _namespaces() if n.startswith(other.prefix + "-")}
    other.down()  # idempotent
    # the session lab is untouched
    assert _ping(natlab, "a", STUN_IP) is not None


@natlab_mark
def test_a_broken_router_fails_verification(
    natlab: NatLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A router that ignores its mode (here: always full cone) is caught, not trusted."""
    real_set_nat = natlab.set_nat
    monkeypatch.setattr(natlab, "set_nat", lambda router, mode: real_set_nat(router, "full"))
    with pytest.raises(LabError, match="router mode prc is broken"):
        natlab.verify_modes()
