"""Exit codes and error reporting shared by every sub-command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from signaling.errors import TokenError
from webrtc_party.errors import ConnectError, LocalError, PartyError, RemoteError
from webrtc_party.loops import run_party

__all__ = [
    "EXIT_CONNECT",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_LOCAL",
    "EXIT_OK",
    "EXIT_REMOTE",
    "EXIT_TOKEN",
    "EXIT_USAGE",
    "Command",
    "exit_code_for",
    "handle_errors",
    "printable",
    "run_async",
]

EXIT_OK = 0
EXIT_ERROR = 1  # an error of no more specific class
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_TOKEN = 3  # a token could not be used (damaged, expired, wrong kind, ...)
EXIT_CONNECT = 4  # a connection could not be made in time
EXIT_LOCAL = 5  # local configuration or environment problem
EXIT_REMOTE = 6  # the peer or the League client failed us
EXIT_INTERRUPTED = 130

Command = Callable[[argparse.Namespace], int]


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, TokenError):
        return EXIT_TOKEN
    if isinstance(exc, ConnectError):
        return EXIT_CONNECT
    if isinstance(exc, LocalError):
        return EXIT_LOCAL
    if isinstance(exc, RemoteError):
        return EXIT_REMOTE
    return EXIT_ERROR


def handle_errors(command: Command, args: argparse.Namespace) -> int:
    """Run a command; user-facing errors become one line on stderr, never a traceback."""
    try:
        return command(args)
    except PartyError as exc:
        print(f"webrtc-party: {exc}", file=sys.stderr)
        return exit_code_for(exc)


def printable(text: str) -> str:
    """A peer's text with control characters (terminal escapes, line breaks) neutralised."""
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


def run_async(coro: Coroutine[Any, Any, int]) -> int:
    """Run a coroutine on a fresh party loop (a selector loop on Windows: CPython gh-91227)."""
    return run_party(coro)
