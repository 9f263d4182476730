"""``webrtc-party node``: the scriptable party node (commands on stdin, events out)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from signaling.errors import TokenError
from webrtc_party.cli.common import EXIT_OK, printable, run_async
from webrtc_party.cli.identity import add_identity_options, identity_from_args, parse_selection
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.cli.stdin import StdinLines
from webrtc_party.errors import PartyError
from webrtc_party.linknode import PeerClosed, PeerConnected, TokenMade
from webrtc_party.node import ChatReceived, PartyNode, PartyNodeEvent
from webrtc_party.party import MemberChanged
from webrtc_party.tasks import TaskSet
from webrtc_party.views import member_json

__all__ = ["error_event", "register"]

logger = logging.getLogger(__name__)

HELP = (
    "commands: invite | accept <token> | send <text> | select <champion>:<skin>[:<chroma>] "
    "| remove <puuid> | members | status | quit"
)


def register(sub: Any) -> None:
    p = sub.add_parser("node", help="scriptable party node: commands on stdin, events on stdout")
    p.add_argument("--json", action="store_true", help="one JSON object per line (for scripts)")
    add_identity_options(p)
    add_link_options(p)
    p.set_defaults(command=lambda args: run_async(_node(args)))


def token_json(made: TokenMade) -> dict[str, Any]:
    return {
        "event": "token",
        "kind": made.kind.value,
        "token": made.text,
        "expires_at": made.expires_at,
        "peer": made.peer,
    }


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
            rest = " ".join(f"{k}={printable(str(v))}" for k, v in obj.items() if k != "event")
            line = f"{obj['event']}: {rest}"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _party(node: PartyNode) -> dict[str, Any]:
    paths = node.paths()
    members = [member_json(m, paths.get(m.member_id)) for m in node.members()]
    return {"event": "party", "members": members}


def _event_json(node: PartyNode, event: PartyNodeEvent) -> list[dict[str, Any]]:
    if isinstance(event, PeerConnected):
        return [
            {
                "event": "connected",
                "peer": event.peer,
                "path": event.path.value,
                "open_ms": event.open_ms,
            }
        ]
    if isinstance(event, PeerClosed):
        return [{"event": "closed", "peer": event.peer, "code": event.code, "reason": event.reason}]
    if isinstance(event, ChatReceived):
        return [
            {"event": "message", "peer": event.peer, "member": event.member, "text": event.text}
        ]
    assert isinstance(event, MemberChanged)
    view = member_json(event.member, node.paths().get(event.member.member_id))
    return [{"event": "member", "change": event.change.value, "member": view}, _party(node)]


async def _handle(node: PartyNode, line: str, out: _Printer) -> bool:
    """Run one command line; False means quit."""
    verb, _, arg = line.strip().partition(" ")
    arg = arg.strip()
    try:
        if verb == "":
            return True
        if verb == "quit":
            return False
        if verb == "invite":
            out(token_json(await node.create_invite()))
        elif verb == "accept":
            if not arg:
                raise TokenError("accept needs a token: accept <token>")
            made = await node.accept(arg)
            if made is not None:
                out(token_json(made))
        elif verb == "send":
            out({"event": "sent", "peers": node.send_chat(arg)})
        elif verb == "select":
            node.set_selection(parse_selection(arg))
            out({"event": "selected", "selection": arg})
        elif verb == "remove":
            out({"event": "removed", "member": arg, "links": await node.remove(arg)})
        elif verb == "members":
            out(_party(node))
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
    except PartyError as exc:
        out(error_event(exc))
    except Exception as exc:  # a bug must not end the node: report it and go on
        logger.exception("command %r failed", verb)
        out({"event": "error", "code": "internal", "message": f"{verb} failed: {exc}"})
    return True


async def _node(args: argparse.Namespace) -> int:
    out = _Printer(args.json)
    node = PartyNode(identity_from_args(args), link_config(args))

    async def forward() -> None:
        async for event in node.events():
            for obj in _event_json(node, event):
                out(obj)

    tasks = TaskSet("node command", logger)
    async with node:
        tasks.spawn(forward())
        stdin = StdinLines()
        out({"event": "ready", "puuid": node.identity.puuid, "help": HELP})
        try:
            while True:
                line = await stdin.line()
                if line is None or not await _handle(node, line, out):
                    break
        finally:
            await node.leave()
            await tasks.cancel()
            for event in node.drain_events():
                for obj in _event_json(node, event):
                    out(obj)
    return EXIT_OK
