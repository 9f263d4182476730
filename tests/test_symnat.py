"""Issue 13's pure parts: the token's mapping hint, the allocation pattern, who punches,
which ports get probed. The lab tests (tests/natlab/test_matrix.py) run the real thing."""

from __future__ import annotations

import ipaddress
import random

import pytest

from signaling.errors import DamagedTokenError
from signaling.token import (
    CandidateType,
    MappingHint,
    SetupRole,
    Token,
    TokenCandidate,
    TokenKind,
    encode_token,
    parse_token,
)
from webrtc_party.nat.mapping import allocation_pattern
from webrtc_party.punch import PREDICTED, PunchRole, probe_ports, punch_role


def _token(mapping: MappingHint) -> Token:
    return Token(
        kind=TokenKind.INVITE,
        created=1_800_000_000,
        ttl=600,
        fingerprint=bytes(range(32)),
        ice_key=bytes(32),
        setup=SetupRole.ACTPASS,
        candidates=(
            TokenCandidate(CandidateType.SRFLX, ipaddress.ip_address("203.0.113.7"), 4000),
        ),
        mapping=mapping,
    )


@pytest.mark.parametrize("hint", list(MappingHint))
def test_mapping_hint_round_trips(hint: MappingHint) -> None:
    assert parse_token(encode_token(_token(hint))).mapping is hint


def test_stable_hint_leaves_the_flags_byte_as_before() -> None:
    text = encode_token(_token(MappingHint.STABLE))
    assert parse_token(text).mapping is MappingHint.STABLE
    assert text != encode_token(_token(MappingHint.RANDOM))


def test_reserved_hint_value_is_damaged(monkeypatch: pytest.MonkeyPatch) -> None:
    import signaling.token as tok

    monkeypatch.setattr(tok, "_flags", lambda t: 3 << 3)  # hint bits 3-4 = 3: reserved
    text = encode_token(_token(MappingHint.STABLE))
    monkeypatch.undo()
    with pytest.raises(DamagedTokenError, match="flags"):
        parse_token(text)


def test_allocation_patterns() -> None:
    assert allocation_pattern((5000, 5000), [6000, 7000]).hint is MappingHint.STABLE
    seq = allocation_pattern((20000, 20001), [20002, 20003])
    assert (seq.hint, seq.step) == (MappingHint.SEQUENTIAL, 1)
    assert allocation_pattern((100, 98), [96, 94]).step == -2
    assert allocation_pattern((8270, 8526), [8782, 9038]).hint is MappingHint.RANDOM  # step 256
    assert allocation_pattern((41000, 1207), [60111, 3300]).hint is MappingHint.RANDOM
    assert allocation_pattern((20000, 20001), [20005, 20006]).hint is MappingHint.RANDOM
    assert "prediction" in seq.technique
    assert "birthday" in allocation_pattern((1, 9), [3000]).technique


def test_who_punches() -> None:
    s, q, r = MappingHint.STABLE, MappingHint.SEQUENTIAL, MappingHint.RANDOM
    assert punch_role(s, s) is PunchRole.NONE
    assert punch_role(r, s) is PunchRole.HARD and punch_role(q, s) is PunchRole.HARD
    assert punch_role(s, r) is PunchRole.EASY and punch_role(s, q) is PunchRole.EASY
    assert punch_role(r, q) is PunchRole.RELAY and punch_role(r, r) is PunchRole.RELAY


def test_probe_ports_sequential_first_then_random() -> None:
    ports = probe_ports(MappingHint.SEQUENTIAL, 30000, 1024, random.Random(1))
    assert ports[:PREDICTED] == list(range(30001, 30001 + PREDICTED))
    assert len(ports) == len(set(ports)) == 1024
    assert 30000 not in ports and all(1024 <= p <= 65535 for p in ports)


def test_probe_ports_random() -> None:
    ports = probe_ports(MappingHint.RANDOM, 30000, 1024, random.Random(2))
    assert len(set(ports)) == 1024 and 30000 not in ports
    assert ports[:5] != list(range(30001, 30006))
    near_top = probe_ports(MappingHint.SEQUENTIAL, 65530, 10, random.Random(3))
    assert near_top[:5] == [65531, 65532, 65533, 65534, 65535] and len(set(near_top)) == 10


async def test_probed_addresses_have_their_own_small_learning_budget() -> None:
    """Ports this side probed itself may be learned beyond the cap of 8, but only
    MAX_PROBED_LEARNED of them; every other address still meets the cap."""
    import asyncio

    from tests.helpers import ice_of, loopback_config, until
    from tests.ice_attacker import attacker, side_from_link
    from webrtc_party import _aioice_patch as patch
    from webrtc_party.link import Link

    config = loopback_config(connect_timeout=10.0)
    host, guest = Link(config), Link(config)
    extra = patch.MAX_PROBED_LEARNED + 2
    victims = [await attacker(answer=False) for _ in range(patch.MAX_PRFLX_CANDIDATES + 2)]
    probed = [await attacker(answer=False) for _ in range(extra)]
    try:
        await guest.accept_invite(await host.create_invite())
        conn, options = ice_of(guest), guest.ice_options
        assert options is not None
        await until(lambda: conn._early_checks_done, within=5)
        target = side_from_link(guest)
        source = type(target)(
            conn.remote_username or "", conn.remote_password or "", target.address
        )
        options.probed.update(v.address for v in probed)
        for v in victims + probed:
            v.send_check(target, source, controlling=True)
        await until(lambda: all(v.seen for v in victims + probed), within=5)
        await asyncio.sleep(0.5)
        learned = {(c.host, c.port) for c in conn._remote_candidates if c.type == "prflx"}
        from_probed = learned & {v.address for v in probed}
        assert len(from_probed) == patch.MAX_PROBED_LEARNED, from_probed
        assert len(learned - from_probed) == patch.MAX_PRFLX_CANDIDATES, learned
    finally:
        for v in victims + probed:
            v.close()
        await host.close()
        await guest.close()
