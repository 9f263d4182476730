"""Which side is hard, sensed with plain STUN servers (no RFC 5780 OTHER-ADDRESS).

Public STUN lists are mostly plain servers: the mapping test then compares the ports two
different servers report for one socket (webrtc_party/nat/mapping.py). Here two plain
responders run at the lab's two server addresses; coturn (which names a second address) is
not configured at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from signaling.token import MappingHint, parse_token

from .attempts import within_attempts
from .lab import STUN_IP, STUN_IP2, NatLab, NatMode
from .nodes import Node, connect_pair
from .test_doctor import start_responder

pytestmark = pytest.mark.natlab
PORT = 5000
TWO_PLAIN = ["--stun", f"stun:{STUN_IP}:{PORT}", "--stun", f"stun:{STUN_IP2}:{PORT}"]


@pytest.fixture
def plain_servers(natlab: NatLab) -> Iterator[None]:
    server = start_responder(natlab, f"{STUN_IP}:{PORT}", f"{STUN_IP2}:{PORT}")
    try:
        yield
    finally:
        server.kill()
        server.wait()


def _hint(events: list[dict[str, Any]]) -> MappingHint:
    token = next(e["token"] for e in events if e.get("event") == "token")
    return parse_token(token).mapping


@pytest.mark.usefixtures("plain_servers")
@pytest.mark.parametrize(
    "pair", [(NatMode.SYM, NatMode.PRC), (NatMode.PRC, NatMode.SYM)], ids=["sym-prc", "prc-sym"]
)
async def test_two_plain_servers_tell_the_hard_side_and_it_punches(
    natlab: NatLab, pair: tuple[NatMode, NatMode]
) -> None:
    """The hint and the punching, within three attempts (tests/natlab/attempts.py): punching is
    a probability, and a hint sensed on a loaded machine can miss the second server."""

    async def attempt() -> None:
        natlab.set_nat("ra", pair[0])
        natlab.set_nat("rb", pair[1])
        r = await connect_pair(natlab, "a", "b", TWO_PLAIN)
        hints = (_hint(r.events["A@a"]), _hint(r.events["B@b"]))
        want = tuple(MappingHint.RANDOM if m is NatMode.SYM else MappingHint.STABLE for m in pair)
        assert hints == want, hints
        assert r.opened, f"did not connect: {r.failure}\n{r.stderr[-2000:]}"
        assert r.message_ok
        sym_side_path = r.path_a if pair[1] is NatMode.SYM else r.path_b
        assert sym_side_path == "prflx", (r.path_a, r.path_b)  # a punched port

    await within_attempts(f"two plain servers {pair[0]} x {pair[1]}", attempt)


@pytest.mark.usefixtures("plain_servers")
async def test_two_plain_servers_behind_a_sequential_router(natlab: NatLab) -> None:
    natlab.set_nat("ra", NatMode.SEQ)
    natlab.set_nat("rb", NatMode.PRC)
    r = await connect_pair(natlab, "a", "b", TWO_PLAIN)
    assert _hint(r.events["A@a"]) is MappingHint.SEQUENTIAL
    assert r.opened and r.message_ok, r.failure


@pytest.mark.usefixtures("plain_servers")
async def test_second_server_silent_means_unknown_not_hard(natlab: NatLab) -> None:
    """A dead second server behind a symmetric NAT: the hint stays stable (unknown), so
    nobody punches on a guess; a cone pair with the same servers still connects."""
    args = ["--stun", f"stun:{STUN_IP}:{PORT}", "--stun", "stun:203.0.113.99:3478"]
    natlab.set_nat("ra", NatMode.SYM)
    node = await Node.start(natlab, "a", args)
    try:
        await node.cmd("invite")
        invite = await node.next_event("token", "error", wait_s=10)
    finally:
        await node.close()
    assert invite is not None and invite["event"] == "token", node.events
    assert parse_token(invite["token"]).mapping is MappingHint.STABLE
    natlab.set_nat("ra", NatMode.PRC)
    r = await connect_pair(natlab, "a", "b", args)
    assert r.opened and r.message_ok, r.failure
