"""Screening of introduction tokens: where a member may make this node send ICE checks.

An introduction token comes from another party member, not from the user's paste, so a
hostile member could aim our connectivity checks at any address. Before such a token is
used, candidates to loopback, unspecified, multicast or reserved addresses, and to this
machine's own addresses, are dropped (signaling's public codec decodes and re-encodes the
token); a token with nothing left is refused. Loopback and own addresses stay allowed
when the link configuration itself gathers loopback candidates (every member on one
machine, as in tests).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Collection

from signaling.errors import NoUsableCandidatesError
from signaling.token import TokenCandidate, TokenKind, decode_token, encode_token

__all__ = ["screen_intro_token", "unwanted_candidate"]


def unwanted_candidate(
    candidate: TokenCandidate, own: Collection[str], allow_loopback: bool
) -> str | None:
    """Why ``candidate`` must not be tried, or None if it may."""
    ip = candidate.ip
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{ip} is unspecified, multicast or reserved"
    if allow_loopback:
        return None
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    if str(ip) in own or (mapped is not None and str(mapped) in own):
        return f"{ip} is an address of this machine"
    return None


def screen_intro_token(
    text: str,
    *,
    now: float,
    expect: TokenKind,
    own: Collection[str],
    allow_loopback: bool,
) -> str:
    """``text`` without the candidates we refuse (re-encoded), or ``TokenError``."""
    token = decode_token(text, now=now, expect=expect)
    kept = tuple(
        c for c in token.candidates if unwanted_candidate(c, own, allow_loopback) is None
    )
    if not kept:
        raise NoUsableCandidatesError(
            "the introduction token has no candidate this node may contact"
        )
    if len(kept) == len(token.candidates):
        return text
    return encode_token(dataclasses.replace(token, candidates=kept))
