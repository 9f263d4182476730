"""Strict readers for decoded JSON objects (private to the party package).

Every reader raises ``ProtocolError`` with a message naming the field; ``bool``
is never accepted where an integer is expected.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from webrtc_party.party.errors import ProtocolError

__all__ = [
    "canonical_json",
    "get_b64",
    "get_int",
    "get_obj",
    "get_opt_int",
    "get_str",
    "parse_object",
    "printable",
]

MAX_SAFE_INT = 2**53 - 1


def parse_object(text: str, what: str) -> dict[str, Any]:
    """Parse ``text`` as a JSON object or raise ``ProtocolError``."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"{what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return value


def canonical_json(obj: object) -> str:
    """Compact, key-sorted JSON: the exact text a signature covers."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def printable(text: str) -> bool:
    """True if ``text`` has no control characters (C0, DEL, C1)."""
    return all(ch.isprintable() for ch in text)


def get_obj(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise ProtocolError(f"field {key!r} must be an object")
    return value


def get_int(obj: dict[str, Any], key: str, lo: int = 0, hi: int = MAX_SAFE_INT) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"field {key!r} must be an integer")
    if not lo <= value <= hi:
        raise ProtocolError(f"field {key!r} is out of range [{lo}, {hi}]")
    return value


def get_opt_int(obj: dict[str, Any], key: str, lo: int = 0, hi: int = MAX_SAFE_INT) -> int | None:
    if obj.get(key) is None:
        return None
    return get_int(obj, key, lo, hi)


def get_str(obj: dict[str, Any], key: str, min_len: int, max_len: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"field {key!r} must be a string")
    if not min_len <= len(value) <= max_len:
        raise ProtocolError(f"field {key!r} must be {min_len}..{max_len} characters")
    if not printable(value):
        raise ProtocolError(f"field {key!r} has control characters")
    return value


def get_b64(obj: dict[str, Any], key: str, size: int) -> bytes:
    text = get_str(obj, key, 1, 4 * ((size + 2) // 3))
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(f"field {key!r} is not base64") from exc
    if len(raw) != size:
        raise ProtocolError(f"field {key!r} must decode to {size} bytes")
    return raw
