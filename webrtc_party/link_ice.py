"""The link's ICE glue: which servers, which credentials, and the NAT helpers.

``Link`` (link.py) owns the states and the tasks; this module answers its ICE questions
and runs its ICE chores, each a function of what it is given:
- the ICE servers: the first STUN server to answer (with what it tells of our NAT
  mapping) and the TURN server, if one is configured;
- the credentials: the ufrag from our DTLS fingerprint, a placeholder password until the
  peer's key is known, then both passwords from the X25519 agreement (docs/link.md);
- while an invite waits: STUN keepalives so our NAT mapping stays the one in the token;
- while connecting: hole punching when exactly one side's NAT is hard (docs/nat.md).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
from collections.abc import Callable

from aioice import Connection
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from signaling.sdp import IcePasswords, derive_ice_passwords, derive_ice_ufrag
from signaling.token import MappingHint, Token
from webrtc_party import _aioice_patch as patch
from webrtc_party.config import LinkConfig
from webrtc_party.nat.ipv6 import ipv6_may_connect
from webrtc_party.nat.mapping import MappingSense, pick_and_sense
from webrtc_party.punch import PunchRole, PunchSettings, punch, punch_role

__all__ = [
    "BOTH_HARD",
    "NO_TURN_HINT",
    "PUNCH_AFTER",
    "ice_passwords",
    "ice_servers",
    "keep_mapping_alive",
    "own_fingerprint",
    "placeholder_password",
    "prepare_ice",
    "punch_when_stuck",
    "rtc_configuration",
]

logger = logging.getLogger(__name__)
PUNCH_AFTER = 1.0  # seconds of normal checks before punching (docs/nat.md)
BOTH_HARD = (
    "Both networks give a new public port for every destination (symmetric NAT), so no "
    "direct path can be found. Configure a TURN server (--turn, see docs/nat.md) or join "
    "through another party member who can relay."
)
NO_TURN_HINT = (
    "The two networks could not reach each other directly. Configure a TURN server "
    "(--turn, see docs/nat.md) or join through another party member."
)


async def ice_servers(
    config: LinkConfig, link_id: int
) -> tuple[list[RTCIceServer], MappingSense | None]:
    """The servers to gather with, and our NAT mapping if a STUN server was asked
    (None: none was, the link keeps what it had)."""
    servers: list[RTCIceServer] = []
    mapping: MappingSense | None = None
    if config.stun and not config.relay_only:
        answer, mapping = await pick_and_sense(config.stun, config.stun_timeout)
        if answer is None:
            logger.warning("link %d: no STUN server answered; host candidates only", link_id)
        else:
            ip, port = answer.address
            servers.append(RTCIceServer(urls=f"stun:{ip}:{port}"))
            logger.info("link %d: NAT mapping %s", link_id, mapping)
    turn = config.turn
    if turn is not None:
        servers.append(
            RTCIceServer(urls=turn.url, username=turn.username, credential=turn.password)
        )
    return servers, mapping


def rtc_configuration(config: LinkConfig, servers: list[RTCIceServer]) -> RTCConfiguration:
    """aiortc's configuration: ``servers``, and relays only if ``config`` says so."""
    cfg = RTCConfiguration(iceServers=servers)
    if config.relay_only:
        cfg.iceTransportPolicy = RTCIceTransportPolicy.RELAY
    return cfg


def prepare_ice(pc: RTCPeerConnection, config: LinkConfig) -> patch.ConnectionOptions:
    """Harden ``pc``'s ICE connection (``_aioice_patch``) and set our ufrag; returns the
    options the link changes later (holding and releasing checks, their deadline)."""
    conn = patch.ice_connection(pc)
    options = patch.ConnectionOptions(
        policy=config.interfaces,
        gather_timeout=config.gather_timeout,
        late_answers=config.late_answer_fix,
    )
    patch.configure(conn, options)
    # The password is set once the peer's key is known (the offerer: when the answer
    # comes); until then a random one nobody knows, and the offerer holds all checks.
    patch.set_local_credentials(conn, derive_ice_ufrag(own_fingerprint(pc)), placeholder_password())
    return options


def placeholder_password() -> str:
    """A random ICE password nobody knows, until the peer's key gives the real one."""
    return base64.b64encode(secrets.token_bytes(18)).decode("ascii")


def own_fingerprint(pc: RTCPeerConnection) -> bytes:
    """The SHA-256 fingerprint of our DTLS certificate (the ufrag is derived from it)."""
    assert pc.sctp is not None
    params = pc.sctp.transport.getLocalParameters()
    sha256 = next(f for f in params.fingerprints if f.algorithm == "sha-256")
    return bytes.fromhex(sha256.value.replace(":", ""))


def ice_passwords(
    key: X25519PrivateKey, invite: tuple[bytes, bytes], answer: tuple[bytes, bytes]
) -> IcePasswords:
    """Both ICE passwords from (fingerprint, ice_key) of each side; ``TokenError`` if a
    key is bad."""
    return derive_ice_passwords(
        key,
        invite_fingerprint=invite[0],
        invite_key=invite[1],
        answer_fingerprint=answer[0],
        answer_key=answer[1],
    )


async def keep_mapping_alive(
    conn: Connection, interval: float, waiting: Callable[[], bool]
) -> None:
    """A STUN keepalive every ``interval`` s while ``waiting()`` (the invite is out)."""
    while waiting():
        await asyncio.sleep(interval)
        if waiting():
            patch.send_stun_keepalive(conn)


async def punch_when_stuck(
    conn: Connection,
    options: patch.ConnectionOptions,
    hints: tuple[MappingHint, MappingHint],
    tokens: tuple[Token | None, Token | None],
    settings: PunchSettings,
    connecting: Callable[[], bool],
    link_id: int,
) -> str | None:
    """Exactly one side hard and no pair after ``PUNCH_AFTER`` s: punch (docs/nat.md).
    ``hints`` and ``tokens`` are (ours, the peer's). Returns why the link must fail (both
    sides hard, no IPv6 way around), else None."""
    local, remote = hints
    role = punch_role(local, remote)
    if role is PunchRole.NONE:
        return None
    await asyncio.sleep(PUNCH_AFTER)
    if not connecting() or patch.selected_pair(conn) is not None:
        return None
    if role is PunchRole.RELAY:
        if not ipv6_may_connect(*tokens):
            return BOTH_HARD
        return None  # over IPv6 the normal checks go on until the deadline
    logger.info("link %d: no direct pair yet; punching as the %s side", link_id, role.value)
    await punch(conn, options, role, remote, settings)
    return None
