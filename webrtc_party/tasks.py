"""Plumbing every asyncio shell shares: the tasks it owns, and the events it reports.

Every shell keeps its background work in a ``TaskSet``, so that no task is
fire-and-forget and closing a shell leaves nothing running; and its events for
its owner in an ``EventQueue``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine, Iterable
from typing import Any, Generic, TypeVar

__all__ = ["EventQueue", "TaskSet"]

T = TypeVar("T")


class EventQueue(Generic[T]):
    """Events for a shell's owner: read as a stream, or drained without waiting."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[T] = asyncio.Queue()

    def put(self, event: T) -> None:
        self._queue.put_nowait(event)

    async def stream(self) -> AsyncIterator[T]:
        while True:
            yield await self._queue.get()

    def drain(self) -> list[T]:
        """The events queued but not yet read."""
        drained: list[T] = []
        while not self._queue.empty():
            drained.append(self._queue.get_nowait())
        return drained


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
