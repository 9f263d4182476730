"""IPv6 where IPv4 is hopeless: both homes symmetric over IPv4 (no server-free IPv4 path),
both with a global IPv6 address behind a stateful firewall that drops unsolicited inbound.
The pair connects directly over IPv6 with STUN only, and the token carries one IPv6 host
candidate per side and no server-reflexive copy of it (docs/nat.md, "IPv6")."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from signaling.token import CandidateType, Token, parse_token

from . import dualstack
from .lab import NatLab, NatMode
from .nodes import STUN_ARGS, connect_pair
from .test_lab import UDPPING, start_echo

pytestmark = pytest.mark.natlab


@pytest.fixture
def dual(natlab: NatLab) -> Iterator[NatLab]:
    dualstack.enable(natlab)
    try:
        yield natlab
    finally:
        dualstack.disable(natlab)


def _ping6(lab: NatLab, node: str, host: str, port: int) -> bool:
    res = lab.exec_in(node, [sys.executable, UDPPING, "ping", host, str(port)], check=False)
    return res.returncode == 0


def test_the_firewall_drops_unsolicited_inbound(dual: NatLab) -> None:
    echoes = [start_echo(dual, node, 4000, "v6") for node in ("a", "wan")]
    try:
        assert _ping6(dual, "b", dualstack.WAN6["wan"], 4000)  # out and back: allowed
        assert not _ping6(dual, "b", dualstack.HOST6["a"], 4000)  # into a's home: dropped
    finally:
        for proc in echoes:
            proc.kill()
            proc.wait()


def _token(events: list[dict[str, Any]]) -> Token:
    return parse_token(next(e["token"] for e in events if e.get("event") == "token"))


async def test_symmetric_ipv4_both_sides_connects_over_ipv6(dual: NatLab) -> None:
    dual.set_nat("ra", NatMode.SYM)
    dual.set_nat("rb", NatMode.SYM)
    r = await connect_pair(dual, "a", "b", STUN_ARGS)
    assert r.opened, f"did not connect: {r.failure}\n{r.stderr[-2000:]}"
    assert r.message_ok
    # the two homes' IPv4 LANs are the same private subnet behind different routers: a
    # host-to-host path can only be the IPv6 one
    assert (r.path_a, r.path_b) == ("host", "host")
    for name, host in (("A@a", "a"), ("B@b", "b")):
        token = _token(r.events[name])
        v6 = [c for c in token.candidates if c.ip.version == 6]
        assert [(c.type, str(c.ip)) for c in v6] == [(CandidateType.HOST, dualstack.HOST6[host])], (
            token.candidates
        )
        srflx = {(c.ip, c.port) for c in token.candidates if c.type is CandidateType.SRFLX}
        assert not srflx & {(c.ip, c.port) for c in v6}


async def test_without_ipv6_the_same_pair_says_turn(natlab: NatLab) -> None:
    """The control: the same homes IPv4-only fail at once with the TURN advice."""
    natlab.set_nat("ra", NatMode.SYM)
    natlab.set_nat("rb", NatMode.SYM)
    r = await connect_pair(natlab, "a", "b", STUN_ARGS, 10)
    assert not r.opened
    assert r.failure is not None and "TURN" in (r.failure.get("reason") or ""), r.failure
