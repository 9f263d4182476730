"""``webrtc-party`` entry point: builds the parser from the command modules."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from webrtc_party import __version__
from webrtc_party.cli.common import EXIT_INTERRUPTED, Command, handle_errors
from webrtc_party.cli.console import tolerant_console

__all__ = ["build_parser", "main", "run"]

# Each module has ``register(subparsers)`` which adds its sub-commands; every
# sub-command sets ``command`` (a ``Command``) as its parser default.
COMMAND_MODULES = (
    "webrtc_party.cli.token_cmd",
    "webrtc_party.cli.lcu_cmd",
    "webrtc_party.cli.node_cmd",
    "webrtc_party.cli.handshake_cmd",
    "webrtc_party.cli.doctor_cmd",
    "webrtc_party.cli.serve_cmd",
    "webrtc_party.cli.rose_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webrtc-party",
        description="Party mode over WebRTC: invite friends with a short token, no server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    sub = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    tolerant_console()  # no UnicodeEncodeError on a cp1252/cp850 console
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    command: Command = args.command
    try:
        return handle_errors(command, args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def run() -> None:
    sys.exit(main())
