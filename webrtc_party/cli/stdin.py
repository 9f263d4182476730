"""Lines from stdin for asyncio, read by a daemon thread (works for pipes and terminals).

An executor thread blocked in ``readline`` would keep the interpreter from
exiting; a daemon thread does not.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading

__all__ = ["StdinLines"]


class StdinLines:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def put(raw: bytes) -> None:
            # Decoded leniently: one bad byte must not end the input.
            loop.call_soon_threadsafe(self._queue.put_nowait, raw.decode("utf-8", "replace"))

        def pump() -> None:
            # os.read on the descriptor, not sys.stdin: a daemon thread blocked inside
            # a buffered reader holds its lock, and the interpreter aborts at exit.
            pending = b""
            try:
                fd = sys.stdin.fileno()
                while chunk := os.read(fd, 65536):
                    *lines, pending = (pending + chunk).split(b"\n")
                    for raw in lines:
                        put(raw + b"\n")
                if pending:
                    put(pending)
            except (OSError, ValueError):
                pass  # stdin closed or not a file: that is the end of input
            finally:
                loop.call_soon_threadsafe(self._queue.put_nowait, None)

        threading.Thread(target=pump, name="stdin", daemon=True).start()

    async def line(self) -> str | None:
        """The next line, or None at end of input."""
        return await self._queue.get()

    async def chunk(self, settle: float = 0.15) -> str | None:
        """A line plus any lines that follow within ``settle`` s (one multi-line paste)."""
        first = await self._queue.get()
        if first is None:
            return None
        lines = [first]
        while True:
            try:
                async with asyncio.timeout(settle):
                    nxt = await self._queue.get()
            except TimeoutError:
                break
            if nxt is None:
                self._queue.put_nowait(None)
                break
            lines.append(nxt)
        return "".join(lines)
