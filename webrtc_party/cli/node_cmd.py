"""``webrtc-party node``: the scriptable node (one command per stdin line, events out)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from signaling.errors import TokenError
from webrtc_party.cli.common import EXIT_OK, run_async
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.cli.stdin import StdinLines
from webrtc_party.errors import PartyError
from webrtc_party.linknode import (
    LinkNode,
    NodeEvent,
    PeerConnected,
    PeerMessage,
    TokenMade,
)

__all__ = ["error_event", "event_json", "register"]

HELP = "commands: invite | accept <token> | send <text> | status | quit"


def register(sub: Any) -> None:
    p = sub.add_parser("node", help="scriptable node: commands on stdin, events on stdout")
    p.add_argument("--json", action="store_true", help="one JSON object per line (for scripts)")
    add_link_options(p)
    p.set_defaults(command=lambda args: run_async(_node(args)))


def event_json(event: NodeEvent) -> dict[str, Any]:
    if isinstance(event, TokenMade):
        return {
            "event": "token",
            "kind": event.kind.value,
            "token": event.text,
            "expires_at": event.expires_at,
            "peer": event.peer,
        }
    if isinstance(event, PeerConnected):
        return {
            "event": "connected",
            "peer": event.peer,
            "path": event.path.value,
            "open_ms": event.open_ms,
        }
    if isinstance(event, PeerMessage):
        return {"event": "message", "peer": event.peer, "text": event.text}
    return {"event": "closed", "peer": event.peer, "code": event.code, "reason": event.reason}


def error_event(exc: BaseException) -> dict[str, Any]:
    code = getattr(exc, "code", None) if isinstance(exc, TokenError) else None
    if code is None:
        name = type(exc).__name__.removesuffix("Error")
        code = "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")
    return {"event": "error", "code": code, "message": str(exc)}


class _Printer:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def __call__(self, obj: dict[str, Any]) -> None:
        if self.as_json:
            line = json.dumps(obj, separators=(",", ":"))
        else:
            rest = " ".join(f"{k}={v}" for k, v in obj.items() if k != "event")
            line = f"{obj['event']}: {rest}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


async def _handle(node: LinkNode, line: str, out: _Printer) -> bool:
    """Run one command line; False means quit."""
    verb, _, arg = line.strip().partition(" ")
    arg = arg.strip()
    try:
        if verb == "":
            return True
        if verb == "quit":
            return False
        if verb == "invite":
            await node.invite()
        elif verb == "accept":
            if not arg:
                raise TokenError("accept needs a token: accept <token>")
            await node.accept(arg)
        elif verb == "send":
            count = node.send(arg)
            out({"event": "sent", "peers": count})
        elif verb == "status":
            peers = [
                {
                    "peer": p.peer,
                    "state": p.state.value,
                    "path": p.path.value if p.path else None,
                    "rtt_ms": p.rtt_ms,
                }
                for p in node.peers()
            ]
            out({"event": "status", "peers": peers})
        else:
            out({"event": "error", "code": "unknown-command", "message": f"{verb!r}? {HELP}"})
    except (TokenError, PartyError) as exc:
        out(error_event(exc))
    return True


async def _node(args: argparse.Namespace) -> int:
    config = link_config(args)
    out = _Printer(args.json)
    node = LinkNode(config)
    loop = asyncio.get_running_loop()

    async def forward() -> None:
        async for event in node.events():
            out(event_json(event))

    forwarder = loop.create_task(forward())
    stdin = StdinLines()
    out({"event": "ready", "help": HELP})
    try:
        while True:
            line = await stdin.line()
            if line is None or not await _handle(node, line, out):
                break
    finally:
        await node.close()
        forwarder.cancel()
        await asyncio.gather(forwarder, return_exceptions=True)
        for event in node.drain_events():  # what close() reported after the forwarder stopped
            out(event_json(event))
    return EXIT_OK
