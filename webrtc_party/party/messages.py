"""Party messages on the data channel and their codec.

Every message is one JSON object with ``type`` and ``v`` (the protocol
version). Unknown types and unknown keys are ignored; every known field is
checked strictly. Signed messages (state, leave, introductions) carry their
signed content as a JSON text in ``body`` so that relays forward it byte for
byte, unknown keys included; ``sig`` is the origin's Ed25519 signature.
See docs/protocol.md for the normative tables.
"""

from __future__ import annotations

import base64
import enum
import json
import re
from dataclasses import dataclass
from typing import Any

from webrtc_party.party._fields import (
    get_b64,
    get_int,
    get_obj,
    get_str,
    parse_object,
)
from webrtc_party.party.errors import (
    FieldError,
    MessageTooLargeError,
    ProtocolError,
    UnsupportedProtocolVersionError,
)
from webrtc_party.party.model import (
    KEY_SIZE,
    MemberId,
    MemberIdentity,
    MemberState,
    get_member_id,
    identity_from_json,
    identity_to_json,
    state_from_json,
)

__all__ = [
    "MAX_BODY_SIZE",
    "MAX_HOPS",
    "MAX_MESSAGE_SIZE",
    "MAX_TOKEN_SIZE",
    "PROTOCOL_VERSION",
    "RELAY_HEADROOM",
    "SIG_SIZE",
    "Beat",
    "Hello",
    "Intro",
    "IntroKind",
    "Leave",
    "Message",
    "MessageType",
    "Ping",
    "Pong",
    "StateMessage",
    "Sync",
    "check_token",
    "decode_message",
    "encode_message",
    "parse_intro_body",
    "parse_leave_body",
]

PROTOCOL_VERSION = 1
MAX_MESSAGE_SIZE = 16_384
MAX_BODY_SIZE = 6_144
MAX_TOKEN_SIZE = 4_096
MAX_SYNC_RECORDS = 64
MAX_BEATS = 32
MAX_CAPS = 16
MAX_HOPS = 32
SIG_SIZE = 64
RELAY_HEADROOM = 64
"""Bytes a record or introduction must leave free below the size limit: a relay re-encodes
it (one more hop) or wraps it in a full sync, and the result must still fit."""
_RELAYED = frozenset({"state", "leave", "intro-offer", "intro-answer"})
_TOKEN = re.compile(r"[\x21-\x7e]+")


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise FieldError(message)


class MessageType(enum.StrEnum):
    HELLO = "hello"
    STATE = "state"
    SYNC = "sync"
    LEAVE = "leave"
    PING = "ping"
    PONG = "pong"
    INTRO_OFFER = "intro-offer"
    INTRO_ANSWER = "intro-answer"


class IntroKind(enum.StrEnum):
    OFFER = "intro-offer"
    ANSWER = "intro-answer"


@dataclass(frozen=True, slots=True)
class Hello:
    """First message on every link: who is speaking and with which key."""

    version: int
    app_version: str
    capabilities: tuple[str, ...]
    identity: MemberIdentity
    key: bytes

    def __post_init__(self) -> None:
        _require(len(self.key) == KEY_SIZE, "an Ed25519 public key is 32 bytes")
        _require(len(self.capabilities) <= MAX_CAPS, f"at most {MAX_CAPS} capabilities")


@dataclass(frozen=True, slots=True)
class StateMessage:
    """A member state signed by its origin; ``body`` is the signed JSON text."""

    state: MemberState
    body: str
    sig: bytes

    def __post_init__(self) -> None:
        _require(len(self.sig) == SIG_SIZE, "an Ed25519 signature is 64 bytes")


@dataclass(frozen=True, slots=True)
class Leave:
    """A signed goodbye: the origin leaves the party after state ``seq - 1``."""

    origin: MemberId
    seq: int
    body: str
    sig: bytes

    def __post_init__(self) -> None:
        _require(len(self.sig) == SIG_SIZE, "an Ed25519 signature is 64 bytes")


@dataclass(frozen=True, slots=True)
class Sync:
    """Everything the sender knows: states and recent goodbyes."""

    records: tuple[StateMessage | Leave, ...]


@dataclass(frozen=True, slots=True)
class Beat:
    """``member`` was heard at heartbeat ``(incarnation, beat)``, ``hops`` away."""

    member: MemberId
    incarnation: int
    beat: int
    hops: int

    def __post_init__(self) -> None:
        _require(0 <= self.hops <= MAX_HOPS, f"hops are 0..{MAX_HOPS}")


@dataclass(frozen=True, slots=True)
class Ping:
    """Heartbeat; ``digest`` summarises the sender's records (anti-entropy)."""

    ping_id: int
    beats: tuple[Beat, ...]
    digest: str = ""


@dataclass(frozen=True, slots=True)
class Pong:
    ping_id: int


@dataclass(frozen=True, slots=True)
class Intro:
    """An introduction token routed from ``origin`` to ``target`` (signed by origin)."""

    kind: IntroKind
    origin: MemberId
    target: MemberId
    intro_id: int
    token: str
    hops: int
    body: str
    sig: bytes

    def __post_init__(self) -> None:
        check_token(self.token)
        _require(0 <= self.hops <= MAX_HOPS, f"hops are 0..{MAX_HOPS}")
        _require(len(self.sig) == SIG_SIZE, "an Ed25519 signature is 64 bytes")


Message = Hello | StateMessage | Sync | Leave | Ping | Pong | Intro


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _signed_json(kind: str, body: str, sig: bytes) -> dict[str, Any]:
    return {"type": kind, "v": PROTOCOL_VERSION, "body": body, "sig": _b64(sig)}


def _to_json(msg: Message) -> dict[str, Any]:
    v = PROTOCOL_VERSION
    match msg:
        case Hello():
            return {
                "type": "hello",
                "v": msg.version,
                "app": msg.app_version,
                "caps": list(msg.capabilities),
                "member": identity_to_json(msg.identity),
                "key": _b64(msg.key),
            }
        case StateMessage():
            return _signed_json("state", msg.body, msg.sig)
        case Leave():
            return _signed_json("leave", msg.body, msg.sig)
        case Sync():
            return {"type": "sync", "v": v, "records": [_to_json(r) for r in msg.records]}
        case Ping():
            beats = [[b.member, b.incarnation, b.beat, b.hops] for b in msg.beats]
            return {"type": "ping", "v": v, "id": msg.ping_id, "beats": beats, "dg": msg.digest}
        case Pong():
            return {"type": "pong", "v": v, "id": msg.ping_id}
        case Intro():
            out = _signed_json(msg.kind.value, msg.body, msg.sig)
            out["hops"] = msg.hops
            return out


def encode_message(msg: Message, max_size: int = MAX_MESSAGE_SIZE) -> str:
    """Encode ``msg`` as compact JSON; ``FieldError`` if it exceeds ``max_size`` bytes."""
    text = json.dumps(_to_json(msg), separators=(",", ":"), ensure_ascii=False)
    if len(text.encode("utf-8")) > max_size:
        raise FieldError(f"party message of type {type(msg).__name__} exceeds {max_size} bytes")
    return text


def _signed_parts(obj: dict[str, Any], what: str) -> tuple[str, bytes, dict[str, Any]]:
    body = get_str(obj, "body", 2, MAX_BODY_SIZE)
    sig = get_b64(obj, "sig", SIG_SIZE)
    return body, sig, parse_object(body, f"{what} body")


def _decode_state(obj: dict[str, Any]) -> StateMessage:
    body, sig, inner = _signed_parts(obj, "state")
    return StateMessage(state_from_json(inner), body, sig)


def parse_leave_body(inner: dict[str, Any]) -> tuple[MemberId, int]:
    return get_member_id(inner, "origin"), get_int(inner, "seq")


def _decode_leave(obj: dict[str, Any]) -> Leave:
    body, sig, inner = _signed_parts(obj, "leave")
    origin, seq = parse_leave_body(inner)
    return Leave(origin, seq, body, sig)


def check_token(token: str) -> str:
    """``token`` if it may travel in an introduction, else ``FieldError``."""
    if not 1 <= len(token) <= MAX_TOKEN_SIZE or not _TOKEN.fullmatch(token):
        raise FieldError(
            f"an introduction token is 1..{MAX_TOKEN_SIZE} printable ASCII characters, no spaces"
        )
    return token


def parse_intro_body(inner: dict[str, Any]) -> tuple[MemberId, MemberId, int, str]:
    token = get_str(inner, "token", 1, MAX_TOKEN_SIZE)
    if not _TOKEN.fullmatch(token):
        raise ProtocolError("an introduction token is printable ASCII without spaces")
    origin = get_member_id(inner, "origin")
    target = get_member_id(inner, "target")
    return origin, target, get_int(inner, "id"), token


def _decode_intro(kind: IntroKind, obj: dict[str, Any]) -> Intro:
    body, sig, inner = _signed_parts(obj, kind.value)
    origin, target, intro_id, token = parse_intro_body(inner)
    hops = get_int(obj, "hops", 0, MAX_HOPS)
    return Intro(kind, origin, target, intro_id, token, hops, body, sig)


def _decode_hello(obj: dict[str, Any]) -> Hello:
    caps = obj.get("caps")
    if not isinstance(caps, list) or len(caps) > MAX_CAPS:
        raise ProtocolError(f"field 'caps' must be a list of at most {MAX_CAPS} strings")
    checked = tuple(get_str({"cap": c}, "cap", 1, 32) for c in caps)
    return Hello(
        version=get_int(obj, "v", 0, 10_000),
        app_version=get_str(obj, "app", 1, 32),
        capabilities=checked,
        identity=identity_from_json(get_obj(obj, "member")),
        key=get_b64(obj, "key", KEY_SIZE),
    )


def _check_relayable(msg: StateMessage | Leave, max_size: int) -> None:
    """A record inside a sync must fit, re-encoded on its own, within the relay limit."""
    if len(encode_message(msg, 1 << 30).encode()) > max_size - RELAY_HEADROOM:
        raise MessageTooLargeError(
            f"a sync record larger than {max_size - RELAY_HEADROOM} bytes cannot be relayed"
        )


def _decode_sync(obj: dict[str, Any], max_size: int) -> Sync:
    records = obj.get("records")
    if not isinstance(records, list) or len(records) > MAX_SYNC_RECORDS:
        raise ProtocolError(f"field 'records' must be a list of at most {MAX_SYNC_RECORDS}")
    out: list[StateMessage | Leave] = []
    for rec in records:
        if not isinstance(rec, dict):
            raise ProtocolError("a sync record must be an object")
        kind = rec.get("type")
        record: StateMessage | Leave
        if kind == "state":
            record = _decode_state(rec)
        elif kind == "leave":
            record = _decode_leave(rec)
        else:
            continue
        _check_relayable(record, max_size)
        out.append(record)
    return Sync(tuple(out))


def _decode_ping(obj: dict[str, Any]) -> Ping:
    raw = obj.get("beats")
    if not isinstance(raw, list) or len(raw) > MAX_BEATS:
        raise ProtocolError(f"field 'beats' must be a list of at most {MAX_BEATS}")
    beats = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 4:
            raise ProtocolError("a beat is [member, incarnation, beat, hops]")
        fields = dict(zip(("member", "inc", "beat", "hops"), item, strict=True))
        beats.append(
            Beat(
                get_member_id(fields, "member"),
                get_int(fields, "inc"),
                get_int(fields, "beat"),
                get_int(fields, "hops", 0, MAX_HOPS),
            )
        )
    digest = "" if obj.get("dg") is None else get_str(obj, "dg", 0, 32)
    return Ping(get_int(obj, "id"), tuple(beats), digest)


def decode_message(text: str, max_size: int = MAX_MESSAGE_SIZE) -> Message | None:
    """Decode one data-channel message.

    Returns ``None`` for a message type this release does not know. Raises
    ``ProtocolError`` (only) for anything malformed, too large or of an
    unsupported version. Records and introductions (also inside a sync) must
    leave ``RELAY_HEADROOM`` bytes free, so that relaying them never exceeds
    ``max_size``.
    """
    try:
        size = len(text) if len(text) > max_size else len(text.encode())
        if size > max_size:
            raise MessageTooLargeError(f"party message larger than {max_size} bytes")
        obj = parse_object(text, "party message")
        kind = obj.get("type")
        if not isinstance(kind, str):
            raise ProtocolError("field 'type' must be a string")
        if kind not in MessageType._value2member_map_:
            return None
        if kind in _RELAYED and size > max_size - RELAY_HEADROOM:
            raise MessageTooLargeError(
                f"a {kind} larger than {max_size - RELAY_HEADROOM} bytes cannot be relayed"
            )
        if kind == MessageType.HELLO:
            return _decode_hello(obj)
        version = get_int(obj, "v", 0, 10_000)
        if version != PROTOCOL_VERSION:
            raise UnsupportedProtocolVersionError(
                f"party protocol version {version} is not supported"
            )
        match MessageType(kind):
            case MessageType.STATE:
                return _decode_state(obj)
            case MessageType.LEAVE:
                return _decode_leave(obj)
            case MessageType.SYNC:
                return _decode_sync(obj, max_size)
            case MessageType.PING:
                return _decode_ping(obj)
            case MessageType.PONG:
                return Pong(get_int(obj, "id"))
            case MessageType.INTRO_OFFER | MessageType.INTRO_ANSWER:
                return _decode_intro(IntroKind(kind), obj)
        return None
    except FieldError as exc:
        raise ProtocolError(f"bad party message: {exc}") from exc
    except UnicodeError as exc:
        raise ProtocolError("party message is not valid UTF-8 text") from exc
