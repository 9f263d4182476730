"""Fuzz targets for token decoding and chat recovery (issue 12, item 7).

Each target is a Hypothesis strategy plus a check. ``tests/test_fuzz_tokens.py``
runs every target with a small budget in the default test run;
``bench/fuzz_tokens.py --cases 100000`` runs the same targets long (docs/token.md).

The promise checked everywhere: decoding any text either returns a ``Token`` or
raises a ``TokenError`` (never another exception), and a token that decodes is
canonical (encoding it gives back exactly what was decoded).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from signaling.base62 import ALPHABET, b62encode
from signaling.chat import MAX_BODY_CHARS, MAX_STARTS, PREFIXES, candidate_bodies
from signaling.errors import TokenError
from signaling.token import FORMAT_VERSION, Token, encode_token, parse_token
from tests.test_token import tokens

__all__ = ["TARGETS", "Target"]

WRAPPERS = "`\"'*_~|<>[]()\u201c\u201d\u00ab\u00bb"
SPACES = [" ", "\n", "\r\n", "\t", "  "]


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


def _decodes_or_token_error(text: str) -> Token | None:
    try:
        token = parse_token(text)
    except TokenError:
        return None
    assert parse_token(encode_token(token)) == token
    return token


# -- text decoding --------------------------------------------------------------

# Text that often looks like a token: prefixes, base62 runs, chat punctuation, noise.
_pieces = st.one_of(
    st.sampled_from([*PREFIXES, " ", "\n", "```", "**", "||", ":", "wp", "wpi0", "wpa1"]),
    st.text(alphabet=ALPHABET, min_size=1, max_size=80),
    st.text(max_size=20),
)
token_like_text = st.lists(_pieces, max_size=30).map("".join)


def check_text(text: str) -> None:
    _decodes_or_token_error(text)


# -- framed payloads: random bytes behind a valid CRC, so the checks past it run ------


@st.composite
def framed(draw: st.DrawFn) -> tuple[str, bytes]:
    version = draw(st.sampled_from([FORMAT_VERSION, FORMAT_VERSION, 1, 3, 255]))
    size = draw(st.integers(0, 260))
    body = bytes([version]) + draw(st.binary(min_size=size, max_size=size))
    prefix = draw(st.sampled_from(PREFIXES))
    return prefix, body + zlib.crc32(body).to_bytes(4, "big")


def check_framed(case: tuple[str, bytes]) -> None:
    prefix, raw = case
    text = prefix + b62encode(raw)
    token = _decodes_or_token_error(text)
    if token is not None:
        assert encode_token(token) == text, "a decoded token is not canonical"


# -- structured mutations of real tokens ----------------------------------------------


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = encode_token(draw(tokens()))
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "drop", "insert", "swap", "cut", "case"]))
        at = draw(st.integers(0, max(0, len(chars) - 1)))
        if op == "flip" and chars:
            chars[at] = draw(st.sampled_from(ALPHABET))
        elif op == "drop" and chars:
            del chars[at]
        elif op == "insert":
            chars.insert(at, draw(st.characters()))
        elif op == "swap" and at + 1 < len(chars):
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
        elif op == "cut":
            chars = chars[:at]
        elif op == "case" and chars:
            chars[at] = chars[at].swapcase()
    return "".join(chars)


# -- chat recovery: a real token as people paste it -----------------------------------


@st.composite
def pasted(draw: st.DrawFn) -> tuple[Token, str]:
    token = draw(tokens())
    text = encode_token(token)
    cuts = sorted(draw(st.sets(st.integers(3, len(text) - 1), max_size=4)))
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    glue = [draw(st.sampled_from([*SPACES, "** ", "\n> ", " `"])) for _ in parts[1:]]
    body = parts[0] + "".join(g + p for g, p in zip(glue, parts[1:], strict=True))
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz!?.,:", min_size=1, max_size=10)
    before = " ".join(draw(st.lists(words, max_size=4)))
    after = " ".join(draw(st.lists(words, max_size=6)))
    left, right = draw(st.sampled_from(["", "`", "```\n", '"', "\u201c", "||", "**"])), ""
    right = {"`": "`", "```\n": "\n```", '"': '"', "\u201c": "\u201d", "||": "||", "**": "**"}.get(
        left, ""
    )
    return token, f"{before} {left}{body}{right} {after}"


def check_pasted(case: tuple[Token, str]) -> None:
    token, text = case
    assert parse_token(text) == token, text


def check_bodies(text: str) -> None:
    guesses = candidate_bodies(text)
    # each start gives one guess per group it joined, and a group has a character at least
    assert len(guesses) <= MAX_STARTS * MAX_BODY_CHARS
    for prefix, body in guesses:
        assert prefix in PREFIXES
        assert body and body.isascii() and body.isalnum() and len(body) <= MAX_BODY_CHARS


TARGETS = [
    Target("decode: token-like text", token_like_text, check_text),
    Target("decode: any text", st.text(max_size=400), check_text),
    Target("decode: framed payloads (valid CRC)", framed(), check_framed),
    Target("decode: mutated tokens", mutated(), check_text),
    Target("chat recovery: pasted tokens", pasted(), check_pasted),
    Target("chat recovery: candidate bodies", token_like_text, check_bodies),
]
