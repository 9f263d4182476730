"""Narrow, version-guarded fixes to aioice 0.13.0 (used by aiortc 1.16.0).

Copy-paste handshakes deliver answers minutes late. Stock aioice then fails:
the answerer stops retransmitting its checks after ~32 s, and a check that
arrives for a pair whose own check is in progress does not trigger an
immediate retransmit (RFC 8445 7.3.1.4), so the answerer never learns that the
offerer's side is finally open. See docs/link.md, "Late answers".

What this module changes, only for connections registered with ``configure``:
- connectivity checks retransmit with a capped interval (``CHECK_RTO_MAX``)
  until a deadline (the token's expiry), which also keeps this side's NAT
  pinholes open while the human pastes;
- an incoming check for a pair in progress retransmits that pair's check now;
- host candidates follow an ``InterfacePolicy``, with one IPv6 address per adapter;
- gathering waits ``gather_timeout`` seconds for STUN/TURN (stock: 5 s).

And, against anyone who sends us checks (docs/link.md, "Who can send a check"):
- while ``hold_checks`` is on (an invite waiting for its answer, when this side
  cannot know its own ICE password yet) incoming checks get no reply; the latest
  few are kept and handled when ``release_checks`` is called;
- once ICE completed, incoming checks are answered but change nothing: no new
  peer-reflexive candidate, no triggered check, no re-nomination;
- a triggered check toward a peer-reflexive address sends at most
  ``PRFLX_CHECK_SENDS`` packets, and at most ``MAX_PRFLX_CANDIDATES`` such
  addresses are learned per connection, so one spoofed packet costs a few packets;
  addresses among the ports this side probed itself while punching (``probed``)
  have their own budget of ``MAX_PROBED_LEARNED``, and checks from punching
  sockets (``punch_protocols``) send at most ``PUNCH_CHECK_SENDS`` packets each.

Other connections, STUN server queries, TURN and consent checks are untouched.
Any other aioice or aiortc version is refused loudly: these hooks touch private
names, so an untested version must not be patched silently.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aioice
import aioice.ice
import aioice.stun as stun
import aiortc

from webrtc_party.errors import UnsupportedDependencyError
from webrtc_party.interfaces import (
    InterfacePolicy,
    default_route_addresses,
    host_addresses,
    system_addresses,
)
from webrtc_party.nat.ipv6 import one_ipv6_per_interface

__all__ = [
    "CHECK_RTO_MAX",
    "MAX_HELD_CHECKS",
    "MAX_PRFLX_CANDIDATES",
    "MAX_PROBED_LEARNED",
    "PRFLX_CHECK_SENDS",
    "PUNCH_CHECK_SENDS",
    "TESTED_VERSIONS",
    "ConnectionOptions",
    "check_version",
    "configure",
    "install",
    "release_checks",
]

logger = logging.getLogger(__name__)

TESTED_VERSIONS = {"aioice": "0.13.0", "aiortc": "1.16.0"}
CHECK_RTO = 0.5
CHECK_RTO_MAX = 5.0  # well under Linux's 30 s unreplied-UDP conntrack timeout
PRFLX_CHECK_SENDS = 3  # packets per triggered check toward a learned address (stock: 7)
MAX_PRFLX_CANDIDATES = 8  # peer-reflexive addresses learned per connection
MAX_HELD_CHECKS = 8  # checks kept while held (the latest per source address)
MAX_PROBED_LEARNED = 4  # learned addresses allowed beyond the cap, from the ports we probed
PUNCH_CHECK_SENDS = 3  # packets per check from a birthday-punching socket (docs/nat.md)
STOCK_CHECK_WINDOW = 40.0  # seconds: a stock transaction's lifetime, for prflx checks


@dataclass
class ConnectionOptions:
    policy: InterfacePolicy
    gather_timeout: float
    checks_until: float | None = None  # loop time; None = stock retransmissions
    late_answers: bool = True  # False: stock check behaviour (for comparisons)
    hold_checks: bool = False  # True: incoming checks are kept, not answered
    # Punching (webrtc_party.punch): addresses this side probed itself, how many of them were
    # learned, and the ids of the extra sockets whose checks get the PUNCH_CHECK_SENDS budget.
    probed: set[tuple[str, int]] = field(default_factory=set, init=False, repr=False)
    probed_learned: int = field(default=0, init=False, repr=False)
    punch_protocols: set[int] = field(default_factory=set, init=False, repr=False)
    held: dict[tuple[tuple[str, int], int], tuple[stun.Message, tuple[str, int], Any]] = field(
        default_factory=dict, init=False, repr=False
    )


_options: weakref.WeakKeyDictionary[aioice.Connection, ConnectionOptions] = (
    weakref.WeakKeyDictionary()
)
_gathering: contextvars.ContextVar[ConnectionOptions | None] = contextvars.ContextVar(
    "webrtc_party_gathering", default=None
)
_installed = False


def configure(connection: aioice.Connection, options: ConnectionOptions) -> None:
    """Apply ``options`` to one aioice connection (before it gathers)."""
    install()
    _options[connection] = options


class PersistentCheck:
    """A connectivity-check transaction that keeps retransmitting until a deadline.

    Same duck type as ``aioice.stun.Transaction`` (``response_received``, ``run``).
    """

    def __init__(
        self,
        request: stun.Message,
        addr: tuple[str, int],
        protocol: aioice.ice.StunProtocol,
        integrity_key: bytes | None,
        until: float,
        max_sends: int | None = None,
    ) -> None:
        self.addr = addr
        self.sent = 0
        self._max_sends = max_sends
        self._request = request
        self._protocol = protocol
        self._key = integrity_key
        self._until = until
        self._rto = CHECK_RTO
        self._timer: asyncio.TimerHandle | None = None
        self._future: asyncio.Future[tuple[stun.Message, tuple[str, int]]] = (
            asyncio.get_running_loop().create_future()
        )

    def response_received(self, message: stun.Message, addr: tuple[str, int]) -> None:
        if self._future.done():
            return
        if self._key is not None and not message.check_message_integrity(self._key):
            return  # unauthenticated: keep retransmitting (RFC 8489 9.1.4)
        if message.message_class == stun.Class.RESPONSE:
            self._future.set_result((message, addr))
        else:
            self._future.set_exception(stun.TransactionFailed(message))

    def retransmit_now(self) -> None:
        """Triggered check for an in-progress pair (RFC 8445 7.3.1.4)."""
        spent = self._max_sends is not None and self.sent >= self._max_sends
        if not self._future.done() and not spent:
            self._rto = CHECK_RTO
            self._send()

    def _send(self) -> None:
        if self._future.done():
            return  # answered: a timer that fired meanwhile sends nothing more
        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        spent = self._max_sends is not None and self.sent >= self._max_sends
        if spent or loop.time() >= self._until:
            self._future.set_exception(stun.TransactionTimeout())
            return
        self._protocol.send_stun(self._request, self.addr)
        self.sent += 1
        delay = min(self._rto, max(0.0, self._until - loop.time()))
        self._timer = loop.call_later(delay, self._send)
        self._rto = min(self._rto * 2, CHECK_RTO_MAX)

    async def run(self) -> tuple[stun.Message, tuple[str, int]]:
        try:
            self._send()
            return await self._future
        finally:
            if self._timer is not None:
                self._timer.cancel()


def check_version() -> None:
    """Raise ``UnsupportedDependencyError`` unless aioice and aiortc are the tested versions."""
    found = {"aioice": aioice.__version__, "aiortc": aiortc.__version__}
    if found != TESTED_VERSIONS:
        raise UnsupportedDependencyError(
            f"webrtc-party patches aioice internals and was tested with {TESTED_VERSIONS}, "
            f"but {found} is installed. Install the tested versions "
            "(pip install aioice==0.13.0 aiortc==1.16.0)."
        )


def install() -> None:
    """Install the hooks once. Raises ``UnsupportedDependencyError`` on other versions."""
    global _installed
    if _installed:
        return
    check_version()
    ice = aioice.ice
    stock_request = ice.StunProtocol.request
    stock_check_incoming = ice.Connection.check_incoming
    stock_request_received = ice.Connection.request_received
    stock_gather = ice.Connection.gather_candidates
    stock_component = ice.Connection.get_component_candidates
    stock_host_addresses = ice.get_host_addresses

    async def request(
        self: aioice.ice.StunProtocol,
        request: stun.Message,
        addr: tuple[str, int],
        integrity_key: bytes | None = None,
        retransmissions: int | None = None,
    ) -> tuple[stun.Message, tuple[str, int]]:
        opts = _options.get(self.receiver)
        is_check = (
            request.message_method == stun.Method.BINDING
            and request.message_class == stun.Class.REQUEST
            and "USERNAME" in request.attributes
            and retransmissions is None  # consent checks pass 0
        )
        if opts is None or not is_check:
            return await stock_request(self, request, addr, integrity_key, retransmissions)
        max_sends = PRFLX_CHECK_SENDS if _is_prflx(self.receiver, addr) else None
        if self.id in opts.punch_protocols:
            max_sends = PUNCH_CHECK_SENDS
        until = opts.checks_until
        if not opts.late_answers or until is None:
            if max_sends is None:
                return await stock_request(self, request, addr, integrity_key, retransmissions)
            until = asyncio.get_running_loop().time() + STOCK_CHECK_WINDOW
        if integrity_key is not None:
            request.add_message_integrity(integrity_key)
        check = PersistentCheck(request, addr, self, integrity_key, until, max_sends)
        self.transactions[request.transaction_id] = check  # type: ignore[assignment]
        try:
            return await check.run()
        finally:
            del self.transactions[request.transaction_id]

    def check_incoming(
        self: aioice.Connection,
        message: stun.Message,
        addr: tuple[str, int],
        protocol: aioice.ice.StunProtocol,
    ) -> None:
        opts = _options.get(self)
        if opts is None:
            return stock_check_incoming(self, message, addr, protocol)
        if self._check_list_done:
            return  # ICE completed (or ended): answered, but no new pair, check or nomination
        if not _is_known(self, addr):
            learned = sum(1 for c in self._remote_candidates if c.type == "prflx")
            if "PRIORITY" not in message.attributes:
                return  # answered, not learned: no check toward yet another address
            if addr in opts.probed and opts.probed_learned < MAX_PROBED_LEARNED:
                opts.probed_learned += 1  # a port we chose to probe: its own small budget
            elif learned - opts.probed_learned >= MAX_PRFLX_CANDIDATES:
                return
        stock_check_incoming(self, message, addr, protocol)
        if opts.late_answers:
            for transaction in list(protocol.transactions.values()):
                if isinstance(transaction, PersistentCheck) and transaction.addr == addr:
                    transaction.retransmit_now()

    def request_received(
        self: aioice.Connection,
        message: stun.Message,
        addr: tuple[str, int],
        protocol: aioice.ice.StunProtocol,
    ) -> None:
        opts = _options.get(self)
        if opts is None or not opts.hold_checks or self._closing:
            return stock_request_received(self, message, addr, protocol)
        key = (addr, protocol.id)
        opts.held.pop(key, None)
        opts.held[key] = (message, addr, protocol)  # the latest per source, newest last
        while len(opts.held) > MAX_HELD_CHECKS:
            del opts.held[next(iter(opts.held))]

    async def gather_candidates(self: aioice.Connection) -> None:
        reset = _gathering.set(_options.get(self))
        try:
            await stock_gather(self)
        finally:
            _gathering.reset(reset)

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        opts = _gathering.get()
        if opts is None:
            return stock_host_addresses(use_ipv4, use_ipv6)
        chosen = host_addresses(opts.policy, use_ipv4=use_ipv4, use_ipv6=use_ipv6)
        if any(":" in ip for ip in chosen):  # one IPv6 address per adapter (docs/nat.md)
            chosen = one_ipv6_per_interface(chosen, system_addresses(), default_route_addresses())
        return chosen

    def get_component_candidates(
        self: aioice.Connection, component: int, addresses: list[str], timeout: float = 5
    ) -> Awaitable[list[aioice.Candidate]]:
        opts = _options.get(self)
        if opts is not None:
            timeout = opts.gather_timeout
        return stock_component(self, component, addresses, timeout)  # type: ignore[arg-type]

    patches: dict[tuple[Any, str], Callable[..., Any]] = {
        (ice.StunProtocol, "request"): request,
        (ice.Connection, "check_incoming"): check_incoming,
        (ice.Connection, "request_received"): request_received,
        (ice.Connection, "gather_candidates"): gather_candidates,
        (ice.Connection, "get_component_candidates"): get_component_candidates,
        (ice, "get_host_addresses"): get_host_addresses,
    }
    for (owner, name), func in patches.items():
        setattr(owner, name, func)
    _installed = True
    logger.debug("aioice %s patched for late answers", aioice.__version__)


# -- The few private attributes the link needs, kept here beside the version guard.


def _is_known(conn: aioice.Connection, addr: tuple[str, int]) -> bool:
    return any(c._network_host == addr[0] and c.port == addr[1] for c in conn._remote_candidates)


def _is_prflx(conn: aioice.Connection, addr: tuple[str, int]) -> bool:
    """Whether ``addr`` is a peer-reflexive candidate: learned from a check, never signalled."""
    return any(
        c.type == "prflx" and c._network_host == addr[0] and c.port == addr[1]
        for c in conn._remote_candidates
    )


def release_checks(conn: aioice.Connection) -> int:
    """Stop holding checks and handle the held ones now (with the password now set).

    Returns how many were handled. Each goes through aioice's own authentication,
    so a held check signed with anything but the new password is refused as usual.
    """
    opts = _options.get(conn)
    if opts is None:
        return 0
    opts.hold_checks = False
    held = list(opts.held.values())
    opts.held.clear()
    for message, addr, protocol in held:
        if protocol in conn._protocols:
            conn.request_received(message, addr, protocol)
    return len(held)


def ice_connection(pc: aiortc.RTCPeerConnection) -> aioice.Connection:
    """The aioice connection under a peer connection's data channels."""
    install()
    sctp = pc.sctp
    if sctp is None:
        raise RuntimeError("create the data channel before asking for the ICE connection")
    conn: aioice.Connection = sctp.transport.transport.iceGatherer._connection
    return conn


def set_local_credentials(conn: aioice.Connection, ufrag: str, pwd: str) -> None:
    """Set the local ICE ufrag/pwd (aioice reads them at gather and check time)."""
    conn._local_username = ufrag
    conn._local_password = pwd


def selected_pair(conn: aioice.Connection) -> tuple[aioice.Candidate, aioice.Candidate] | None:
    """(local, remote) candidates of the nominated pair, if any."""
    pair = conn._nominated.get(1)
    if pair is None:
        return None
    return pair.local_candidate, pair.remote_candidate


def send_stun_keepalive(conn: aioice.Connection) -> int:
    """Refresh our NAT mappings towards the STUN server; returns how many were sent.

    While an invite waits for its answer, the srflx address in it must stay
    valid: a binding request from each host socket keeps the mapping alive. The
    response is ignored (no transaction waits for it).
    """
    server = conn.stun_server
    if server is None:
        return 0
    sent = 0
    for protocol in conn._protocols:
        local = protocol.local_candidate
        if local.type == "host" and ":" not in local.host:
            request = stun.Message(
                message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST
            )
            protocol.send_stun(request, server)
            sent += 1
    return sent
