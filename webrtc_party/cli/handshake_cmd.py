"""``webrtc-party host`` and ``join``: the copy-paste handshake for people."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from typing import Any

from signaling.clipboard import copy_to_clipboard
from signaling.errors import DamagedTokenError, NotATokenError, TokenError
from signaling.qr import qr_terminal
from signaling.token import TokenKind
from webrtc_party.cli.common import EXIT_CONNECT, EXIT_OK, printable, run_async
from webrtc_party.cli.identity import add_identity_options, identity_from_args
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.cli.stdin import StdinLines
from webrtc_party.linknode import PeerClosed, PeerConnected, TokenMade
from webrtc_party.node import ChatReceived, PartyNode
from webrtc_party.party import MemberChanged
from webrtc_party.tasks import TaskSet
from webrtc_party.views import status_text

__all__ = ["register"]


def register(sub: Any) -> None:
    host = sub.add_parser("host", help="invite a friend: print an invite, paste their answer")
    host.add_argument("--qr", action="store_true", help="also show the invite as a QR code")
    add_identity_options(host)
    add_link_options(host)
    host.set_defaults(command=lambda args: run_async(_session(args, None)))
    join = sub.add_parser("join", help="join with a friend's invite and send back the answer")
    join.add_argument("token", nargs="?", help="the invite (default: paste it when asked)")
    join.add_argument("--qr", action="store_true", help="also show the answer as a QR code")
    add_identity_options(join)
    add_link_options(join)
    join.set_defaults(command=lambda args: run_async(_session(args, args.token or "")))


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _show_token(made: TokenMade, qr: bool) -> None:
    copied = copy_to_clipboard(made.text)
    if made.kind is TokenKind.INVITE:
        what = "Send this invite to your friend"
    else:
        what = "Send this answer back to your friend"
    _say(f"{what}{' (copied to the clipboard)' if copied else ''}:")
    _say()
    _say(f"    {made.text}")
    _say()
    if qr:
        _say(qr_terminal(made.text))
    minutes = max(0, round((made.expires_at - time.time()) / 60))
    _say(f"It expires in about {minutes} minutes.")


async def _countdown(expires_at: int) -> None:
    """A live countdown on a terminal; nothing on a pipe."""
    if not sys.stdout.isatty():
        return
    while (left := expires_at - time.time()) > 0:
        sys.stdout.write(f"\r  expires in {int(left) // 60}:{int(left) % 60:02d}  ")
        sys.stdout.flush()
        await asyncio.sleep(1)
    sys.stdout.write("\r  expired              \n")


class _PartyView:
    """Prints the member list when it changed (status, round trip bucket, skin)."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, node: PartyNode) -> None:
        text = _party_text(node)
        if text != self.last:
            self.last = text
            _say(text)


def _party_text(node: PartyNode) -> str:
    members = node.members()
    lines = [f"Party ({len(members)}):"]
    for m in members:
        rtt = f", {m.rtt * 1000:.0f} ms" if m.rtt is not None else ""
        rtt = "" if m.rtt is not None and m.rtt < 0.005 else rtt  # don't redraw for noise
        sel, skin = m.selection, ""
        if sel is not None:
            skin = f"  skin {sel.skin_id}" + (f" chroma {sel.chroma_id}" if sel.chroma_id else "")
        who = "you" if m.is_local else status_text(m)
        lines.append(f"  {m.identity.riot_id:24} {who}{rtt}{skin}")
    return "\n".join(lines)


def _riot_id(node: PartyNode, puuid: str | None) -> str | None:
    return next((m.identity.riot_id for m in node.members() if m.member_id == puuid), puuid)


async def _session(args: argparse.Namespace, join_token: str | None) -> int:
    node = PartyNode(identity_from_args(args), link_config(args))
    async with node:
        return await _run(node, args, join_token)


async def _run(node: PartyNode, args: argparse.Namespace, join_token: str | None) -> int:
    stdin = StdinLines()
    show_party = _PartyView()
    countdown: asyncio.Task[None] | None = None
    tasks = TaskSet("handshake command", logging.getLogger(__name__))
    pending: list[asyncio.Future[Any]] = []
    connected = False
    try:
        if join_token is None:
            made = await node.create_invite()
            _show_token(made, args.qr)
            _say("Paste their answer here:")
        else:
            text = join_token
            while True:
                if not text:
                    _say("Paste your friend's invite:")
                    chunk = await stdin.chunk()
                    if chunk is None:
                        return EXIT_OK
                    text = chunk
                try:
                    answered = await node.accept(text)
                    break
                except TokenError as exc:
                    _say(f"  {exc}")
                    text = ""
            assert answered is not None
            made = answered
            _show_token(made, args.qr)
            _say("Waiting for your friend to paste it...")
        countdown = tasks.spawn(_countdown(made.expires_at))
        events = node.events()
        reader = asyncio.ensure_future(stdin.chunk())
        waiter = asyncio.ensure_future(anext(events))
        pending.extend((reader, waiter))
        while True:
            done, _ = await asyncio.wait({reader, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if waiter in done:
                event = waiter.result()
                waiter = asyncio.ensure_future(anext(events))
                pending.append(waiter)
                if isinstance(event, PeerConnected):
                    countdown.cancel()
                    connected = True
                    _say(
                        f"\nConnected to {event.peer} ({event.path.value}, {event.open_ms:.0f} ms)."
                    )
                    _say("Type a message and press Enter; Ctrl-D to leave.")
                elif isinstance(event, ChatReceived):
                    who = _riot_id(node, event.member) or event.peer
                    _say(f"{who}: {printable(event.text)}")
                elif isinstance(event, MemberChanged):
                    show_party(node)
                elif isinstance(event, PeerClosed):
                    _say(f"\n{event.peer}: {event.reason}")
                    if not connected:
                        return EXIT_CONNECT
            if reader in done:
                chunk = reader.result()
                if chunk is None:
                    return EXIT_OK
                reader = asyncio.ensure_future(stdin.chunk())
                pending.append(reader)
                await _typed(node, chunk, connected, args.qr)
    finally:
        await tasks.cancel()
        for future in pending:
            future.cancel()


async def _typed(node: PartyNode, chunk: str, connected: bool, qr: bool) -> None:
    """A line typed: a token (any kind, anytime) or, once connected, chat."""
    text = chunk.strip()
    if not text:
        return
    try:
        made = await node.accept(text)
    except (NotATokenError, DamagedTokenError):
        if connected:
            node.send_chat(text)  # not a token after all: it was chat
        else:
            _say("  That is not a token. Paste the answer your friend sent (it starts with 'wpa').")
        return
    except TokenError as exc:
        _say(f"  {exc}")
        return
    if made is None:
        _say("Answer applied, connecting...")
    else:
        _show_token(made, qr)  # they pasted an invite: this answer goes back to its sender
