"""Console streams that never raise, whatever the code page (a cp1252 or cp850 Windows console).

Python's standard output is strict: printing ``"\ufffd"`` (which ``printable`` puts in place of
a peer's control characters) or a friend's name in another script to a cp1252 console raises
``UnicodeEncodeError``. The CLI's streams are switched to ``errors="replace"`` once, at start;
a frozen windowed program has no streams at all (``None``) and gets the null device.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

__all__ = ["tolerant_console"]

_NAMES = ("stdin", "stdout", "stderr")


def tolerant_console() -> None:
    """Make ``sys.stdin``/``stdout``/``stderr`` replace what their encoding cannot hold."""
    for name in _NAMES:
        stream: TextIO | None = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _null(name))
            continue
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # closed or detached: leave it alone
                continue


def _null(name: str) -> TextIO:
    return open(os.devnull, "r" if name == "stdin" else "w", encoding="utf-8")
