"""Answer applied -> channel open, and message round trip: our Link vs stock aiortc.

Loopback only, no STUN, everything in one process and one event loop.

- ours: ``Link`` pair; the invite and the answer travel as token text (encode, then
  ``decode_token``), each side rebuilds the peer's SDP from the token. The clock starts
  before the offerer decodes the pasted answer and calls ``accept_answer`` and stops when
  ``wait_open()`` returns; ``Link.opened.open_ms`` is the link's own figure (from inside
  ``accept_answer`` to the channel's "open" callback).
- ours, fix off: the same with ``late_answer_fix=False`` (stock aioice checks), to
  separate the late-answer patch from the rest.
- stock: two ``RTCPeerConnection(iceServers=[])`` with a negotiated data channel id=0
  on both sides, full SDPs passed as they are. The clock starts before the offerer's
  ``setRemoteDescription(answer)``. "loopback" restricts stock aioice to 127.0.0.1
  like our link (see _common.stock_host_addresses); "all interfaces" is unmodified
  (stock aioice skips 127.0.0.1 and offers every other interface address).

"gap" is how long the answer waits before the offerer applies it (the answerer starts
its checks when it makes the answer); "filtered": the offerer's sockets drop what
arrives until it applies the answer, as a filtering NAT would (the late-answer case).
Round trip: 200-byte text, offerer -> answerer
-> offerer, one message in flight; both sides receive through an asyncio queue (the
Link's ``events()``; for stock a queue filled by the "message" callback), plus stock
with the echo done inside the callback as aiortc's floor.

    python3 bench/bench_open.py [--quick]
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from _common import (
    args,
    environment_line,
    link_config,
    print_table,
    ratio,
    stock_host_addresses,
    summarize,
)
from aiortc import RTCConfiguration, RTCPeerConnection

from signaling.token import TokenKind, decode_token, encode_token
from webrtc_party import _aioice_patch as patch
from webrtc_party.link import Link
from webrtc_party.link_events import LinkEvent, Received

OPEN_TIMEOUT = 10.0
MESSAGE = "x" * 200


@dataclass
class OpenResult:
    offerer_ms: list[float] = field(default_factory=list)
    both_ms: list[float] = field(default_factory=list)
    reported_ms: list[float] = field(default_factory=list)  # Link.opened.open_ms
    failures: int = 0


class InboundGate:
    """Drops what arrives at an offerer's ICE sockets while ``closed``, as a filtering NAT
    or firewall does until the offerer's own checks open it (when the answer is applied)."""

    def __init__(self, pc: RTCPeerConnection) -> None:
        self.closed = True
        self.dropped = 0
        protocols: list[Any] = list(patch.ice_connection(pc)._protocols)
        for protocol in protocols:
            deliver = protocol.datagram_received

            def gated(data: bytes, addr: tuple[str, int], deliver: Any = deliver) -> None:
                if self.closed:
                    self.dropped += 1
                else:
                    deliver(data, addr)

            protocol.datagram_received = gated


async def _stamp(awaitable: Awaitable[Any]) -> float:
    await awaitable
    return time.perf_counter()


async def open_ours(gap: float, filtered: bool, fix: bool) -> tuple[float, float, float]:
    config = link_config(late_answer_fix=fix)
    host, guest = Link(config), Link(config)
    try:
        invite_text = encode_token(await host.create_invite())
        pc = host._pc  # the bench's only private peek: the sockets to filter
        gate = InboundGate(pc) if filtered and pc is not None else None
        invite = decode_token(invite_text, now=time.time(), expect=TokenKind.INVITE)
        answer_text = encode_token(await guest.accept_invite(invite))
        await asyncio.sleep(gap)
        start = time.perf_counter()
        if gate is not None:
            gate.closed = False
        answer = decode_token(answer_text, now=time.time(), expect=TokenKind.ANSWER)
        await host.accept_answer(answer)
        async with asyncio.timeout(OPEN_TIMEOUT):
            host_at, guest_at = await asyncio.gather(
                _stamp(host.wait_open()), _stamp(guest.wait_open())
            )
        assert host.opened is not None
        reported = host.opened.open_ms
    finally:
        await host.close()
        await guest.close()
    return (host_at - start) * 1000, (max(host_at, guest_at) - start) * 1000, reported


def _stock_pc() -> tuple[RTCPeerConnection, Any, asyncio.Event]:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = pc.createDataChannel("party", negotiated=True, id=0, ordered=True)
    opened = asyncio.Event()
    channel.on("open", opened.set)
    return pc, channel, opened


async def stock_pair(
    gap: float, loopback: bool, filtered: bool = False
) -> tuple[RTCPeerConnection, RTCPeerConnection, Any, Any, float, float, float]:
    """A stock pair, opened; returns the pcs, channels, start and open stamps."""
    addresses = ["127.0.0.1"] if loopback else None
    offerer, chan_a, open_a = _stock_pc()
    answerer, chan_b, open_b = _stock_pc()
    try:
        with stock_host_addresses(addresses):
            await offerer.setLocalDescription(await offerer.createOffer())
            gate = InboundGate(offerer) if filtered else None
            await answerer.setRemoteDescription(offerer.localDescription)
            await answerer.setLocalDescription(await answerer.createAnswer())
        await asyncio.sleep(gap)
        start = time.perf_counter()
        if gate is not None:
            gate.closed = False
        await offerer.setRemoteDescription(answerer.localDescription)
        async with asyncio.timeout(OPEN_TIMEOUT):
            a_at, b_at = await asyncio.gather(_stamp(open_a.wait()), _stamp(open_b.wait()))
    except BaseException:
        await offerer.close()
        await answerer.close()
        raise
    return offerer, answerer, chan_a, chan_b, start, a_at, b_at


async def open_stock(gap: float, filtered: bool, loopback: bool) -> tuple[float, float, float]:
    offerer, answerer, _, _, start, a_at, b_at = await stock_pair(gap, loopback, filtered)
    await offerer.close()
    await answerer.close()
    return (a_at - start) * 1000, (max(a_at, b_at) - start) * 1000, 0.0


Opener = Callable[[float, bool], Awaitable[tuple[float, float, float]]]
VARIANTS: list[tuple[str, Opener]] = [
    ("ours (Link, tokens)", partial(open_ours, fix=True)),
    ("ours, late_answer_fix=False", partial(open_ours, fix=False)),
    ("stock aiortc, loopback", partial(open_stock, loopback=True)),
    ("stock aiortc, all interfaces", partial(open_stock, loopback=False)),
]


async def bench_open(gap: float, filtered: bool, reps: int) -> dict[str, OpenResult]:
    results = {name: OpenResult() for name, _ in VARIANTS}
    for rep in range(reps):
        shift = rep % len(VARIANTS)  # rotate the order: no variant always goes first
        for name, opener in VARIANTS[shift:] + VARIANTS[:shift]:
            result = results[name]
            try:
                offerer_ms, both_ms, reported = await opener(gap, filtered)
            except (TimeoutError, ConnectionError) as exc:
                print(f"<!-- {name}, gap {gap:g} s: failed: {exc!r} -->")
                result.failures += 1
                continue
            result.offerer_ms.append(offerer_ms)
            result.both_ms.append(both_ms)
            if reported:
                result.reported_ms.append(reported)
    return results


def ms(values: list[float], digits: int = 1) -> str:
    if not values:
        return "n/a"
    s = summarize(values)
    return f"{s.median:.{digits}f} / {s.p90:.{digits}f}"


# -- round trip ---------------------------------------------------------------


async def _received(events: AsyncIterator[LinkEvent]) -> str:
    async for event in events:
        if isinstance(event, Received):
            return event.text
    raise ConnectionError("link closed")


async def rtt_ours(host: Link, host_events: AsyncIterator[LinkEvent], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        host.send(MESSAGE)
        if await _received(host_events) != MESSAGE:
            raise ConnectionError("wrong echo")
        out.append((time.perf_counter() - start) * 1000)
    return out


async def rtt_stock(chan: Any, inbox: asyncio.Queue[str | bytes], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        chan.send(MESSAGE)
        if await inbox.get() != MESSAGE:
            raise ConnectionError("wrong echo")
        out.append((time.perf_counter() - start) * 1000)
    return out


async def echo_link(guest: Link) -> None:
    async for event in guest.events():
        if isinstance(event, Received):
            guest.send(event.text)


async def echo_queue(chan: Any, inbox: asyncio.Queue[str | bytes]) -> None:
    while True:
        chan.send(await inbox.get())


async def bench_rtt(blocks: int, per_block: int) -> dict[str, list[float]]:
    config = link_config()
    host, guest = Link(config), Link(config)
    invite = decode_token(encode_token(await host.create_invite()), now=time.time())
    answer = await guest.accept_invite(invite)
    await host.accept_answer(decode_token(encode_token(answer), now=time.time()))
    await asyncio.wait_for(asyncio.gather(host.wait_open(), guest.wait_open()), OPEN_TIMEOUT)
    host_events = host.events()

    pc_a, pc_b, chan_a, chan_b, *_ = await stock_pair(0.0, loopback=True)
    inbox_a: asyncio.Queue[str | bytes] = asyncio.Queue()
    inbox_b: asyncio.Queue[str | bytes] = asyncio.Queue()
    chan_a.on("message", inbox_a.put_nowait)
    chan_b.on("message", inbox_b.put_nowait)

    pc_c, pc_d, chan_c, chan_d, *_ = await stock_pair(0.0, loopback=True)
    inbox_c: asyncio.Queue[str | bytes] = asyncio.Queue()
    chan_c.on("message", inbox_c.put_nowait)
    chan_d.on("message", chan_d.send)  # echo inside aiortc's callback

    samples: dict[str, list[float]] = {
        "ours (Link send / events())": [],
        "stock aiortc, queue + echo task": [],
        "stock aiortc, echo in callback": [],
    }
    async with asyncio.TaskGroup() as group:
        echoes = [
            group.create_task(echo_link(guest)),
            group.create_task(echo_queue(chan_b, inbox_b)),
        ]
        await rtt_ours(host, host_events, 20)  # warm up
        await rtt_stock(chan_a, inbox_a, 20)
        await rtt_stock(chan_c, inbox_c, 20)
        for _ in range(blocks):  # interleaved blocks: load changes hit all three
            samples["ours (Link send / events())"] += await rtt_ours(host, host_events, per_block)
            samples["stock aiortc, queue + echo task"] += await rtt_stock(
                chan_a, inbox_a, per_block
            )
            samples["stock aiortc, echo in callback"] += await rtt_stock(chan_c, inbox_c, per_block)
        for task in echoes:
            task.cancel()
    await host.close()
    await guest.close()
    for pc in (pc_a, pc_b, pc_c, pc_d):
        await pc.close()
    return samples


async def run(quick: bool) -> None:
    # (gap s, offerer drops inbound until it applies the answer, repetitions)
    gaps = [(0.0, False, 3)] if quick else [(0.0, False, 60), (2.0, True, 5)]
    blocks, per_block = (2, 100) if quick else (10, 200)
    print(f"Environment: {environment_line(quick)}")
    print()
    rows = []
    for gap, filtered, reps in gaps:
        results = await bench_open(gap, filtered, reps)
        stock = results["stock aiortc, loopback"]
        for name, result in results.items():
            base = summarize(stock.offerer_ms).median if stock.offerer_ms else 0.0
            mine = summarize(result.offerer_ms).median if result.offerer_ms else 0.0
            rows.append(
                [
                    f"{gap:g}, filtered" if filtered else f"{gap:g}",
                    name,
                    f"{len(result.offerer_ms)}/{reps}",
                    ms(result.offerer_ms),
                    ms(result.both_ms),
                    ms(result.reported_ms) if result.reported_ms else "-",
                    ratio(mine, base) if mine else "n/a",
                ]
            )
    print_table(
        "Answer applied -> channel open on loopback, ms, median / p90",
        [
            "gap (s)",
            "variant",
            "opened",
            "offerer open (ms)",
            "both open (ms)",
            "Link.opened.open_ms",
            "ratio vs stock loopback (offerer, median)",
        ],
        rows,
    )

    samples = await bench_rtt(blocks, per_block)
    floor = summarize(samples["stock aiortc, queue + echo task"]).median
    rtt_rows = []
    for name, values in samples.items():
        s = summarize(values)
        rtt_rows.append(
            [
                name,
                s.n,
                f"{s.median:.3f}",
                f"{s.p90:.3f}",
                f"{s.p99:.3f}",
                ratio(s.median, floor),
            ]
        )
    print_table(
        "Round trip of a 200-byte text message on an open channel, ms",
        ["variant", "messages", "median", "p90", "p99", "ratio vs stock queue (median)"],
        rtt_rows,
    )


def main() -> None:
    opts = args(__doc__ or "")
    asyncio.run(run(opts.quick))


if __name__ == "__main__":
    main()
