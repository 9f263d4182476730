"""Token length and codec time vs the raw aiortc SDP deflated (zlib level 9) + base64.

Both sides describe the same session: one real offer/answer pair from stock aiortc
peer connections on 127.0.0.1, whose candidate lines are replaced by the same
candidate set (written with aioice's own foundation and priority formulas, as aiortc
would write them). The token goes through the real path: ``token_from_sdp`` on that
SDP (with the ICE ufrag our link derives and a fresh X25519 key) then ``encode_token``.
"format 1" is the same token in the previous layout (no ``ice_key``, ICE passwords
derived from the fingerprint), encoded here from its spec for the before/after column.

    python3 bench/bench_tokens.py [--quick]
"""

from __future__ import annotations

import asyncio
import base64
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from _common import args, environment_line, print_table, stock_host_addresses, summarize
from aioice.candidate import candidate_foundation, candidate_priority
from aiortc import RTCConfiguration, RTCPeerConnection
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from signaling.base62 import b62encode
from signaling.sdp import derive_ice_ufrag, sdp_from_token, token_from_sdp
from signaling.token import Token, TokenKind, decode_token, encode_token

PWD = "A" * 24  # the peer's ICE password: any valid one (not carried by the token)


def ice_key() -> bytes:
    return X25519PrivateKey.generate().public_key().public_bytes_raw()


def format1_length(token: Token) -> int:
    """Characters of ``token`` in format 1: the same fields minus the 32-byte ice_key."""
    flags = (1 if token.kind is TokenKind.ANSWER else 0) | (int(token.setup) << 1)
    body = bytearray(struct.pack(">BBIH32s", 1, flags, token.created, token.ttl, token.fingerprint))
    body += token.invite_ref or b""
    body.append(len(token.candidates))
    for c in token.candidates:
        head = int(c.type) | (0x04 if c.ip.version == 6 else 0)
        body += bytes([head]) + c.ip.packed + c.port.to_bytes(2, "big")
    body += zlib.crc32(body).to_bytes(4, "big")
    return 3 + len(b62encode(bytes(body)))


@dataclass(frozen=True)
class Cand:
    type: str  # host | srflx | relay
    ip: str
    port: int
    raddr: str | None = None
    rport: int | None = None

    def sdp_line(self) -> str:
        base = self.raddr if self.type == "srflx" and self.raddr else self.ip
        line = (
            f"a=candidate:{candidate_foundation(self.type, 'udp', base)} 1 udp "
            f"{candidate_priority(1, self.type)} {self.ip} {self.port} typ {self.type}"
        )
        if self.raddr is not None:
            line += f" raddr {self.raddr} rport {self.rport}"
        return line


# A home PC with a VPN: what aioice gathers, best first.
IPV4 = [
    Cand("host", "192.168.1.23", 54400),
    Cand("srflx", "203.0.113.45", 61937, "192.168.1.23", 54400),
    Cand("host", "10.8.0.6", 49152),
    Cand("srflx", "198.51.100.77", 50023, "10.8.0.6", 49152),
    Cand("host", "172.20.10.2", 57211),
    Cand("relay", "198.51.100.200", 63344, "203.0.113.45", 61937),
]
# Dual stack: global IPv6 (SLAAC and temporary) beside IPv4; aioice gathers srflx for IPv4 only.
MIXED = [
    Cand("host", "192.168.1.23", 54400),
    Cand("host", "2001:db8:4a2b:1:9c3e:71ff:fe2a:5b10", 54401),
    Cand("srflx", "203.0.113.45", 61937, "192.168.1.23", 54400),
    Cand("host", "2001:db8:4a2b:1:d4f1:2c9a:88e0:3b17", 54402),
    Cand("host", "10.8.0.6", 49152),
    Cand("host", "fd7a:115c:a1e0::4b1:2c0e", 49153),
]
CASES: list[tuple[str, list[Cand]]] = [
    *((f"{n} IPv4", IPV4[:n]) for n in range(1, 7)),
    ("4 mixed (2 v4 + 2 v6)", MIXED[:4]),
    ("6 mixed (3 v4 + 3 v6)", MIXED),
]


async def stock_session() -> tuple[str, str]:
    """One real offer and answer from stock aiortc on 127.0.0.1 (no STUN)."""
    with stock_host_addresses(["127.0.0.1"]):
        offerer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        answerer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        try:
            offerer.createDataChannel("party", negotiated=True, id=0)
            answerer.createDataChannel("party", negotiated=True, id=0)
            await offerer.setLocalDescription(await offerer.createOffer())
            await answerer.setRemoteDescription(offerer.localDescription)
            await answerer.setLocalDescription(await answerer.createAnswer())
            offer: str = offerer.localDescription.sdp
            answer: str = answerer.localDescription.sdp
        finally:
            await offerer.close()
            await answerer.close()
    return offer, answer


def with_candidates(sdp: str, cands: list[Cand]) -> str:
    """Replace the candidate lines; the m= port and c= line follow the default candidate
    (aioice's default is the lowest-priority one)."""
    default = min(cands, key=lambda c: candidate_priority(1, c.type))
    version = 6 if ":" in default.ip else 4
    out: list[str] = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            if not any(x.startswith("a=candidate:") for x in out):
                out.extend(c.sdp_line() for c in cands)
            continue
        if line.startswith("m=application "):
            proto = line.split(" ", 2)[2]
            line = f"m=application {default.port} {proto}"
        elif line.startswith("c=IN IP"):
            line = f"c=IN IP{version} {default.ip}"
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def fingerprint_of(sdp: str) -> bytes:
    for line in sdp.splitlines():
        if line.startswith("a=fingerprint:sha-256 "):
            return bytes.fromhex(line.split(" ", 1)[1].replace(":", ""))
    raise ValueError("no sha-256 fingerprint")


def derived_credentials(sdp: str) -> str:
    """The same SDP with the ICE ufrag our link derives from the fingerprint."""
    ufrag, pwd = derive_ice_ufrag(fingerprint_of(sdp)), PWD
    lines = []
    for line in sdp.splitlines():
        if line.startswith("a=ice-ufrag:"):
            line = f"a=ice-ufrag:{ufrag}"
        elif line.startswith("a=ice-pwd:"):
            line = f"a=ice-pwd:{pwd}"
        lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def deflate_b64(sdp: str) -> str:
    return base64.b64encode(zlib.compress(sdp.encode(), 9)).decode("ascii")


def inflate_b64(text: str) -> str:
    return zlib.decompress(base64.b64decode(text)).decode()


def candidate_set(sdp: str) -> set[tuple[str, str, int]]:
    found = set()
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            parts = line.split()
            found.add((parts[7], parts[4], int(parts[5])))
    return found


@dataclass(frozen=True)
class Case:
    label: str
    offer_sdp: str
    answer_sdp: str
    invite: Token
    answer: Token
    invite_text: str
    answer_text: str


def build_case(label: str, cands: list[Cand], offer: str, answer: str, now: int) -> Case:
    offer_sdp = with_candidates(offer, cands)
    answer_sdp = with_candidates(answer, cands)
    invite = token_from_sdp(
        derived_credentials(offer_sdp),
        kind=TokenKind.INVITE,
        created=now,
        ttl=600,
        ice_key=ice_key(),
    )
    reply = token_from_sdp(
        derived_credentials(answer_sdp),
        kind=TokenKind.ANSWER,
        created=now,
        ttl=600,
        ice_key=ice_key(),
        invite_ref=invite.ref,
    )
    invite_text, answer_text = encode_token(invite), encode_token(reply)
    # Consistency: the token carries exactly the SDP's candidates, and round-trips.
    rebuilt = sdp_from_token(decode_token(invite_text, now=now), PWD)
    expected = {(c.type, c.ip, c.port) for c in cands}
    if candidate_set(rebuilt) != expected or candidate_set(offer_sdp) != expected:
        raise SystemExit(f"{label}: candidate sets differ between SDP and token")
    if inflate_b64(deflate_b64(offer_sdp)) != offer_sdp:
        raise SystemExit(f"{label}: deflate round trip failed")
    return Case(label, offer_sdp, answer_sdp, invite, reply, invite_text, answer_text)


def per_call_us(func: Callable[[], object], samples: int, inner: int) -> list[float]:
    func()  # warm up
    out = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(inner):
            func()
        out.append((time.perf_counter_ns() - start) / inner / 1000)
    return out


def cell(values: list[float]) -> str:
    s = summarize(values)
    return f"{s.median:.1f} / {s.p90:.1f}"


def main() -> None:
    opts = args(__doc__ or "")
    samples, inner = (5, 40) if opts.quick else (31, 200)
    offer, answer = asyncio.run(stock_session())
    now = int(time.time())
    cases = [build_case(label, cands, offer, answer, now) for label, cands in CASES]

    print(f"Environment: {environment_line(opts.quick)}")
    print()
    size_rows = []
    for c in cases:
        deflated_offer = deflate_b64(c.offer_sdp)
        deflated_answer = deflate_b64(c.answer_sdp)
        size_rows.append(
            [
                c.label,
                format1_length(c.invite),
                len(c.invite_text),
                format1_length(c.answer),
                len(c.answer_text),
                len(c.offer_sdp.encode()),
                len(deflated_offer),
                len(deflated_answer),
                f"{len(c.invite_text) / len(deflated_offer):.3f}",
            ]
        )
    print_table(
        "Token length vs aiortc SDP deflated (zlib 9) + base64 (characters)",
        [
            "candidates",
            "invite, format 1 (before)",
            "invite token",
            "answer, format 1 (before)",
            "answer token",
            "raw offer SDP (bytes)",
            "offer deflate+b64",
            "answer deflate+b64",
            "invite / deflated offer",
        ],
        size_rows,
    )

    time_rows = []
    for c in cases:
        invite, text, sdp = c.invite, c.invite_text, c.offer_sdp
        ours_sdp = derived_credentials(sdp)
        deflated = deflate_b64(sdp)

        def to_token(s: str = ours_sdp, key: bytes = invite.ice_key) -> str:
            token = token_from_sdp(s, kind=TokenKind.INVITE, created=now, ttl=600, ice_key=key)
            return encode_token(token)

        def from_token(t: str = text) -> str:
            return sdp_from_token(decode_token(t, now=now), PWD)

        time_rows.append(
            [
                c.label,
                cell(per_call_us(partial(encode_token, invite), samples, inner)),
                cell(per_call_us(partial(decode_token, text, now=now), samples, inner)),
                cell(per_call_us(to_token, samples, inner)),
                cell(per_call_us(from_token, samples, inner)),
                cell(per_call_us(partial(deflate_b64, sdp), samples, inner)),
                cell(per_call_us(partial(inflate_b64, deflated), samples, inner)),
            ]
        )
    print_table(
        f"Codec time per invite, microseconds, median / p90 of {samples} samples x {inner} calls",
        [
            "candidates",
            "encode_token",
            "decode_token",
            "SDP -> token text",
            "token text -> SDP",
            "SDP -> deflate+b64",
            "deflate+b64 -> SDP",
        ],
        time_rows,
    )


if __name__ == "__main__":
    main()
