"""The event loop the party runs on, chosen per platform without touching global policy.

On Windows the default (Proactor) loop has had several UDP bugs (a socket that stops
receiving after an ICMP port-unreachable, CPython gh-91227), and ICE is all UDP, so the party
runs on a ``SelectorEventLoop`` there. The choice is made per loop through
``asyncio.Runner(loop_factory=...)``: the host process (Rose) owns the global event loop
policy and its own loops, and nothing here changes them.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["party_loop_factory", "run_party"]

T = TypeVar("T")


def party_loop_factory(platform: str | None = None) -> Callable[[], asyncio.AbstractEventLoop]:
    """The factory for the party's loop: a selector loop on Windows, the default elsewhere."""
    if (platform or sys.platform) == "win32":
        return asyncio.SelectorEventLoop
    return asyncio.new_event_loop


def run_party(coro: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """``asyncio.run`` on the party's loop (see ``party_loop_factory``)."""
    with asyncio.Runner(debug=debug, loop_factory=party_loop_factory()) as runner:
        return runner.run(coro)
