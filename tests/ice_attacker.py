"""A third party on the network that speaks ICE: the onlooker of docs/token.md.

It owns a UDP socket on 127.0.0.1 and sends connectivity checks from it with
whatever credentials it has; a check sent to it is answered (signed with the
credentials it believes in) when ``answer`` is on, so a side that believes it
nominates the attacker's address. ``seen`` records every packet that reached the
socket, which is how a test counts what one spoofed packet costs the victim.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import cast

import aioice.stun as stun

from signaling.token import Token, TokenCandidate
from tests.helpers import ice_of
from webrtc_party import _aioice_patch as patch
from webrtc_party.link import Link


def format1_credentials(fingerprint: bytes) -> tuple[str, str]:
    """The ICE ufrag and pwd that format 1 derived from a token's fingerprint alone."""

    def derive(label: bytes, length: int) -> str:
        digest = hashlib.sha256(b"webrtc-party/v1/" + label + fingerprint).digest()
        return base64.b64encode(digest).decode("ascii")[:length]

    return derive(b"ice-ufrag", 8), derive(b"ice-pwd", 24)


@dataclass
class Side:
    """What the attacker believes about one end: its ufrag, pwd and address."""

    ufrag: str
    pwd: str
    address: tuple[str, int]


def side_from_token(token: Token) -> Side:
    """Everything an onlooker can compute about the token's sender."""
    ufrag, pwd = format1_credentials(token.fingerprint)
    first: TokenCandidate = token.candidates[0]
    return Side(ufrag, pwd, (str(first.ip), first.port))


def side_from_link(link: Link) -> Side:
    """The real credentials of a link's local end (an attacker who stole them)."""
    conn = ice_of(link)
    pair = patch.selected_pair(conn)
    if pair is not None:
        address = (pair[0].host, pair[0].port)
    else:
        local = conn.local_candidates[0]
        address = (local.host, local.port)
    return Side(conn.local_username, conn.local_password, address)


@dataclass
class Attacker(asyncio.DatagramProtocol):
    answer: bool = True
    seen: list[tuple[stun.Message | None, tuple[str, int]]] = field(default_factory=list)
    checks_received: int = 0
    transport: asyncio.DatagramTransport | None = None
    # ufrag -> pwd the attacker signs its answers with (it impersonates that side)
    keys: dict[str, str] = field(default_factory=dict)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    @property
    def address(self) -> tuple[str, int]:
        assert self.transport is not None
        host, port = self.transport.get_extra_info("sockname")[:2]
        return host, port

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            message: stun.Message | None = stun.parse_message(data)
        except ValueError:
            message = None
        self.seen.append((message, addr))
        if message is None or message.message_class != stun.Class.REQUEST:
            return
        self.checks_received += 1
        username = message.attributes.get("USERNAME", "")
        pwd = self.keys.get(username.partition(":")[0])
        if not self.answer or pwd is None:
            return
        response = stun.Message(
            message_method=stun.Method.BINDING,
            message_class=stun.Class.RESPONSE,
            transaction_id=message.transaction_id,
        )
        response.attributes["XOR-MAPPED-ADDRESS"] = addr
        response.add_message_integrity(pwd.encode())
        assert self.transport is not None
        self.transport.sendto(bytes(response), addr)

    def send_check(self, target: Side, source: Side, *, controlling: bool) -> None:
        """A check to ``target`` claiming to come from ``source``, nominating us."""
        request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        request.attributes["USERNAME"] = f"{target.ufrag}:{source.ufrag}"
        request.attributes["PRIORITY"] = 0x7EFFFFFF  # above every real candidate
        tie = secrets.randbits(64) | (1 << 63)  # wins role conflicts
        if controlling:
            request.attributes["ICE-CONTROLLING"] = tie
            request.attributes["USE-CANDIDATE"] = None
        else:
            request.attributes["ICE-CONTROLLED"] = tie
        request.add_message_integrity(target.pwd.encode())
        assert self.transport is not None
        self.transport.sendto(bytes(request), target.address)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def requests_from(self, address: tuple[str, int]) -> int:
        return sum(
            1
            for message, addr in self.seen
            if addr == address
            and message is not None
            and message.message_class == stun.Class.REQUEST
        )


async def attacker(host: str = "127.0.0.1", *, answer: bool = True) -> Attacker:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_datagram_endpoint(
        lambda: Attacker(answer=answer), local_addr=(host, 0)
    )
    return protocol


async def renominate(
    thief: Attacker, offerer: Side, answerer: Side, *, seconds: float, every: float = 0.2
) -> None:
    """The re-nomination attack on both ends: answer what comes back, keep at it."""
    thief.keys = {offerer.ufrag: offerer.pwd, answerer.ufrag: answerer.pwd}
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        thief.send_check(answerer, offerer, controlling=True)  # the answerer is controlled
        thief.send_check(offerer, answerer, controlling=False)
        await asyncio.sleep(every)
