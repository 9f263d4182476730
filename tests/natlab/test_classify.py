"""The pure NAT classifier: probe results in, behaviour, type and verdict out."""

from __future__ import annotations

import pytest

from webrtc_party.nat.classify import (
    Filtering,
    Mapping,
    NatType,
    ProbeResults,
    Rfc5780Probe,
    ServerProbe,
    Verdict,
    describe,
    diagnose,
)

LOCAL = ("192.168.1.10",)
S1 = ServerProbe(
    "stun:198.51.100.1:3478",
    ("198.51.100.1", 3478),
    12.0,
    ("203.0.113.7", 4000),
    ("198.51.100.2", 3479),
)
X1 = ("203.0.113.7", 4000)


def rfc(
    m2: tuple[str, int] | None, m3: tuple[str, int] | None, both: bool | None, port: bool | None
) -> ProbeResults:
    return ProbeResults(LOCAL, (S1,), Rfc5780Probe(S1.url, X1, m2, m3, both, port))


@pytest.mark.parametrize(
    ("results", "mapping", "filtering", "nat_type", "verdict"),
    [
        (
            rfc(X1, None, True, None),
            Mapping.ENDPOINT_INDEPENDENT,
            Filtering.ENDPOINT_INDEPENDENT,
            NatType.FULL_CONE,
            Verdict.DIRECT,
        ),
        (
            rfc(X1, None, False, True),
            Mapping.ENDPOINT_INDEPENDENT,
            Filtering.ADDRESS_DEPENDENT,
            NatType.RESTRICTED_CONE,
            Verdict.DIRECT,
        ),
        (
            rfc(X1, None, False, False),
            Mapping.ENDPOINT_INDEPENDENT,
            Filtering.ADDRESS_PORT_DEPENDENT,
            NatType.PORT_RESTRICTED_CONE,
            Verdict.DIRECT,
        ),
        (
            rfc(("203.0.113.7", 4001), ("203.0.113.7", 4002), False, False),
            Mapping.ADDRESS_PORT_DEPENDENT,
            Filtering.ADDRESS_PORT_DEPENDENT,
            NatType.SYMMETRIC,
            Verdict.NEEDS_RELAY,
        ),
        (
            rfc(("203.0.113.7", 4001), ("203.0.113.7", 4001), False, True),
            Mapping.ADDRESS_DEPENDENT,
            Filtering.ADDRESS_DEPENDENT,
            NatType.SYMMETRIC,
            Verdict.NEEDS_RELAY,
        ),
        (
            rfc(X1, None, None, None),
            Mapping.ENDPOINT_INDEPENDENT,
            Filtering.UNKNOWN,
            NatType.CONE,
            Verdict.DIRECT,
        ),
    ],
)
def test_rfc5780(
    results: ProbeResults,
    mapping: Mapping,
    filtering: Filtering,
    nat_type: NatType,
    verdict: Verdict,
) -> None:
    d = diagnose(results)
    assert (d.mapping, d.filtering, d.nat_type, d.verdict, d.method) == (
        mapping,
        filtering,
        nat_type,
        verdict,
        "rfc5780",
    )
    assert d.public_address == X1


def test_no_nat() -> None:
    s = ServerProbe(S1.url, S1.address, 3.0, ("192.168.1.10", 5000), S1.other_address)
    d = diagnose(
        ProbeResults(
            LOCAL,
            (s,),
            Rfc5780Probe(s.url, ("192.168.1.10", 5000), ("192.168.1.10", 5000), None, True, None),
        )
    )
    assert d.nat_type is NatType.OPEN and d.verdict is Verdict.DIRECT


def _plain(url: str, ip: str, mapped: tuple[str, int] | None) -> ServerProbe:
    return ServerProbe(
        url,
        (ip, 3478),
        20.0 if mapped else None,
        mapped,
        error=None if mapped else "no answer within 1.5 s",
    )


def test_two_servers_same_mapping_is_cone() -> None:
    d = diagnose(
        ProbeResults(
            LOCAL, (_plain("stun:a", "198.51.100.1", X1), _plain("stun:b", "198.51.100.9", X1))
        )
    )
    assert (d.mapping, d.filtering, d.nat_type, d.verdict, d.method) == (
        Mapping.ENDPOINT_INDEPENDENT,
        Filtering.UNKNOWN,
        NatType.CONE,
        Verdict.DIRECT,
        "two-servers",
    )


def test_two_servers_different_mapping_is_symmetric() -> None:
    d = diagnose(
        ProbeResults(
            LOCAL,
            (
                _plain("stun:a", "198.51.100.1", X1),
                _plain("stun:b", "198.51.100.9", ("203.0.113.7", 4999)),
            ),
        )
    )
    assert (d.mapping, d.nat_type, d.verdict) == (
        Mapping.ENDPOINT_DEPENDENT,
        NatType.SYMMETRIC,
        Verdict.NEEDS_RELAY,
    )
    assert any("TURN" in line for line in d.advice)


def test_one_server_without_rfc5780_cannot_tell() -> None:
    d = diagnose(
        ProbeResults(
            LOCAL, (_plain("stun:a", "198.51.100.1", X1), _plain("stun:b", "198.51.100.9", None))
        )
    )
    assert (d.mapping, d.nat_type, d.verdict, d.method) == (
        Mapping.UNKNOWN,
        NatType.UNKNOWN,
        Verdict.UNKNOWN,
        "one-server",
    )
    assert d.public_address == X1


def test_nobody_answered() -> None:
    r = ProbeResults(
        LOCAL,
        (
            _plain("stun:a", "198.51.100.1", None),
            ServerProbe("stun:nope.invalid", error="name not resolved"),
        ),
    )
    d = diagnose(r)
    assert (d.nat_type, d.verdict, d.public_address) == (NatType.NO_ANSWER, Verdict.NO_UDP, None)
    text = "\n".join(describe(r, d))
    assert "stun:nope.invalid: name not resolved" in text
    assert "Public address: not found." in text
    assert "TURN server over TCP" in text


def test_describe_and_json_name_everything() -> None:
    r = rfc(X1, None, False, False)
    d = diagnose(r)
    text = "\n".join(describe(r, d))
    assert "answered in 12 ms" in text and "RFC 5780" in text
    assert "Public address: 203.0.113.7:4000" in text
    assert "NAT type: port-restricted-cone" in text
    assert d.to_json() == {
        "public_address": "203.0.113.7:4000",
        "mapping": "endpoint-independent",
        "filtering": "address-and-port-dependent",
        "nat_type": "port-restricted-cone",
        "verdict": "direct-likely",
        "method": "rfc5780",
        "advice": list(d.advice),
    }
