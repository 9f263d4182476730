"""The token codec: round trips, sizes, chat damage, and every specific error."""

from __future__ import annotations

import ipaddress
import time
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.base62 import b62decode, b62encode
from signaling.chat import MAX_BODY_CHARS
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
from signaling.token import (
    FORMAT_VERSION,
    MAX_CANDIDATES,
    MAX_TTL,
    CandidateType,
    SetupRole,
    Token,
    TokenCandidate,
    TokenKind,
    decode_token,
    encode_token,
    parse_token,
)

NOW = 1_790_000_000
_HEADER_SIZE = 1 + 1 + 4 + 2 + 32 + 32  # version flags created ttl fingerprint ice_key
ipv4 = st.builds(ipaddress.IPv4Address, st.integers(0x01000000, 0xDFFFFFFF))
ipv6 = st.builds(ipaddress.IPv6Address, st.integers(1 << 120, (1 << 128) - 1))
candidates = st.builds(
    TokenCandidate, st.sampled_from(CandidateType), ipv4 | ipv6, st.integers(1, 65535)
)


@st.composite
def tokens(draw: st.DrawFn) -> Token:
    kind = draw(st.sampled_from(TokenKind))
    cands = draw(st.lists(candidates, min_size=1, max_size=MAX_CANDIDATES))
    if not any(c.usable for c in cands):
        cands[0] = TokenCandidate(CandidateType.HOST, ipaddress.IPv4Address("192.0.2.1"), 9)
    return Token(
        kind=kind,
        created=draw(st.integers(0, 2**32 - 1)),
        ttl=draw(st.integers(1, MAX_TTL)),
        fingerprint=draw(st.binary(min_size=32, max_size=32)),
        ice_key=draw(st.binary(min_size=32, max_size=32)),
        setup=draw(
            st.sampled_from(
                SetupRole if kind is TokenKind.INVITE else [SetupRole.ACTIVE, SetupRole.PASSIVE]
            )
        ),
        candidates=tuple(cands),
        invite_ref=draw(st.binary(min_size=4, max_size=4)) if kind is TokenKind.ANSWER else None,
    )


def make(kind: TokenKind = TokenKind.INVITE, n: int = 2, created: int = NOW, v6: int = 0) -> Token:
    cands = [
        TokenCandidate(CandidateType.HOST, ipaddress.IPv4Address(f"192.168.1.{10 + i}"), 50000 + i)
        for i in range(n - v6)
    ] + [
        TokenCandidate(CandidateType.SRFLX, ipaddress.IPv6Address(f"2001:db8::{i + 1}"), 40000 + i)
        for i in range(v6)
    ]
    return Token(
        kind=kind,
        created=created,
        ttl=600,
        fingerprint=bytes(range(7, 39)),
        ice_key=bytes(range(100, 132)),
        setup=SetupRole.ACTPASS if kind is TokenKind.INVITE else SetupRole.ACTIVE,
        candidates=tuple(cands),
        invite_ref=b"\x01\x02\x03\x04" if kind is TokenKind.ANSWER else None,
    )


@given(tokens())
@settings(max_examples=300)
def test_round_trip(token: Token) -> None:
    text = encode_token(token)
    assert parse_token(text) == token
    assert text[:3] == token.kind.prefix


@given(tokens())
def test_text_is_discord_safe(token: Token) -> None:
    text = encode_token(token)
    assert text.isascii() and text.isalnum()
    assert not set(text) & set("*_~|`")


@given(st.binary(min_size=1, max_size=200).filter(lambda b: b[0] != 0))
def test_base62_round_trip(data: bytes) -> None:
    assert b62decode(b62encode(data)) == data


@given(st.text(max_size=300))
@settings(max_examples=400)
def test_random_text_raises_only_token_errors(text: str) -> None:
    with pytest.raises(TokenError):
        parse_token(text)


@given(
    st.binary(min_size=1, max_size=120).filter(lambda b: b[0] != 0), st.sampled_from(["wpi", "wpa"])
)
@settings(max_examples=400)
def test_random_bodies_raise_only_token_errors(body: bytes, prefix: str) -> None:
    try:
        parse_token(prefix + b62encode(body))
    except TokenError:
        return
    # Only a body with a valid CRC can decode; random bytes essentially never do.
    assert zlib.crc32(body[:-4]) == int.from_bytes(body[-4:], "big")


def test_invite_with_two_ipv4_candidates_is_short() -> None:
    # Format 2 adds the 32-byte ice_key (43-44 characters) to format 1's 81 and 87.
    assert len(encode_token(make(n=2))) <= 126
    assert len(encode_token(make(TokenKind.ANSWER, n=2))) <= 132
    assert len(encode_token(make(n=MAX_CANDIDATES, v6=4))) < 2000  # one Discord message


@pytest.mark.parametrize(
    "wrap",
    [
        "  {t}  ",
        "```\n{t}\n```",
        "`{t}`",
        '"{t}"',
        "\u201c{t}\u201d",
        "token: {t}",
        "Invite - {t} thanks!",
        "here {a}\n{b}\nok",
        "{a} {b}",
        "> {t}",
        "||{t}||",
        "**{t}**",
    ],
)
def test_decoding_survives_chat(wrap: str) -> None:
    token = make()
    text = encode_token(token)
    half = len(text) // 2
    pasted = wrap.format(t=text, a=text[:half], b=text[half:])
    assert decode_token(pasted, now=NOW) == token


def err(text: str, **kw: object) -> TokenError:
    with pytest.raises(TokenError) as info:
        decode_token(text, now=kw.pop("now", NOW), **kw)  # type: ignore[arg-type]
    return info.value


def test_errors_are_specific() -> None:
    text = encode_token(make())
    assert isinstance(err("hello there"), NotATokenError)
    flipped = text[:20] + ("A" if text[20] != "A" else "B") + text[21:]
    assert isinstance(err(flipped), DamagedTokenError)
    assert isinstance(err(text[:-3]), DamagedTokenError)
    assert isinstance(err(text[:10]), DamagedTokenError)
    expired = err(text, now=NOW + 600 + 5 * 60)
    assert isinstance(expired, ExpiredTokenError) and "5 minutes ago" in str(expired)
    future = err(text, now=NOW - 3600)
    assert isinstance(future, FutureTokenError) and "future" in str(future)
    assert decode_token(text, now=NOW - 60) == make()  # small skew tolerated
    wrong = err(text, expect=TokenKind.ANSWER)
    assert isinstance(wrong, WrongKindError) and "invite" in str(wrong)
    wrong = err(encode_token(make(TokenKind.ANSWER)), expect=TokenKind.INVITE)
    assert isinstance(wrong, WrongKindError) and "answer" in str(wrong)


def _raw(payload: bytes) -> bytes:
    return payload + zlib.crc32(payload).to_bytes(4, "big")


def _header(version: int = FORMAT_VERSION, count: int = 1) -> bytes:
    return (
        bytes([version, 0])
        + NOW.to_bytes(4, "big")
        + (600).to_bytes(2, "big")
        + bytes(32)  # fingerprint
        + bytes(range(32))  # ice_key
        + bytes([count])
    )


def test_structural_errors() -> None:
    one = bytes([0]) + bytes([192, 0, 2, 1]) + (5000).to_bytes(2, "big")
    newer = err("wpi" + b62encode(_raw(_header(version=FORMAT_VERSION + 1) + one)))
    assert isinstance(newer, UnsupportedTokenVersionError) and "newer version" in str(newer)
    many = _header(count=MAX_CANDIDATES + 1) + one * (MAX_CANDIDATES + 1)
    assert isinstance(err("wpi" + b62encode(_raw(many))), TooManyCandidatesError)
    unusable = bytes([0]) + bytes([0, 0, 0, 0]) + (5000).to_bytes(2, "big")
    assert isinstance(err("wpi" + b62encode(_raw(_header() + unusable))), NoUsableCandidatesError)
    assert isinstance(err("wpi" + b62encode(_raw(_header(count=0)))), NoUsableCandidatesError)
    assert isinstance(err("wpa" + b62encode(_raw(_header() + one))), DamagedTokenError)
    assert isinstance(err("wpi" + b62encode(_raw(_header() + one + b"x"))), DamagedTokenError)
    assert parse_token("wpi" + b62encode(_raw(_header() + one))).candidates[0].port == 5000


@pytest.mark.parametrize(
    "hostile",
    [
        "(wpi0" * 819,  # 4095 chars: ~800 prefix starts after formatting is removed
        ("(wpi" + "000") * 585,
        "wpi" + "0 " * 9000,  # one start, thousands of groups
        "```" + "wpa1" * 5000,
    ],
)
def test_hostile_text_is_rejected_quickly(hostile: str) -> None:
    started = time.process_time()
    with pytest.raises(TokenError):
        parse_token(hostile)
    assert time.process_time() - started < 0.5  # was 92 s for the first before the bound


def test_longest_token_still_decodes_from_chat() -> None:
    token = make(TokenKind.ANSWER, n=MAX_CANDIDATES, v6=MAX_CANDIDATES)
    text = encode_token(token)
    assert len(text) - 3 <= MAX_BODY_CHARS
    assert parse_token(f"here:\n```{text[:100]}\n{text[100:]}```\ncheers") == token


def test_the_real_error_wins_over_checksum_noise() -> None:
    zero_port = bytes([0]) + bytes([192, 0, 2, 1]) + (0).to_bytes(2, "big")
    text = "wpi" + b62encode(_raw(_header() + zero_port))
    with pytest.raises(DamagedTokenError, match="port 0"):
        parse_token(f"{text} thanks a lot")  # the longest guess fails the checksum first
    with pytest.raises(DamagedTokenError, match="too short"):
        parse_token("wpa0")


def test_an_answer_must_choose_a_dtls_role() -> None:
    answer = _header() + bytes([0]) + bytes([192, 0, 2, 1]) + (5000).to_bytes(2, "big")
    fixed = _HEADER_SIZE
    answer = (
        bytes([FORMAT_VERSION, 1]) + answer[2:fixed] + b"\x01\x02\x03\x04" + answer[fixed:]
    )  # kind=answer, setup=actpass
    with pytest.raises(DamagedTokenError, match="actpass"):
        parse_token("wpa" + b62encode(_raw(answer)))
    with pytest.raises(ValueError, match="actpass"):
        Token(**{**make(TokenKind.ANSWER).__dict__, "setup": SetupRole.ACTPASS})


def _format1_invite() -> str:
    """An invite exactly as format 1 wrote it (no ice_key), from the format-1 spec."""
    one = bytes([0]) + bytes([192, 0, 2, 1]) + (5000).to_bytes(2, "big")
    head = bytes([1, 0]) + NOW.to_bytes(4, "big") + (600).to_bytes(2, "big") + bytes(32)
    return "wpi" + b62encode(_raw(head + bytes([1]) + one))


def test_an_older_token_says_it_was_made_by_an_older_version() -> None:
    old = err(_format1_invite())
    assert isinstance(old, UnsupportedTokenVersionError)
    assert "older version" in str(old) and "update" in str(old)
    assert isinstance(err(f"here: `{_format1_invite()}` thx"), UnsupportedTokenVersionError)


def test_ice_key_is_carried_and_checked() -> None:
    token = make()
    assert parse_token(encode_token(token)).ice_key == token.ice_key
    with pytest.raises(ValueError, match="ice_key"):
        Token(**{**token.__dict__, "ice_key": b"short"})
