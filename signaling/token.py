"""The party token: a compact, checksummed, self-expiring SDP offer or answer.

Pure code: no I/O, no clock (``now`` is passed in). The normative format is in
docs/token.md. Binary layout, big-endian::

    version:u8  flags:u8  created:u32  ttl:u16  fingerprint:32B  ice_key:32B
    [invite_ref:4B if answer]  count:u8  candidate*count  crc32:u32

``ice_key`` is the sender's X25519 public key: the ICE passwords come from the
secret the two ends agree on with it (``signaling.sdp.derive_ice_passwords``), so
an onlooker holding both tokens cannot compute them.

The text form is a 3-letter prefix (``wpi`` invite, ``wpa`` answer) followed by
the binary in base62.
"""

from __future__ import annotations

import enum
import ipaddress
import struct
import zlib
from dataclasses import dataclass, field

from signaling.base62 import b62decode, b62encode
from signaling.chat import candidate_bodies
from signaling.errors import (
    DamagedTokenError,
    ExpiredTokenError,
    FutureTokenError,
    NotATokenError,
    NoUsableCandidatesError,
    TokenError,
    TooManyCandidatesError,
    UnsupportedTokenVersionError,
    WrongKindError,
)

__all__ = [
    "DEFAULT_TTL",
    "FORMAT_VERSION",
    "MAX_CANDIDATES",
    "MAX_CLOCK_SKEW",
    "MAX_TTL",
    "CandidateType",
    "IPAddress",
    "MappingHint",
    "SetupRole",
    "Token",
    "TokenCandidate",
    "TokenKind",
    "check_fresh",
    "check_kind",
    "decode_token",
    "encode_token",
    "parse_token",
]

FORMAT_VERSION = 2  # 2: ice_key added; ICE passwords no longer derived from the fingerprint
DEFAULT_TTL = 600  # seconds: the minutes a human takes to paste over Discord
MAX_TTL = 0xFFFF  # u16 seconds, about 18 hours
MAX_CANDIDATES = 8
MAX_CLOCK_SKEW = 120  # seconds two honest clocks may disagree
_HEADER = struct.Struct(">BBIH32s32s")
_CRC = struct.Struct(">I")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TokenKind(enum.Enum):
    INVITE = "invite"
    ANSWER = "answer"

    @property
    def prefix(self) -> str:
        return "wpi" if self is TokenKind.INVITE else "wpa"


class SetupRole(enum.IntEnum):
    """The DTLS ``a=setup`` attribute (RFC 4145)."""

    ACTPASS = 0
    ACTIVE = 1
    PASSIVE = 2


class MappingHint(enum.IntEnum):
    """How the sender's NAT maps ports (flags bits 3-4; docs/token.md, docs/nat.md)."""

    STABLE = 0  # one public port for every destination, or unknown
    SEQUENTIAL = 1  # a new port per destination, stepping predictably
    RANDOM = 2  # a new, random port per destination

    @property
    def hard(self) -> bool:
        """Whether a cone-NAT peer cannot reach this side with the ports it signalled."""
        return self is not MappingHint.STABLE


class CandidateType(enum.IntEnum):
    HOST = 0
    SRFLX = 1
    PRFLX = 2
    RELAY = 3


@dataclass(frozen=True)
class TokenCandidate:
    type: CandidateType
    ip: IPAddress
    port: int

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"candidate port {self.port} out of range")

    @property
    def usable(self) -> bool:
        """False for addresses no peer can ever reach (unspecified, multicast, reserved)."""
        ip = self.ip
        return not (ip.is_unspecified or ip.is_multicast or ip.is_reserved)


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    created: int  # unix seconds
    ttl: int  # seconds
    fingerprint: bytes  # sha-256 of the DTLS certificate
    ice_key: bytes  # X25519 public key (32 bytes) for the ICE password agreement
    setup: SetupRole
    candidates: tuple[TokenCandidate, ...]
    invite_ref: bytes | None = None  # answers: which invite this answers
    version: int = field(default=FORMAT_VERSION)
    mapping: MappingHint = MappingHint.STABLE

    def __post_init__(self) -> None:
        if len(self.fingerprint) != 32:
            raise ValueError("fingerprint must be 32 bytes (sha-256)")
        if len(self.ice_key) != 32:
            raise ValueError("ice_key must be 32 bytes (X25519 public key)")
        if not 1 <= self.ttl <= MAX_TTL:
            raise ValueError(f"ttl {self.ttl} s out of range 1..{MAX_TTL}")
        if not 0 <= self.created < 2**32:
            raise ValueError("created out of range")
        if len(self.candidates) > MAX_CANDIDATES:
            raise ValueError(f"at most {MAX_CANDIDATES} candidates fit in a token")
        if (self.kind is TokenKind.ANSWER) != (self.invite_ref is not None):
            raise ValueError("answers carry invite_ref, invites do not")
        if self.invite_ref is not None and len(self.invite_ref) != 4:
            raise ValueError("invite_ref must be 4 bytes")
        if self.kind is TokenKind.ANSWER and self.setup is SetupRole.ACTPASS:
            raise ValueError("an answer chooses a DTLS role: active or passive, not actpass")

    @property
    def expires(self) -> int:
        return self.created + self.ttl

    @property
    def ref(self) -> bytes:
        """The 4 bytes an answer uses to name this invite."""
        return self.fingerprint[:4]


def _flags(token: Token) -> int:
    kind = 1 if token.kind is TokenKind.ANSWER else 0
    return kind | (int(token.setup) << 1) | (int(token.mapping) << 3)


def _encode_candidate(c: TokenCandidate) -> bytes:
    v6 = c.ip.version == 6
    return bytes([int(c.type) | (0x04 if v6 else 0)]) + c.ip.packed + c.port.to_bytes(2, "big")


def encode_token(token: Token) -> str:
    body = bytearray(
        _HEADER.pack(
            token.version,
            _flags(token),
            token.created,
            token.ttl,
            token.fingerprint,
            token.ice_key,
        )
    )
    if token.invite_ref is not None:
        body += token.invite_ref
    body.append(len(token.candidates))
    for c in token.candidates:
        body += _encode_candidate(c)
    body += _CRC.pack(zlib.crc32(body))
    return token.kind.prefix + b62encode(bytes(body))


class _UnframedError(DamagedTokenError):
    """Not a whole token (too short, checksum mismatch): a shorter guess may still be."""


_TOO_SHORT = "This token is too short: part of it is missing. Copy it again."


def _unframe(raw: bytes) -> bytes:
    """The payload of a whole token, or ``_UnframedError``."""
    if len(raw) < 1 + _CRC.size:  # the version byte and the CRC: older formats are shorter
        raise _UnframedError(_TOO_SHORT)
    (crc,) = _CRC.unpack_from(raw, len(raw) - _CRC.size)
    payload = raw[: -_CRC.size]
    if zlib.crc32(payload) != crc:
        raise _UnframedError(
            "This token is damaged (its checksum does not match): copy it again, whole."
        )
    return payload


def _decode_payload(prefix: str, payload: bytes) -> Token:
    version = payload[0]
    if version != FORMAT_VERSION:
        if version < FORMAT_VERSION:
            raise UnsupportedTokenVersionError(
                f"This token was made by an older version of webrtc-party (token format "
                f"{version}; this one reads format {FORMAT_VERSION}). Ask your friend to update "
                "and make a new token."
            )
        raise UnsupportedTokenVersionError(
            f"This token was made by a newer version of webrtc-party (token format {version}; "
            f"this one reads format {FORMAT_VERSION}). Update webrtc-party, then paste it again."
        )
    if len(payload) < _HEADER.size + 1:
        raise DamagedTokenError(_TOO_SHORT)
    _, flags, created, ttl, fingerprint, ice_key = _HEADER.unpack_from(payload)
    kind = TokenKind.ANSWER if flags & 1 else TokenKind.INVITE
    if kind.prefix != prefix:
        raise DamagedTokenError("This token's prefix does not match its contents.")
    if flags >> 5 or (flags >> 1) & 3 == 3 or (flags >> 3) & 3 == 3:
        raise DamagedTokenError("This token has invalid flags.")
    if ttl == 0:
        raise DamagedTokenError("This token has a lifetime of zero.")
    if kind is TokenKind.ANSWER and (flags >> 1) & 3 == SetupRole.ACTPASS:
        raise DamagedTokenError("This answer does not choose a DTLS role (actpass).")
    pos = _HEADER.size
    invite_ref = None
    if kind is TokenKind.ANSWER:
        invite_ref, pos = payload[pos : pos + 4], pos + 4
    if pos >= len(payload):
        raise DamagedTokenError("This token ends before its candidate list.")
    count, pos = payload[pos], pos + 1
    if count > MAX_CANDIDATES:
        raise TooManyCandidatesError(
            f"This token lists {count} network addresses; at most {MAX_CANDIDATES} are allowed."
        )
    candidates: list[TokenCandidate] = []
    for _ in range(count):
        if pos >= len(payload):
            raise DamagedTokenError("This token's candidate list is cut short.")
        head = payload[pos]
        if head & ~0x07:
            raise DamagedTokenError("This token has an unknown candidate type.")
        size = 16 if head & 0x04 else 4
        chunk = payload[pos + 1 : pos + 1 + size + 2]
        if len(chunk) != size + 2:
            raise DamagedTokenError("This token's candidate list is cut short.")
        ip = ipaddress.ip_address(chunk[:size])
        port = int.from_bytes(chunk[size:], "big")
        if port == 0:
            raise DamagedTokenError("This token has a candidate with port 0.")
        candidates.append(TokenCandidate(CandidateType(head & 0x03), ip, port))
        pos += 1 + size + 2
    if pos != len(payload):
        raise DamagedTokenError("This token has unexpected bytes after its candidates.")
    if not any(c.usable for c in candidates):
        raise NoUsableCandidatesError(
            "This token has no network address anyone could connect to. The other side "
            "should check its network (webrtc-party doctor) and make a new token."
        )
    return Token(
        kind=kind,
        created=created,
        ttl=ttl,
        fingerprint=fingerprint,
        ice_key=ice_key,
        setup=SetupRole((flags >> 1) & 3),
        candidates=tuple(candidates),
        invite_ref=invite_ref,
        version=version,
        mapping=MappingHint((flags >> 3) & 3),
    )


def parse_token(text: str) -> Token:
    """Decode a pasted token without checking its age. Raises only ``TokenError``."""
    if not isinstance(text, str):
        raise NotATokenError("A token is text.")
    guesses = candidate_bodies(text)
    if not guesses:
        raise NotATokenError(
            "This is not a party token: a token starts with 'wpi' (invite) or 'wpa' (answer)."
        )
    errors: list[TokenError] = []
    for prefix, body in guesses:
        try:
            payload = _unframe(b62decode(body))
        except _UnframedError as exc:
            errors.append(exc)  # maybe chat words were included: try the shorter guesses
            continue
        except ValueError:  # an empty payload
            errors.append(DamagedTokenError(_TOO_SHORT))
            continue
        # The checksum passed: this guess is the token, and any error of it is the real one.
        return _decode_payload(prefix, payload)
    raise errors[0]


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


def check_fresh(token: Token, now: float, *, skew: int = MAX_CLOCK_SKEW) -> None:
    """Raise if the token is expired, or made in the future beyond ``skew`` seconds."""
    if token.created > now + skew:
        raise FutureTokenError(
            f"This token was made {_ago(token.created - now)} in the future. The clock on this "
            "computer or on your friend's is wrong; fix it and make a new token."
        )
    if now > token.expires:
        what = "invite" if token.kind is TokenKind.INVITE else "answer"
        raise ExpiredTokenError(
            f"This {what} expired {_ago(now - token.expires)} ago; ask for a new one.",
        )


def check_kind(token: Token, expect: TokenKind) -> None:
    """Raise ``WrongKindError`` (saying where this token goes) unless it is of ``expect``."""
    if token.kind is not expect:
        if token.kind is TokenKind.ANSWER:
            msg = (
                "This is an answer token, but an invite is expected here. An answer goes "
                "back to the friend who sent you the invite."
            )
        else:
            msg = (
                "This is an invite token, but an answer is expected here. Paste an invite "
                "where you join a party; here paste your friend's answer."
            )
        raise WrongKindError(msg)


def decode_token(text: str, *, now: float, expect: TokenKind | None = None) -> Token:
    """Decode a pasted token, check its kind and freshness. Raises only ``TokenError``."""
    token = parse_token(text)
    if expect is not None:
        check_kind(token, expect)
    check_fresh(token, now)
    return token
