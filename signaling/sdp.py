"""SDP compaction: an aiortc data-channel SDP <-> the fields a token carries.

Pure code. A token carries only what cannot be rebuilt from a template: the DTLS
fingerprint, the setup role and the candidates. The ICE username fragment and
password are derived from the fingerprint (``derive_ice_credentials``), so both
sides know them without sending them; the fingerprint, checked by DTLS, is what
secures the link.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Iterable

from signaling.token import (
    MAX_CANDIDATES,
    CandidateType,
    SetupRole,
    Token,
    TokenCandidate,
    TokenKind,
)

__all__ = [
    "IceCredentials",
    "SdpError",
    "derive_ice_credentials",
    "sdp_from_token",
    "token_from_sdp",
]

IceCredentials = tuple[str, str]
_TYPE_PREF = {
    CandidateType.HOST: 126,
    CandidateType.PRFLX: 110,
    CandidateType.SRFLX: 100,
    CandidateType.RELAY: 0,
}
_TYPE_NAMES = {t: t.name.lower() for t in CandidateType}


class SdpError(ValueError):
    """Our own SDP could not be compacted (a programming or environment error)."""


def derive_ice_credentials(fingerprint: bytes) -> IceCredentials:
    """ICE ufrag (8 chars) and pwd (24 chars) derived from the DTLS fingerprint.

    Base64 without padding uses exactly the ICE character set (RFC 8445 15.4).
    """

    def derive(label: bytes, length: int) -> str:
        digest = hashlib.sha256(b"webrtc-party/v1/" + label + fingerprint).digest()
        return base64.b64encode(digest).decode("ascii")[:length]

    return derive(b"ice-ufrag", 8), derive(b"ice-pwd", 24)


def _parse_candidate(value: str) -> TokenCandidate | None:
    """One ``a=candidate:`` value -> candidate, or None if it cannot go in a token."""
    parts = value.split()
    if len(parts) < 8 or parts[1] != "1" or parts[2].lower() != "udp" or parts[6] != "typ":
        return None
    try:
        ctype = CandidateType[parts[7].upper()]
        ip = ipaddress.ip_address(parts[4])
        return TokenCandidate(ctype, ip, int(parts[5]))
    except (KeyError, ValueError):
        return None  # mDNS names, unknown types: not carried


def _pick(candidates: Iterable[TokenCandidate]) -> tuple[TokenCandidate, ...]:
    """Best candidates first, duplicates dropped, at most MAX_CANDIDATES."""
    unique = list(dict.fromkeys(candidates))
    unique.sort(key=lambda c: (-_TYPE_PREF[c.type], c.ip.version))
    return tuple(unique[:MAX_CANDIDATES])


def token_from_sdp(
    sdp: str,
    *,
    kind: TokenKind,
    created: int,
    ttl: int,
    invite_ref: bytes | None = None,
) -> Token:
    """Compact a local aiortc SDP (all candidates gathered) into a token."""
    fingerprint: bytes | None = None
    setup: SetupRole | None = None
    ufrag = pwd = None
    candidates: list[TokenCandidate] = []
    for line in sdp.splitlines():
        key, _, value = line.partition(":")
        if key == "a=fingerprint" and value.lower().startswith("sha-256 "):
            fingerprint = bytes.fromhex(value[8:].replace(":", ""))
        elif key == "a=setup":
            setup = SetupRole[value.strip().upper()]
        elif key == "a=ice-ufrag":
            ufrag = value.strip()
        elif key == "a=ice-pwd":
            pwd = value.strip()
        elif key == "a=candidate":
            cand = _parse_candidate(value)
            if cand is not None:
                candidates.append(cand)
    if fingerprint is None or len(fingerprint) != 32 or setup is None:
        raise SdpError("SDP has no sha-256 fingerprint or no setup role")
    if (ufrag, pwd) != derive_ice_credentials(fingerprint):
        raise SdpError("SDP ICE credentials were not derived from its fingerprint")
    return Token(
        kind=kind,
        created=created,
        ttl=ttl,
        fingerprint=fingerprint,
        setup=setup,
        candidates=_pick(candidates),
        invite_ref=invite_ref,
    )


def _candidate_line(index: int, c: TokenCandidate) -> str:
    foundation = hashlib.sha256(f"{c.type.name}|{c.ip}".encode()).hexdigest()[:8]
    priority = (_TYPE_PREF[c.type] << 24) | ((65535 - index) << 8) | 255
    line = f"a=candidate:{foundation} 1 udp {priority} {c.ip} {c.port} typ {_TYPE_NAMES[c.type]}"
    if c.type is not CandidateType.HOST:
        any_ip = "0.0.0.0" if c.ip.version == 4 else "::"
        line += f" raddr {any_ip} rport 0"
    return line


def sdp_from_token(token: Token) -> str:
    """Rebuild an SDP that aiortc accepts for a data-channel-only session."""
    ufrag, pwd = derive_ice_credentials(token.fingerprint)
    session = int.from_bytes(token.fingerprint[:4], "big")
    default = token.candidates[0] if token.candidates else None
    port = default.port if default else 9
    conn = f"IN IP{default.ip.version} {default.ip}" if default else "IN IP4 0.0.0.0"
    fp = ":".join(f"{b:02X}" for b in token.fingerprint)
    lines = [
        "v=0",
        f"o=- {session} {session} IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=msid-semantic:WMS *",
        f"m=application {port} UDP/DTLS/SCTP webrtc-datachannel",
        f"c={conn}",
        "a=mid:0",
        "a=sctp-port:5000",
        "a=max-message-size:262144",
        *(_candidate_line(i, c) for i, c in enumerate(token.candidates)),
        "a=end-of-candidates",
        f"a=ice-ufrag:{ufrag}",
        f"a=ice-pwd:{pwd}",
        f"a=fingerprint:sha-256 {fp}",
        f"a=setup:{token.setup.name.lower()}",
    ]
    return "\r\n".join(lines) + "\r\n"
