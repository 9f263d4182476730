"""What a user's NAT does, from STUN probe results (pure: no I/O, no clock).

The probe (``webrtc_party.nat.probe``) fills in ``ProbeResults``; ``diagnose`` turns them into
RFC 4787 mapping and filtering behaviour, the classic NAT type name and a verdict: will direct
connections likely work, or does this user need TURN or another party member as a relay.

Mapping, per RFC 5780 section 4.3, from one local socket:
  test I   binding to the server's primary address            -> X1
  test II  binding to its other IP, primary port               -> X2 (X2 == X1: independent)
  test III binding to its other IP and other port              -> X3 (X3 == X2: address-dependent)
Filtering (section 4.4), from a fresh socket that only talked to the primary address:
  test II  CHANGE-REQUEST ip+port answered                      -> endpoint-independent
  test III CHANGE-REQUEST port answered                         -> address-dependent
  neither answered                                              -> address+port-dependent
Without an RFC 5780 server the best probe is two servers seen from one socket: the same mapped
address from both means endpoint-independent mapping, different ones endpoint-dependent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Diagnosis",
    "Endpoint",
    "Filtering",
    "Mapping",
    "NatType",
    "ProbeResults",
    "Rfc5780Probe",
    "ServerProbe",
    "Verdict",
    "describe",
    "diagnose",
]

Endpoint = tuple[str, int]


class Mapping(enum.StrEnum):
    NONE = "no-nat"
    ENDPOINT_INDEPENDENT = "endpoint-independent"
    ADDRESS_DEPENDENT = "address-dependent"
    ADDRESS_PORT_DEPENDENT = "address-and-port-dependent"
    ENDPOINT_DEPENDENT = "endpoint-dependent"  # two-server probe: dependent, kind unknown
    UNKNOWN = "unknown"


class Filtering(enum.StrEnum):
    ENDPOINT_INDEPENDENT = "endpoint-independent"
    ADDRESS_DEPENDENT = "address-dependent"
    ADDRESS_PORT_DEPENDENT = "address-and-port-dependent"
    UNKNOWN = "unknown"


class NatType(enum.StrEnum):
    OPEN = "open"  # public address on this machine
    FULL_CONE = "full-cone"
    RESTRICTED_CONE = "restricted-cone"
    PORT_RESTRICTED_CONE = "port-restricted-cone"
    CONE = "cone"  # endpoint-independent mapping, filtering not measured
    SYMMETRIC = "symmetric"
    UNKNOWN = "unknown"
    NO_ANSWER = "no-answer"


class Verdict(enum.StrEnum):
    DIRECT = "direct-likely"
    NEEDS_RELAY = "needs-turn-or-relay-member"
    UNKNOWN = "unknown"
    NO_UDP = "no-udp"


@dataclass(frozen=True)
class ServerProbe:
    """One STUN server asked once from the shared socket (test I)."""

    url: str
    address: Endpoint | None = None  # resolved; None if the name did not resolve
    rtt_ms: float | None = None  # None: no answer
    mapped: Endpoint | None = None
    other_address: Endpoint | None = None  # RFC 5780 OTHER-ADDRESS
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.mapped is not None


@dataclass(frozen=True)
class Rfc5780Probe:
    """RFC 5780 tests against one server; None means the test was not run."""

    url: str
    mapped: Endpoint  # test I
    mapped_other_ip: Endpoint | None = None  # mapping test II (None: no answer)
    mapped_other_both: Endpoint | None = None  # mapping test III
    changed_both_answered: bool | None = None  # filtering test II
    changed_port_answered: bool | None = None  # filtering test III


@dataclass(frozen=True)
class ProbeResults:
    local_addresses: tuple[str, ...]
    servers: tuple[ServerProbe, ...]
    rfc5780: Rfc5780Probe | None = None


@dataclass(frozen=True)
class Diagnosis:
    public_address: Endpoint | None
    mapping: Mapping
    filtering: Filtering
    nat_type: NatType
    verdict: Verdict
    method: str  # rfc5780 | two-servers | one-server | none
    advice: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "public_address": _fmt(self.public_address),
            "mapping": str(self.mapping),
            "filtering": str(self.filtering),
            "nat_type": str(self.nat_type),
            "verdict": str(self.verdict),
            "method": self.method,
            "advice": list(self.advice),
        }


def _fmt(ep: Endpoint | None) -> str | None:
    return None if ep is None else f"{ep[0]}:{ep[1]}"


def _rfc5780_mapping(p: Rfc5780Probe) -> Mapping:
    if p.mapped_other_ip is None:
        return Mapping.UNKNOWN
    if p.mapped_other_ip == p.mapped:
        return Mapping.ENDPOINT_INDEPENDENT
    if p.mapped_other_both is None:
        return Mapping.ENDPOINT_DEPENDENT
    if p.mapped_other_both == p.mapped_other_ip:
        return Mapping.ADDRESS_DEPENDENT
    return Mapping.ADDRESS_PORT_DEPENDENT


def _rfc5780_filtering(p: Rfc5780Probe) -> Filtering:
    if p.changed_both_answered:
        return Filtering.ENDPOINT_INDEPENDENT
    if p.changed_both_answered is None or p.changed_port_answered is None:
        return Filtering.UNKNOWN
    if p.changed_port_answered:
        return Filtering.ADDRESS_DEPENDENT
    return Filtering.ADDRESS_PORT_DEPENDENT


def _servers_mapping(answered: list[ServerProbe]) -> tuple[Mapping, str]:
    distinct = {s.address for s in answered}
    if len(distinct) < 2:
        return Mapping.UNKNOWN, "one-server"
    mapped = {s.mapped for s in answered}
    if len(mapped) == 1:
        return Mapping.ENDPOINT_INDEPENDENT, "two-servers"
    return Mapping.ENDPOINT_DEPENDENT, "two-servers"


def _nat_type(mapping: Mapping, filtering: Filtering) -> NatType:
    if mapping is Mapping.NONE:
        return NatType.OPEN
    if mapping in (
        Mapping.ADDRESS_DEPENDENT,
        Mapping.ADDRESS_PORT_DEPENDENT,
        Mapping.ENDPOINT_DEPENDENT,
    ):
        return NatType.SYMMETRIC
    if mapping is Mapping.UNKNOWN:
        return NatType.UNKNOWN
    return {
        Filtering.ENDPOINT_INDEPENDENT: NatType.FULL_CONE,
        Filtering.ADDRESS_DEPENDENT: NatType.RESTRICTED_CONE,
        Filtering.ADDRESS_PORT_DEPENDENT: NatType.PORT_RESTRICTED_CONE,
        Filtering.UNKNOWN: NatType.CONE,
    }[filtering]


_ADVICE = {
    NatType.OPEN: ("This machine has a public address: friends can reach you directly."),
    NatType.FULL_CONE: (
        "Your router lets anyone answer once you have sent: direct connections work "
        "with almost everyone."
    ),
    NatType.RESTRICTED_CONE: (
        "Your router keeps one public port per socket and accepts replies from hosts "
        "you contacted: direct connections work with almost everyone."
    ),
    NatType.PORT_RESTRICTED_CONE: (
        "Typical home router: direct connections work, except with a friend behind a "
        "symmetric NAT (for that pair use --turn or join through another party member)."
    ),
    NatType.CONE: (
        "Your router keeps one public port per socket (its filtering could not be "
        "measured): direct connections likely work."
    ),
    NatType.SYMMETRIC: (
        "Your router picks a new public port for every destination (symmetric NAT): "
        "direct connections only work with friends on open or full/restricted-cone "
        "networks. Configure a TURN server (--turn) or join through another party "
        "member."
    ),
    NatType.UNKNOWN: (
        "The NAT type could not be measured: use two STUN servers, or one that supports "
        "RFC 5780 (coturn with two IP addresses)."
    ),
    NatType.NO_ANSWER: (
        "No STUN server answered: you are offline, or UDP is blocked here. Only a TURN "
        "server over TCP (turn:host:port?transport=tcp) can help."
    ),
}


def diagnose(results: ProbeResults) -> Diagnosis:
    """Classify the probe results (RFC 5780 first, then the two-server comparison)."""
    answered = [s for s in results.servers if s.answered]
    if not answered:
        return Diagnosis(
            None,
            Mapping.UNKNOWN,
            Filtering.UNKNOWN,
            NatType.NO_ANSWER,
            Verdict.NO_UDP,
            "none",
            (_ADVICE[NatType.NO_ANSWER],),
        )
    public = results.rfc5780.mapped if results.rfc5780 is not None else answered[0].mapped
    filtering = Filtering.UNKNOWN
    if results.rfc5780 is not None:
        method = "rfc5780"
        mapping = _rfc5780_mapping(results.rfc5780)
        filtering = _rfc5780_filtering(results.rfc5780)
        if mapping is Mapping.UNKNOWN:
            mapping, _ = _servers_mapping(answered)
    else:
        mapping, method = _servers_mapping(answered)
    if public is not None and public[0] in results.local_addresses:
        mapping = Mapping.NONE
    nat_type = _nat_type(mapping, filtering)
    if nat_type is NatType.SYMMETRIC:
        verdict = Verdict.NEEDS_RELAY
    elif nat_type is NatType.UNKNOWN:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.DIRECT
    return Diagnosis(public, mapping, filtering, nat_type, verdict, method, (_ADVICE[nat_type],))


_VERDICT_WORDS = {
    Verdict.DIRECT: "Direct connections are likely to work.",
    Verdict.NEEDS_RELAY: "You will likely need a TURN server or another party member as relay.",
    Verdict.UNKNOWN: "Cannot tell whether direct connections will work.",
    Verdict.NO_UDP: "Direct connections will not work from here.",
}


def describe(results: ProbeResults, diagnosis: Diagnosis) -> list[str]:
    """The plain-words report, one line per item."""
    lines = ["STUN servers:"]
    for s in results.servers:
        if s.answered:
            extra = " (supports NAT discovery, RFC 5780)" if s.other_address else ""
            lines.append(
                f"  {s.url}: answered in {s.rtt_ms:.0f} ms, sees you as {_fmt(s.mapped)}{extra}"
            )
        else:
            lines.append(f"  {s.url}: {s.error or 'no answer'}")
    if diagnosis.public_address is None:
        lines.append("Public address: not found.")
    else:
        lines.append(f"Public address: {_fmt(diagnosis.public_address)}")
    how = {
        "rfc5780": "measured with RFC 5780 tests",
        "two-servers": "compared between two servers; filtering cannot be measured this way",
        "one-server": "only one server answered, so it cannot be measured",
        "none": "nothing to measure",
    }[diagnosis.method]
    lines.append(f"NAT mapping: {diagnosis.mapping} ({how})")
    lines.append(f"NAT filtering: {diagnosis.filtering}")
    lines.append(f"NAT type: {diagnosis.nat_type}")
    lines.append(f"Verdict: {_VERDICT_WORDS[diagnosis.verdict]}")
    lines.extend(diagnosis.advice)
    return lines
