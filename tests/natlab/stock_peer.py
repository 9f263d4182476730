"""Stock aiortc behind the ``node --json`` line protocol, as a baseline for the lab benchmark.

Same commands and events as ``webrtc-party node --json`` (a subset: invite, accept, send, quit;
token, connected, message, closed), but nothing of ours: full SDPs (deflated + base64 as the
"token"), aiortc's own gathering, no heartbeat, no late-answer fix. ``--deadline`` bounds a
connection attempt only so that benchmark runs stay short (stock aiortc has no such deadline).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import time
import zlib
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcconfiguration import RTCIceTransportPolicy


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def pack(desc: RTCSessionDescription) -> str:
    raw = json.dumps({"sdp": desc.sdp, "type": desc.type}).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode()


def unpack(token: str) -> RTCSessionDescription:
    data = json.loads(zlib.decompress(base64.urlsafe_b64decode(token.encode())))
    return RTCSessionDescription(sdp=data["sdp"], type=data["type"])


def path_of(pc: RTCPeerConnection) -> str | None:
    """The selected pair's type, read from aioice's private state (no public API)."""
    sctp: Any = pc.sctp
    try:
        pair = sctp.transport.transport._connection._nominated.get(1)
        local, remote = pair.local_candidate.type, pair.remote_candidate.type
    except AttributeError:
        return None
    return "relay" if "relay" in (local, remote) else str(remote)


class Peer:
    def __init__(self, args: argparse.Namespace) -> None:
        servers = [RTCIceServer(urls=args.stun)] if args.stun else []
        if args.turn:
            servers.append(
                RTCIceServer(urls=args.turn, username=args.turn_user, credential=args.turn_password)
            )
        policy = RTCIceTransportPolicy.RELAY if args.relay_only else RTCIceTransportPolicy.ALL
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=policy))
        self.channel = self.pc.createDataChannel("party", negotiated=True, id=0)
        self.deadline = args.deadline
        self.started = 0.0
        self.watch: asyncio.Task[None] | None = None

        @self.channel.on("open")
        def _open() -> None:
            open_ms = round((time.monotonic() - self.started) * 1000, 1)
            emit(event="connected", peer="peer1", path=path_of(self.pc), open_ms=open_ms)

        @self.channel.on("message")
        def _message(text: object) -> None:
            emit(event="message", peer="peer1", text=str(text))

    async def _deadline(self) -> None:
        await asyncio.sleep(self.deadline)
        if self.channel.readyState != "open":
            emit(
                event="closed",
                peer="peer1",
                code="connect-timeout",
                reason=f"stock aiortc: not connected after {self.deadline:g} s",
            )

    def _start_clock(self) -> None:
        self.started = time.monotonic()
        self.watch = asyncio.get_running_loop().create_task(self._deadline())

    async def handle(self, line: str) -> bool:
        cmd, _, rest = line.strip().partition(" ")
        if cmd == "invite":
            await self.pc.setLocalDescription(await self.pc.createOffer())
            emit(event="token", kind="invite", token=pack(self.pc.localDescription))
        elif cmd == "accept":
            desc = unpack(rest.strip())
            await self.pc.setRemoteDescription(desc)
            if desc.type == "offer":
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                emit(event="token", kind="answer", token=pack(self.pc.localDescription))
            self._start_clock()
        elif cmd == "send":
            self.channel.send(rest)
            emit(event="sent", peers=1)
        elif cmd == "quit":
            return False
        return True

    async def close(self) -> None:
        if self.watch is not None:
            self.watch.cancel()
        await self.pc.close()


async def main(args: argparse.Namespace) -> None:
    peer = Peer(args)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := (await reader.readline()).decode():
            if not await peer.handle(line):
                break
    finally:
        await peer.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--json", action="store_true")
    p.add_argument("--stun", default="")
    p.add_argument("--turn", default="")
    p.add_argument("--turn-user", default="")
    p.add_argument("--turn-password", default="")
    p.add_argument("--relay-only", action="store_true")
    p.add_argument("--deadline", type=float, default=20.0)
    asyncio.run(main(p.parse_args()))
