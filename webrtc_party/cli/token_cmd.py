"""``webrtc-party token inspect``: decode a token without connecting."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from signaling.token import check_fresh, parse_token
from webrtc_party.cli.common import EXIT_OK

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("token", help="work with party tokens")
    tsub = p.add_subparsers(dest="token_cmd", required=True, metavar="ACTION")
    inspect = tsub.add_parser("inspect", help="show what a token holds (exit 0 if usable)")
    inspect.add_argument("token", nargs="?", help="the token (default: read from stdin)")
    inspect.set_defaults(command=_inspect)


def _inspect(args: argparse.Namespace) -> int:
    text = args.token if args.token is not None else sys.stdin.read()
    token = parse_token(text)
    now = time.time()
    age = now - token.created
    left = token.expires - now
    print(f"kind:        {token.kind.value}")
    print(f"format:      {token.version}")
    print(f"created:     {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(token.created))}")
    print(f"age:         {age:.0f} s")
    print(f"expires in:  {left:.0f} s" if left >= 0 else f"expired:     {-left:.0f} s ago")
    print(f"fingerprint: sha-256 {token.fingerprint.hex(':').upper()}")
    print(f"setup:       {token.setup.name.lower()}")
    if token.invite_ref is not None:
        print(f"answers:     invite {token.invite_ref.hex()}")
    print(f"candidates:  {len(token.candidates)}")
    for c in token.candidates:
        host = f"[{c.ip}]" if c.ip.version == 6 else str(c.ip)
        print(f"  {c.type.name.lower():6} {host}:{c.port}")
    check_fresh(token, now)  # an expired token is reported, then fails the exit code
    return EXIT_OK
