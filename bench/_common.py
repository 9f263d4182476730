"""Shared bench helpers: stats, markdown tables, loopback configs, in-process STUN servers.

Not a test helper: the benches import nothing from tests/. Network use is 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import math
import os
import platform
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

import aioice
import aioice.ice
import aioice.stun as stun
import aiortc

from webrtc_party import _aioice_patch as patch
from webrtc_party.config import IceServer, LinkConfig, parse_ice_url
from webrtc_party.interfaces import InterfacePolicy

__all__ = [
    "BENCH_LOOPBACK",
    "StunServer",
    "Summary",
    "args",
    "environment_line",
    "link_config",
    "print_table",
    "ratio",
    "start_stun_servers",
    "stock_host_addresses",
    "summarize",
]

# Loopback only, no STUN: never aiortc's or our default public servers.
BENCH_LOOPBACK = LinkConfig(stun=(), interfaces=InterfacePolicy.loopback_only())


def link_config(**changes: Any) -> LinkConfig:
    return replace(BENCH_LOOPBACK, **changes)


def args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="few repetitions (under ~20 s), for smoke tests"
    )
    ns = parser.parse_args()
    # Our link logs a warning when no STUN server answers: expected here, keep stdout clean.
    logging.getLogger("webrtc_party").setLevel(logging.ERROR)
    # Install our aioice hooks before any stock run swaps aioice.ice.get_host_addresses,
    # so the hooks never capture a bench's swap as "the stock function".
    patch.install()
    return ns


def environment_line(quick: bool) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{when}; {os.cpu_count()} CPUs; CPython {platform.python_version()}; "
        f"aiortc {aiortc.__version__}; aioice {aioice.__version__}; "
        f"{'quick' if quick else 'full'} run"
    )


# -- statistics --------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    p90: float
    p99: float
    minimum: float
    maximum: float


def _rank(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: always a value that was measured)."""
    index = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[index]


def summarize(samples: Sequence[float]) -> Summary:
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return Summary(
        n=len(ordered),
        median=statistics.median(ordered),
        p90=_rank(ordered, 90),
        p99=_rank(ordered, 99),
        minimum=ordered[0],
        maximum=ordered[-1],
    )


def ratio(ours: float, stock: float) -> str:
    if stock <= 0:
        return "n/a"
    value = ours / stock
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


# -- output ------------------------------------------------------------------


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A markdown table under a ``###`` title; every row has one cell per header."""
    print(f"### {title}")
    print()
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} does not match headers {headers!r}")
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


# -- stock aiortc restricted to loopback -------------------------------------


@contextlib.contextmanager
def stock_host_addresses(addresses: Sequence[str] | None) -> Iterator[None]:
    """While active, aioice offers exactly ``addresses`` as host candidates.

    Stock aioice skips 127.0.0.1 and offers every other interface; our link is
    told to use loopback only. For a fair side-by-side the stock peers are
    restricted to 127.0.0.1 the same way, only inside this block (``None``:
    leave aioice's choice alone). Stock connections are not registered with our
    hooks, so the installed wrapper would fall through to aioice's own function;
    the swap replaces the module attribute aioice looks up while gathering.
    """
    if addresses is None:
        yield
        return
    chosen = list(addresses)
    ice: Any = aioice.ice  # a module attribute aioice looks up at gather time
    saved: Callable[[bool, bool], list[str]] = ice.get_host_addresses

    def fixed(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return list(chosen)

    ice.get_host_addresses = fixed
    try:
        yield
    finally:
        ice.get_host_addresses = saved


# -- in-process STUN servers on 127.0.0.1 ------------------------------------


class _StunProtocol(asyncio.DatagramProtocol):
    """Answers STUN binding requests with XOR-MAPPED-ADDRESS, or swallows everything."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self.requests = 0
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.requests += 1
        if not self.live or self.transport is None:
            return  # a black hole: the request vanishes, as with a dead server
        try:
            request = stun.parse_message(data)
        except ValueError:
            return
        if request.message_class != stun.Class.REQUEST:
            return
        response = stun.Message(
            message_method=request.message_method,
            message_class=stun.Class.RESPONSE,
            transaction_id=request.transaction_id,
        )
        response.attributes["XOR-MAPPED-ADDRESS"] = addr
        self.transport.sendto(bytes(response), addr)


@dataclass
class StunServer:
    server: IceServer
    protocol: _StunProtocol
    transport: asyncio.DatagramTransport

    @property
    def url(self) -> str:
        return self.server.url


async def start_stun_servers(dead: int, live: int) -> list[StunServer]:
    """``dead`` black holes then ``live`` responders, each on its own 127.0.0.1 port."""
    loop = asyncio.get_running_loop()
    made: list[StunServer] = []
    for is_live in [False] * dead + [True] * live:
        transport, protocol = await loop.create_datagram_endpoint(
            functools.partial(_StunProtocol, is_live), local_addr=("127.0.0.1", 0)
        )
        port = transport.get_extra_info("sockname")[1]
        made.append(StunServer(parse_ice_url(f"stun:127.0.0.1:{port}"), protocol, transport))
    return made
