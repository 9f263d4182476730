"""Property: SDPs rebuilt from tokens connect real aiortc peers, whatever else the token lists.

Tokens get extra dead candidates (loopback addresses where nothing listens), of any
type, in any order; the one live candidate must still be found.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaling.token import MAX_CANDIDATES, CandidateType, Token, TokenCandidate
from tests.helpers import loopback_config, next_event
from webrtc_party.link import Link
from webrtc_party.link_events import Received

dead = st.builds(
    TokenCandidate,
    st.sampled_from(CandidateType),
    st.integers(2, 254).map(lambda n: ipaddress.IPv4Address(f"127.0.0.{n}")),
    st.integers(1, 65535),
)
padding = st.lists(dead, max_size=MAX_CANDIDATES - 1, unique=True)


def pad(token: Token, extra: list[TokenCandidate], where: int) -> Token:
    cands = list(extra)
    cands.insert(where % (len(cands) + 1), token.candidates[0])
    return replace(token, candidates=tuple(cands))


async def connect(
    invite_pad: list[TokenCandidate], answer_pad: list[TokenCandidate], at: int
) -> None:
    config = loopback_config(connect_timeout=10.0)
    host, guest = Link(config), Link(config)
    try:
        invite = await host.create_invite()
        answer = await guest.accept_invite(pad(invite, invite_pad, at))
        await host.accept_answer(pad(answer, answer_pad, at + 1))
        async with asyncio.timeout(15):
            await asyncio.gather(host.wait_open(), guest.wait_open())
        host.send("ping")
        # fails (rather than ending quietly) if the guest closes before the message arrives
        assert await next_event(guest, Received, within=15) == Received("ping")
    finally:
        await host.close()
        await guest.close()


@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(padding, padding, st.integers(0, 8))
def test_rebuilt_sdps_connect(
    invite_pad: list[TokenCandidate], answer_pad: list[TokenCandidate], at: int
) -> None:
    asyncio.run(connect(invite_pad, answer_pad, at))
