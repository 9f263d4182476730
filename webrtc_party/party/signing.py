"""Ed25519 signatures for everything a member says about itself.

The signature covers a domain prefix, the message type and the ``body`` text
exactly as sent, so a relay can neither alter nor re-label a record. A key is
bound to a member id the first time a valid self-signed state is seen
(trust on first use, per party); ``KeyRing`` keeps those bindings.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from webrtc_party.party._fields import canonical_json
from webrtc_party.party.messages import Intro, IntroKind, Leave, StateMessage
from webrtc_party.party.model import MemberId, MemberState, state_to_json

__all__ = [
    "KeyRing",
    "public_key_bytes",
    "sign_intro",
    "sign_leave",
    "sign_state",
    "verify_signed",
]

_DOMAIN = b"webrtc-party/1 "


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The 32 raw bytes of ``key``'s public half."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _signed_bytes(kind: str, body: str) -> bytes:
    return _DOMAIN + kind.encode("ascii") + b"\n" + body.encode("utf-8")


def _kind(msg: StateMessage | Leave | Intro) -> str:
    if isinstance(msg, StateMessage):
        return "state"
    if isinstance(msg, Leave):
        return "leave"
    return msg.kind.value


def sign_state(state: MemberState, key: Ed25519PrivateKey) -> StateMessage:
    body = canonical_json(state_to_json(state))
    return StateMessage(state, body, key.sign(_signed_bytes("state", body)))


def sign_leave(origin: MemberId, seq: int, key: Ed25519PrivateKey) -> Leave:
    body = canonical_json({"origin": origin, "seq": seq})
    return Leave(origin, seq, body, key.sign(_signed_bytes("leave", body)))


def sign_intro(
    kind: IntroKind,
    origin: MemberId,
    target: MemberId,
    intro_id: int,
    token: str,
    key: Ed25519PrivateKey,
) -> Intro:
    body = canonical_json({"origin": origin, "target": target, "id": intro_id, "token": token})
    sig = key.sign(_signed_bytes(kind.value, body))
    return Intro(kind, origin, target, intro_id, token, 0, body, sig)


def verify_signed(msg: StateMessage | Leave | Intro, public_key: bytes) -> bool:
    """True if ``msg.sig`` is ``public_key``'s signature of ``msg``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            msg.sig, _signed_bytes(_kind(msg), msg.body)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class KeyRing:
    """Member id -> public key, bound on first sight and never replaced."""

    def __init__(self) -> None:
        self._keys: dict[MemberId, bytes] = {}

    def get(self, member: MemberId) -> bytes | None:
        return self._keys.get(member)

    def admits(self, member: MemberId, key: bytes) -> bool:
        """True if ``key`` is (or may become) ``member``'s key."""
        bound = self._keys.get(member)
        return bound is None or bound == key

    def bind(self, member: MemberId, key: bytes) -> None:
        self._keys.setdefault(member, key)

    def drop(self, member: MemberId) -> None:
        """Forget ``member``'s binding (its goodbye was evicted: the store is bounded)."""
        self._keys.pop(member, None)

    def __len__(self) -> int:
        return len(self._keys)
