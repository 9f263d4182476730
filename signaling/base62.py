"""Base62 text for binary tokens.

Base62 ([0-9A-Za-z]) has no character that chat markdown touches (no ``* _ ~ |``
or backticks) and no punctuation, so a double-click selects a whole token. It
is a dozen lines over Python's big integers, not worth a dependency.

The payload's first byte must be non-zero (it is the format version), so the
big-integer round trip keeps every byte.
"""

from __future__ import annotations

__all__ = ["ALPHABET", "b62decode", "b62encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def b62encode(data: bytes) -> str:
    if not data or data[0] == 0:
        raise ValueError("base62 payload must start with a non-zero byte")
    n = int.from_bytes(data, "big")
    out: list[str] = []
    while n:
        n, r = divmod(n, 62)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def b62decode(text: str) -> bytes:
    """Decode base62; raises ``ValueError`` on a character outside the alphabet."""
    n = 0
    for c in text:
        digit = _INDEX.get(c)
        if digit is None:
            raise ValueError(f"character {c!r} is not base62")
        n = n * 62 + digit
    if n == 0:
        raise ValueError("empty base62 payload")
    return n.to_bytes((n.bit_length() + 7) // 8, "big")
