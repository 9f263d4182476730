"""``webrtc-party host`` and ``join``: the copy-paste handshake for people."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from signaling.clipboard import copy_to_clipboard
from signaling.errors import NotATokenError, TokenError
from signaling.qr import qr_terminal
from signaling.token import TokenKind
from webrtc_party.cli.common import EXIT_CONNECT, EXIT_OK, run_async
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.cli.stdin import StdinLines
from webrtc_party.linknode import LinkNode, PeerClosed, PeerConnected, PeerMessage, TokenMade

__all__ = ["register"]


def register(sub: Any) -> None:
    host = sub.add_parser("host", help="invite a friend: print an invite, paste their answer")
    host.add_argument("--qr", action="store_true", help="also show the invite as a QR code")
    add_link_options(host)
    host.set_defaults(command=lambda args: run_async(_session(args, None)))
    join = sub.add_parser("join", help="join with a friend's invite and send back the answer")
    join.add_argument("token", nargs="?", help="the invite (default: paste it when asked)")
    join.add_argument("--qr", action="store_true", help="also show the answer as a QR code")
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


async def _session(args: argparse.Namespace, join_token: str | None) -> int:
    node = LinkNode(link_config(args))
    stdin = StdinLines()
    countdown: asyncio.Task[None] | None = None
    connected = False
    try:
        if join_token is None:
            made = await node.invite()
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
        countdown = asyncio.get_running_loop().create_task(_countdown(made.expires_at))
        events = node.events()
        reader = asyncio.ensure_future(stdin.chunk())
        waiter = asyncio.ensure_future(anext(events))
        while True:
            done, _ = await asyncio.wait({reader, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if waiter in done:
                event = waiter.result()
                waiter = asyncio.ensure_future(anext(events))
                if isinstance(event, PeerConnected):
                    countdown.cancel()
                    connected = True
                    _say(
                        f"\nConnected to {event.peer} ({event.path.value}, {event.open_ms:.0f} ms)."
                    )
                    _say("Type a message and press Enter; Ctrl-D to leave.")
                elif isinstance(event, PeerMessage):
                    _say(f"{event.peer}: {event.text}")
                elif isinstance(event, PeerClosed):
                    _say(f"\n{event.peer}: {event.reason}")
                    return EXIT_OK if connected else EXIT_CONNECT
            if reader in done:
                chunk = reader.result()
                if chunk is None:
                    return EXIT_OK
                reader = asyncio.ensure_future(stdin.chunk())
                await _typed(node, chunk, connected)
    finally:
        if countdown is not None:
            countdown.cancel()
        await node.close()


async def _typed(node: LinkNode, chunk: str, connected: bool) -> None:
    text = chunk.strip()
    if not text:
        return
    if connected:
        node.send(text)
        return
    try:
        await node.accept(text)
        _say("Answer applied, connecting...")
    except NotATokenError:
        _say("  That is not a token. Paste the answer your friend sent (it starts with 'wpa').")
    except TokenError as exc:
        _say(f"  {exc}")
