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


def test_pattern_of_places_each_port_at_its_position_in_the_burst() -> None:
    """A request that got no answer still made a mapping: the step is per position."""
    from webrtc_party.nat.mapping import Sent, pattern_of

    f, s, o = Sent.FIRST, Sent.SECOND, Sent.OTHER
    seq = pattern_of([(f, 20000), (s, None), (o, 20002), (o, 20003), (s, 20004)])
    assert (seq.hint, seq.step) == (MappingHint.SEQUENTIAL, 1)
    assert pattern_of([(f, 20000), (o, 20002), (o, 20003), (s, 20004)]).hint is (MappingHint.RANDOM)
    silent = pattern_of([(f, 5000), (s, None), (o, 6100), (o, 7000)])
    assert (silent.hint, silent.detail) == (MappingHint.STABLE, "no second STUN address answered")
    assert pattern_of([(f, 5000), (s, 9000), (s, 5000), (o, 5000)]).hint is MappingHint.STABLE
    assert pattern_of([(f, 5000), (s, 9100), (o, None), (o, None)]).hint is MappingHint.RANDOM
    assert pattern_of([(f, None), (s, 9000)]).detail == "no STUN answer"


def test_sense_wait_is_bounded_whatever_the_round_trip() -> None:
    from webrtc_party.nat.mapping import SENSE_WAIT_MAX, SENSE_WAIT_MIN, sense_wait

    assert sense_wait(0.001) == SENSE_WAIT_MIN
    assert sense_wait(0.05) == pytest.approx(0.2)
    assert sense_wait(2.0) == sense_wait(None) == SENSE_WAIT_MAX < 1.0


async def test_mapping_sensed_by_comparing_two_plain_servers() -> None:
    """Two plain responders (no OTHER-ADDRESS) on two loopback IPs: one socket gets the
    same port from both (no NAT here), so the mapping is stable, told by the comparison;
    with the second silent it is unknown (also stable, but for that reason)."""
    import asyncio

    import aioice.stun as stun

    from webrtc_party.config import parse_ice_url
    from webrtc_party.nat.mapping import sense_mapping_within
    from webrtc_party.stun_probe import pick_stun_servers

    class Responder(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
            req = stun.parse_message(data)
            resp = stun.Message(req.message_method, stun.Class.RESPONSE, req.transaction_id)
            resp.attributes["XOR-MAPPED-ADDRESS"] = addr
            self.transport.sendto(bytes(resp), addr)  # type: ignore[attr-defined]

    loop = asyncio.get_running_loop()
    made = [
        await loop.create_datagram_endpoint(Responder, local_addr=(ip, 0))
        for ip in ("127.0.0.2", "127.0.0.3")
    ]
    silent, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=("127.0.0.4", 0)
    )
    try:
        ends = [t.get_extra_info("sockname") for t, _ in made]
        servers = tuple(parse_ice_url(f"stun:{h}:{p}") for h, p in ends)
        answers = await pick_stun_servers(servers, 1.0, lambda a: 0.3)
        assert sorted(a.address for a in answers) == sorted(ends)
        sense = await sense_mapping_within(answers[0].address, [answers[1].address], 1.0, 0.001)
        assert (sense.hint, sense.detail) == (MappingHint.STABLE, "same port toward both addresses")
        dead = silent.get_extra_info("sockname")
        sense = await sense_mapping_within(ends[0], [dead], 1.0, 0.001)
        assert sense.detail == "no second STUN address answered"
        one = await pick_stun_servers(
            (servers[0], parse_ice_url(f"stun:{dead[0]}:{dead[1]}")), 1.0, lambda a: 0.1
        )
        assert [a.address for a in one] == [ends[0]]
    finally:
        for t, _ in made:
            t.close()
        silent.close()


def test_punch_settings_from_the_environment_stay_within_the_limits() -> None:
    from webrtc_party.punch import PunchSettings, settings_from_env

    assert settings_from_env({}) == PunchSettings()
    assert settings_from_env({"WEBRTC_PARTY_PUNCH": "128,1400,50"}) == PunchSettings(128, 1400, 50)
    assert settings_from_env({"WEBRTC_PARTY_PUNCH": "1000,5000,500"}) == PunchSettings(
        256, 5000, 100
    )
    assert settings_from_env({"WEBRTC_PARTY_PUNCH": "lots"}) == PunchSettings()


def test_one_ipv6_address_per_adapter() -> None:
    from webrtc_party.interfaces import LocalAddress
    from webrtc_party.nat.ipv6 import one_ipv6_per_interface

    addresses = [
        LocalAddress("eth0", "192.168.1.10"),
        LocalAddress("eth0", "fd00::10"),  # ULA: only if nothing better
        LocalAddress("eth0", "2001:db8:1::10"),  # stable
        LocalAddress("eth0", "2001:db8:1::beef"),  # temporary, the default route's
        LocalAddress("wlan0", "fd00::20"),
    ]
    chosen = [a.ip for a in addresses]
    assert one_ipv6_per_interface(chosen, addresses, {"2001:db8:1::beef"}) == [
        "192.168.1.10",
        "2001:db8:1::beef",
        "fd00::20",
    ]
    assert one_ipv6_per_interface(chosen, addresses) == [
        "192.168.1.10",
        "2001:db8:1::10",
        "fd00::20",
    ]


def test_ipv6_may_connect_needs_a_routable_ipv6_host_on_both_sides() -> None:
    import dataclasses

    from webrtc_party.nat.ipv6 import ipv6_may_connect

    def with_v6(ip: str) -> Token:
        c = TokenCandidate(CandidateType.HOST, ipaddress.ip_address(ip), 5000)
        base = _token(MappingHint.RANDOM)
        return dataclasses.replace(base, candidates=(*base.candidates, c))

    assert ipv6_may_connect(with_v6("2001:db8::1"), with_v6("2001:db8::2"))
    assert not ipv6_may_connect(with_v6("2001:db8::1"), _token(MappingHint.RANDOM))
    assert not ipv6_may_connect(with_v6("fe80::1"), with_v6("2001:db8::2"))
    assert not ipv6_may_connect(with_v6("fd00::1"), with_v6("2001:db8::2"))
    assert not ipv6_may_connect(None, with_v6("2001:db8::2"))


def test_token_keeps_no_srflx_copy_of_a_host_candidate() -> None:
    from signaling.sdp import derive_ice_ufrag, token_from_sdp

    fp = bytes(range(32))
    sdp = "\n".join(
        [
            "a=fingerprint:sha-256 " + ":".join(f"{b:02X}" for b in fp),
            "a=setup:actpass",
            f"a=ice-ufrag:{derive_ice_ufrag(fp)}",
            "a=candidate:1 1 udp 2130706431 2001:db8::10 5000 typ host",
            "a=candidate:2 1 udp 1694498815 2001:db8::10 5000 typ srflx raddr :: rport 0",
            "a=candidate:3 1 udp 2130706431 192.168.1.10 5001 typ host",
            "a=candidate:4 1 udp 1694498815 203.0.113.101 41000 typ srflx raddr 0.0.0.0 rport 0",
            "a=candidate:5 1 udp 2130706431 198.51.100.7 5002 typ host",  # public, no NAT
            "a=candidate:6 1 udp 1694498815 198.51.100.7 5002 typ srflx raddr 0.0.0.0 rport 0",
        ]
    )
    token = token_from_sdp(
        sdp, kind=TokenKind.INVITE, created=1_800_000_000, ttl=600, ice_key=bytes(32)
    )
    got = sorted((c.type.name, str(c.ip)) for c in token.candidates)
    assert got == [
        ("HOST", "192.168.1.10"),
        ("HOST", "198.51.100.7"),
        ("HOST", "2001:db8::10"),
        ("SRFLX", "198.51.100.7"),  # IPv4 keeps it: punching reads the peer's srflx
        ("SRFLX", "203.0.113.101"),
    ]
