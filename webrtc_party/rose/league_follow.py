"""``follow_league``: feed a service every League client state, through client restarts.

The client may start later, restart or fail; the follower keeps looking every
``retry_delay`` seconds, quietly after the first warning, and says what is wrong in one
sentence for the panel (``problem``) until a state arrives again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from webrtc_party.lcu.state import LeagueState
from webrtc_party.rose.errors import league_problem

__all__ = ["LeagueFollower"]

log = logging.getLogger(__name__)


class LeagueFollower:
    def __init__(
        self,
        source: Callable[[], AsyncIterator[LeagueState]],
        apply: Callable[[LeagueState], Awaitable[None]],
        changed: Callable[[], None],
        retry_delay: float,
    ) -> None:
        self._source, self._apply, self._changed = source, apply, changed
        self._retry_delay = retry_delay
        self.problem: str | None = None

    async def run(self) -> None:
        last = ""
        while True:
            try:
                states = self._source()
                try:
                    async for state in states:
                        last = ""
                        if self.problem is not None:
                            self.problem = None
                            self._changed()
                        await self._apply(state)
                finally:  # close the client's connections now, not when the loop dies
                    close = getattr(states, "aclose", None)
                    if close is not None:
                        await close()
            except Exception as exc:  # the client may start later: keep looking, quietly
                text = f"{type(exc).__name__}: {exc}"
                self.problem = league_problem(exc)
                self._changed()
                level = logging.DEBUG if text == last else logging.WARNING
                log.log(
                    level, "League client: %s; looking again every %.0f s", exc, self._retry_delay
                )
                last = text
            await asyncio.sleep(self._retry_delay)
