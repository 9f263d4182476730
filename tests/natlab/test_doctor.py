"""``webrtc-party doctor`` inside the lab: one home host per NAT type, against the lab's coturn."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from webrtc_party.cli.common import EXIT_CONNECT, EXIT_LOCAL, EXIT_OK

from .checks import run_until_ready
from .lab import ROUTERS, STUN_IP, STUN_IP2, NatLab, NatMode

pytestmark = pytest.mark.natlab
COTURN = f"stun:{STUN_IP}:3478"
DEAD = "stun:203.0.113.99:3478"  # on the lab's "internet", nobody there
RESPONDER = str(Path(__file__).with_name("stun_responder.py"))


def start_responder(lab: NatLab, *addrs: str) -> subprocess.Popen[str]:
    """The plain STUN responder in the lab's server namespace, once it has bound ``addrs``."""
    return run_until_ready(lab, "stun", [sys.executable, RESPONDER, *addrs], "the STUN responder")


EXPECTED = {  # mode -> mapping, filtering, NAT type, verdict
    NatMode.PRC: (
        "endpoint-independent",
        "address-and-port-dependent",
        "port-restricted-cone",
        "direct-likely",
    ),
    NatMode.SYM: (
        "address-and-port-dependent",
        "address-and-port-dependent",
        "symmetric",
        "needs-turn-or-relay-member",
    ),
    NatMode.SEQ: (
        "address-and-port-dependent",
        "address-and-port-dependent",
        "symmetric",
        "needs-turn-or-relay-member",
    ),
    NatMode.FULL: ("endpoint-independent", "endpoint-independent", "full-cone", "direct-likely"),
    NatMode.ARC: ("endpoint-independent", "address-dependent", "restricted-cone", "direct-likely"),
}


def doctor(lab: NatLab, host: str, *args: str) -> tuple[int, str, float]:
    t0 = time.monotonic()
    res = lab.exec_in(
        host, [sys.executable, "-m", "webrtc_party", "doctor", *args], check=False, timeout=30
    )
    assert "Traceback" not in res.stderr, res.stderr
    return res.returncode, res.stdout, time.monotonic() - t0


def doctor_json(lab: NatLab, host: str, *args: str) -> tuple[int, dict[str, Any], float]:
    rc, out, took = doctor(lab, host, "--json", *args)
    return rc, json.loads(out), took


@pytest.mark.parametrize("mode", list(NatMode))
def test_doctor_names_each_nat_type(natlab: NatLab, mode: NatMode) -> None:
    natlab.set_nat("ra", mode)
    rc, report, took = doctor_json(natlab, "a", "--stun", COTURN, "--stun", DEAD)
    assert rc == EXIT_OK
    got = (report["mapping"], report["filtering"], report["nat_type"], report["verdict"])
    assert got == EXPECTED[mode]
    assert report["method"] == "rfc5780"
    assert report["public_address"].startswith(ROUTERS["ra"] + ":")
    live, dead = report["servers"]
    assert live["answered"] and live["rfc5780"] and live["rtt_ms"] < 100
    assert not dead["answered"] and dead["error"]
    assert took < 6  # servers in parallel: one dead server costs its timeout once


def test_doctor_plain_words(natlab: NatLab) -> None:
    natlab.set_nat("ra", NatMode.SYM)
    rc, out, _ = doctor(natlab, "a", "--stun", COTURN)
    assert rc == EXIT_OK
    assert f"{COTURN}: answered in" in out
    assert f"Public address: {ROUTERS['ra']}:" in out
    assert "NAT type: symmetric" in out
    assert "TURN" in out


@pytest.mark.parametrize(
    ("mode", "mapping", "nat_type"),
    [
        (NatMode.PRC, "endpoint-independent", "cone"),
        (NatMode.SYM, "endpoint-dependent", "symmetric"),
    ],
)
def test_doctor_two_plain_servers(
    natlab: NatLab, mode: NatMode, mapping: str, nat_type: str
) -> None:
    """Without RFC 5780 the mapping is still told apart by comparing two servers."""
    natlab.set_nat("ra", mode)
    server = start_responder(natlab, f"{STUN_IP}:5000", f"{STUN_IP2}:5000")
    try:
        rc, report, _ = doctor_json(
            natlab, "a", "--stun", f"stun:{STUN_IP}:5000", "--stun", f"stun:{STUN_IP2}:5000"
        )
    finally:
        server.kill()
        server.wait()
    assert rc == EXIT_OK
    assert (report["method"], report["mapping"], report["nat_type"]) == (
        "two-servers",
        mapping,
        nat_type,
    )
    assert not any(s["rfc5780"] for s in report["servers"])


def test_doctor_nothing_answers(natlab: NatLab) -> None:
    natlab.set_netem("ra", loss_pct=100)
    rc, report, took = doctor_json(natlab, "a", "--stun", COTURN, "--timeout", "0.5")
    assert rc == EXIT_CONNECT
    assert (report["verdict"], report["public_address"]) == ("no-udp", None)
    assert took < 5


def test_doctor_bad_url_is_a_user_error(natlab: NatLab) -> None:
    res = natlab.exec_in(
        "a",
        [sys.executable, "-m", "webrtc_party", "doctor", "--stun", "http://example"],
        check=False,
    )
    assert res.returncode == EXIT_LOCAL
    assert "Traceback" not in res.stderr and "STUN" in res.stderr


@pytest.mark.parametrize(
    ("mode", "pattern"),
    [(NatMode.PRC, "stable"), (NatMode.SEQ, "sequential"), (NatMode.SYM, "random")],
)
def test_doctor_reports_the_allocation_pattern(natlab: NatLab, mode: NatMode, pattern: str) -> None:
    natlab.set_nat("ra", mode)
    rc, report, _ = doctor_json(natlab, "a", "--stun", COTURN)
    assert rc == EXIT_OK
    alloc = report["allocation"]
    assert alloc["pattern"] == pattern, alloc
    assert len(alloc["ports"]) == 4
    words = {"stable": "nothing special", "sequential": "prediction", "random": "birthday"}
    assert words[pattern] in alloc["friend_needs"]
    if pattern == "sequential":
        assert alloc["step"] == 1
