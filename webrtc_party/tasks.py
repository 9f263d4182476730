"""The tasks a shell owns: spawned, logged if they crash, and cancelled together on close.

Every asyncio shell in the package keeps its background work here, so that no
task is fire-and-forget and closing a shell leaves nothing running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from typing import Any

__all__ = ["TaskSet"]


class TaskSet:
    def __init__(self, owner: str, logger: logging.Logger) -> None:
        self._owner = owner
        self._logger = logger
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._logger.error("%s: task failed", self._owner, exc_info=task.exception())

    async def cancel(self, *, keep: Iterable[asyncio.Task[None] | None] = ()) -> None:
        """Cancel every task (but the current one and ``keep``) and wait for them to end."""
        spared = {asyncio.current_task(), *keep}
        doomed = [task for task in self._tasks if task not in spared]
        for task in doomed:
            task.cancel()
        await asyncio.gather(*doomed, return_exceptions=True)
