"""SDP compaction: an aiortc data-channel SDP <-> the fields a token carries.

Pure code. A token carries only what cannot be rebuilt from a template: the DTLS
fingerprint, an X25519 public key, the setup role and the candidates. The ICE
username fragment is derived from the fingerprint (``derive_ice_ufrag``: public,
like any ufrag). The ICE passwords are derived from the X25519 secret the two ends
agree on (``derive_ice_passwords``), so nobody who only saw the tokens can sign a
connectivity check either side accepts; the fingerprint, checked by DTLS, is what
secures the data itself.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from signaling.errors import DamagedTokenError, LocalError, SignalingError
from signaling.token import (
    MAX_CANDIDATES,
    CandidateType,
    MappingHint,
    SetupRole,
    Token,
    TokenCandidate,
    TokenKind,
)

__all__ = [
    "IcePasswords",
    "SdpError",
    "derive_ice_passwords",
    "derive_ice_ufrag",
    "sdp_from_token",
    "token_from_sdp",
]

_PWD_INFO = b"webrtc-party/v2/ice-pwd"
_PWD_BYTES = 18  # 144 bits each; base64 of 18 bytes is 24 ICE characters, no padding
_TYPE_PREF = {
    CandidateType.HOST: 126,
    CandidateType.PRFLX: 110,
    CandidateType.SRFLX: 100,
    CandidateType.RELAY: 0,
}
_TYPE_NAMES = {t: t.name.lower() for t in CandidateType}


class SdpError(SignalingError, LocalError, ValueError):
    """Our own SDP could not be compacted (a programming or environment error)."""

    user_message = "This app's own connection details could not be put into a token."


@dataclass(frozen=True)
class IcePasswords:
    """The ICE passwords of one invite/answer pair: each end's local password."""

    invite: str  # the offerer's (checks sent to the offerer are signed with it)
    answer: str  # the answerer's

    def __repr__(self) -> str:
        return "IcePasswords(<secret>)"  # never in a log


def derive_ice_ufrag(fingerprint: bytes) -> str:
    """The ICE ufrag (8 chars) of the token's sender: public, from its fingerprint.

    Base64 without padding uses exactly the ICE character set (RFC 8445 15.4).
    """
    digest = hashlib.sha256(b"webrtc-party/v1/ice-ufrag" + fingerprint).digest()
    return base64.b64encode(digest).decode("ascii")[:8]


def derive_ice_passwords(
    own: X25519PrivateKey,
    *,
    invite_fingerprint: bytes,
    invite_key: bytes,
    answer_fingerprint: bytes,
    answer_key: bytes,
) -> IcePasswords:
    """Both ICE passwords from the X25519 secret of ``own`` and the peer's key.

    ``own`` is the private key behind ``invite_key`` (offerer) or ``answer_key``
    (answerer); the other key is the peer's. HKDF-SHA256 over the shared secret,
    bound to both fingerprints and both keys (docs/token.md). The answerer calls
    this before its answer token exists, so it takes the fields, not the tokens.
    Raises ``DamagedTokenError`` for a peer key no secret can be agreed with.
    """
    mine = own.public_key().public_bytes_raw()
    if mine == invite_key:
        peer = answer_key
    elif mine == answer_key:
        peer = invite_key
    else:
        raise ValueError("own key belongs to neither side")
    try:
        shared = own.exchange(X25519PublicKey.from_public_bytes(peer))
    except ValueError:  # a low-order point: the all-zero secret
        raise DamagedTokenError(
            "This token's key cannot be used (it is not a valid X25519 key). Ask for a new token."
        ) from None
    info = _PWD_INFO + invite_fingerprint + answer_fingerprint + invite_key + answer_key
    okm = HKDF(hashes.SHA256(), 2 * _PWD_BYTES, salt=None, info=info).derive(shared)

    def text(chunk: bytes) -> str:
        return base64.b64encode(chunk).decode("ascii")

    return IcePasswords(invite=text(okm[:_PWD_BYTES]), answer=text(okm[_PWD_BYTES:]))


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
    """Best candidates first, duplicates dropped, at most MAX_CANDIDATES.

    An IPv6 server-reflexive candidate equal to a host one (a global IPv6 behind a firewall,
    no NAT) is the same path: only the host one is kept. (IPv4 keeps it: punching looks for
    the peer's public IPv4 among its server-reflexive candidates.)"""
    unique = list(dict.fromkeys(candidates))
    hosts = {(c.ip, c.port) for c in unique if c.type is CandidateType.HOST}
    unique = [
        c
        for c in unique
        if not (c.type is CandidateType.SRFLX and c.ip.version == 6 and (c.ip, c.port) in hosts)
    ]
    unique.sort(key=lambda c: (-_TYPE_PREF[c.type], c.ip.version))
    return tuple(unique[:MAX_CANDIDATES])


def token_from_sdp(
    sdp: str,
    *,
    kind: TokenKind,
    created: int,
    ttl: int,
    ice_key: bytes,
    invite_ref: bytes | None = None,
    mapping: MappingHint = MappingHint.STABLE,
) -> Token:
    """Compact a local aiortc SDP (all candidates gathered) into a token.

    ``ice_key`` is the X25519 public key the token carries. The SDP's ufrag must be
    the derived one; its password is not carried (each end derives both).
    """
    fingerprint: bytes | None = None
    setup: SetupRole | None = None
    ufrag = None
    candidates: list[TokenCandidate] = []
    for line in sdp.splitlines():
        key, _, value = line.partition(":")
        if key == "a=fingerprint" and value.lower().startswith("sha-256 "):
            fingerprint = bytes.fromhex(value[8:].replace(":", ""))
        elif key == "a=setup":
            setup = SetupRole[value.strip().upper()]
        elif key == "a=ice-ufrag":
            ufrag = value.strip()
        elif key == "a=candidate":
            cand = _parse_candidate(value)
            if cand is not None:
                candidates.append(cand)
    if fingerprint is None or len(fingerprint) != 32 or setup is None:
        raise SdpError("SDP has no sha-256 fingerprint or no setup role")
    if ufrag != derive_ice_ufrag(fingerprint):
        raise SdpError("SDP ICE ufrag was not derived from its fingerprint")
    return Token(
        kind=kind,
        created=created,
        ttl=ttl,
        fingerprint=fingerprint,
        ice_key=ice_key,
        setup=setup,
        candidates=_pick(candidates),
        invite_ref=invite_ref,
        mapping=mapping,
    )


def _candidate_line(index: int, c: TokenCandidate) -> str:
    foundation = hashlib.sha256(f"{c.type.name}|{c.ip}".encode()).hexdigest()[:8]
    priority = (_TYPE_PREF[c.type] << 24) | ((65535 - index) << 8) | 255
    line = f"a=candidate:{foundation} 1 udp {priority} {c.ip} {c.port} typ {_TYPE_NAMES[c.type]}"
    if c.type is not CandidateType.HOST:
        any_ip = "0.0.0.0" if c.ip.version == 4 else "::"
        line += f" raddr {any_ip} rport 0"
    return line


def sdp_from_token(token: Token, ice_pwd: str) -> str:
    """Rebuild an SDP that aiortc accepts for a data-channel-only session.

    ``ice_pwd`` is the token sender's ICE password (from ``derive_ice_passwords``).
    """
    ufrag, pwd = derive_ice_ufrag(token.fingerprint), ice_pwd
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
