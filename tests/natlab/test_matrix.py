"""The NAT matrix with the real ``webrtc-party node --json`` in the lab's home namespaces.

Every pair of {prc, sym, full, arc} connects with STUN only: prc x sym and sym x prc by
birthday punching (docs/nat.md), a sequential router (seq) x prc by port prediction. sym x sym
needs a TURN server and says so within a few seconds; the same LAN connects host-to-host; two
hosts behind a router that does not hairpin need TURN and fail at the connect deadline with an
error that says what to do. The 20-run series are in bench/bench_natlab.py. Punching works
with a probability, so its test claims "within three attempts" (tests/natlab/attempts.py).
"""

from __future__ import annotations

import itertools
import subprocess
import time

import pytest

from .attempts import within_attempts
from .conftest import _in_ci
from .lab import NatLab, NatMode
from .nodes import NODE_ARGV, STUN_ARGS, TURN_ARGS, Node, PairResult, connect_pair, record

pytestmark = pytest.mark.natlab

CONNECT_DEADLINE_S = 15.0  # the node's default --connect-timeout
PUNCH_AFTER_S = 1.0  # webrtc_party.link_ice.PUNCH_AFTER
PUNCHED = {(NatMode.PRC, NatMode.SYM), (NatMode.SYM, NatMode.PRC)}
NEEDS_RELAY = {(NatMode.SYM, NatMode.SYM)}
MATRIX_MODES = [NatMode.PRC, NatMode.SYM, NatMode.FULL, NatMode.ARC]  # seq: its own tests
DIRECT_PAIRS = [
    p
    for p in itertools.combinations_with_replacement(MATRIX_MODES, 2)
    if p not in NEEDS_RELAY and p not in PUNCHED
]
RELAY_PAIRS = sorted(NEEDS_RELAY | PUNCHED)


@pytest.fixture(scope="module", autouse=True)
def _node_cli_exists() -> None:
    res = subprocess.run([*NODE_ARGV, "--help"], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        msg = f"`webrtc-party node` is not available yet: {res.stderr.strip()[-300:]}"
        if _in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)


def _ids(pair: tuple[NatMode, NatMode]) -> str:
    return f"{pair[0]}-{pair[1]}"


def _assert_open(r: PairResult, paths: set[str], within_s: float = 5.0) -> None:
    assert r.opened, f"did not connect: {r.failure} after {r.elapsed_s:.1f}s\n{r.stderr[-2000:]}"
    assert r.path_a in paths and r.path_b in paths, (r.path_a, r.path_b)
    assert r.message_ok, r.events
    assert r.elapsed_s < within_s


def _assert_fails_fast(
    r: PairResult, within: tuple[float, float] = (CONNECT_DEADLINE_S - 1, CONNECT_DEADLINE_S + 2.5)
) -> None:
    assert not r.opened
    assert r.failure is not None, f"no failure reported within the deadline: {r.events}"
    assert r.failure["event"] in ("closed", "error")
    code = r.failure.get("code")
    assert code and code not in ("local", "remote"), r.failure
    words = r.failure.get("reason") or r.failure.get("message") or ""
    assert "TURN" in words and "member" in words, words  # says what to do
    assert within[0] <= r.elapsed_s <= within[1], r.elapsed_s


@pytest.mark.parametrize("pair", DIRECT_PAIRS, ids=_ids)
async def test_direct_with_stun(natlab: NatLab, pair: tuple[NatMode, NatMode]) -> None:
    natlab.set_nat("ra", pair[0])
    natlab.set_nat("rb", pair[1])
    r = await connect_pair(natlab, "a", "b", STUN_ARGS)
    _assert_open(r, {"srflx", "prflx"})


@pytest.mark.parametrize("pair", sorted(PUNCHED), ids=_ids)
async def test_one_symmetric_side_punches_with_stun_only(
    natlab: NatLab, pair: tuple[NatMode, NatMode]
) -> None:
    """Birthday punching: the prflx side is the symmetric one's port the probes found.

    Punching succeeds with a probability, so the claim is "within PUNCH_ATTEMPTS attempts"
    (tests/natlab/attempts.py); the single-attempt rate is bench/bench_natlab.py's."""

    async def attempt() -> None:
        natlab.set_nat("ra", pair[0])  # also forgets the last attempt's mappings
        natlab.set_nat("rb", pair[1])
        r = await connect_pair(natlab, "a", "b", STUN_ARGS)
        _assert_open(r, {"srflx", "prflx"}, within_s=CONNECT_DEADLINE_S)
        sym_side_path = r.path_a if pair[1] is NatMode.SYM else r.path_b  # as the other sees it
        assert sym_side_path == "prflx", (r.path_a, r.path_b)
        assert r.elapsed_s >= PUNCH_AFTER_S  # the normal checks had their chance first

    await within_attempts(f"punching {_ids(pair)}", attempt)


@pytest.mark.parametrize("pair", [(NatMode.SEQ, NatMode.PRC), (NatMode.PRC, NatMode.SEQ)], ids=_ids)
async def test_sequential_side_connects_by_prediction(
    natlab: NatLab, pair: tuple[NatMode, NatMode]
) -> None:
    natlab.set_nat("ra", pair[0])
    natlab.set_nat("rb", pair[1])
    r = await connect_pair(natlab, "a", "b", STUN_ARGS)
    _assert_open(r, {"srflx", "prflx"}, within_s=PUNCH_AFTER_S + 4.0)


@pytest.mark.parametrize("pair", RELAY_PAIRS, ids=_ids)
async def test_hard_pairs_connect_with_turn(natlab: NatLab, pair: tuple[NatMode, NatMode]) -> None:
    natlab.set_nat("ra", pair[0])
    natlab.set_nat("rb", pair[1])
    r = await connect_pair(natlab, "a", "b", STUN_ARGS + TURN_ARGS)
    _assert_open(r, {"relay"})


async def test_relay_only_hides_addresses(natlab: NatLab) -> None:
    r = await connect_pair(natlab, "a", "b", STUN_ARGS + TURN_ARGS + ["--relay-only"])
    _assert_open(r, {"relay"})


async def test_same_lan_host_to_host(natlab: NatLab) -> None:
    r = await connect_pair(natlab, "a", "a2", STUN_ARGS)
    _assert_open(r, {"host"})


async def test_no_hairpin_connects_with_turn(natlab: NatLab) -> None:
    natlab.set_isolation(True)
    r = await connect_pair(natlab, "a", "a2", STUN_ARGS + TURN_ARGS)
    _assert_open(r, {"relay"})


async def test_hard_pairs_fail_fast_without_turn(natlab: NatLab) -> None:
    """sym x sym says at once that TURN or a relaying member is needed; the no-hairpin LAN
    (nothing tells it apart from a slow network) fails at the connect deadline."""
    natlab.set_nat("ra", NatMode.SYM)
    natlab.set_nat("rb", NatMode.SYM)
    wait = CONNECT_DEADLINE_S + 10
    both_sym = await connect_pair(natlab, "a", "b", STUN_ARGS, wait)
    _assert_fails_fast(both_sym, within=(PUNCH_AFTER_S, PUNCH_AFTER_S + 2.5))
    assert "symmetric" in (both_sym.failure or {}).get("reason", ""), both_sym.failure
    natlab.set_nat("ra", NatMode.PRC)
    natlab.set_isolation(True)
    _assert_fails_fast(await connect_pair(natlab, "a", "a2", STUN_ARGS, wait))


async def test_vanished_peer_reported_within_6s(natlab: NatLab) -> None:
    a = await Node.start(natlab, "a", STUN_ARGS)
    b = await Node.start(natlab, "b", STUN_ARGS)
    try:
        await a.cmd("invite")
        invite = await a.next_event("token", wait_s=10)
        assert invite
        await b.cmd(f"accept {invite['token']}")
        answer = await b.next_event("token", wait_s=10)
        assert answer
        await a.cmd(f"accept {answer['token']}")
        assert (await a.next_event("connected", "closed", wait_s=10) or {}).get(
            "event"
        ) == "connected", a.events
        natlab.set_wan_blackhole("rb", True)  # b's router drops everything from now on
        t0 = time.monotonic()
        gone = await a.next_event("closed", wait_s=10)
        took = time.monotonic() - t0
        assert gone is not None, a.events
        record("vanished peer reported", after_s=round(took, 3), code=gone.get("code"))
        assert took <= 6.0, took
    finally:
        await a.close()
        await b.close()
