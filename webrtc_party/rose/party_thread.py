"""The party's own thread and event loop, and the two ways to hand it work.

``call`` waits for the result (plain threads only: it refuses to block an event loop);
``run`` is awaited from another event loop (Rose's) without blocking it. Starting the thread
never waits either: ``ensure_started`` returns a future that says when the service is up.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from webrtc_party.loops import run_party
from webrtc_party.rose.errors import PartyTimeoutError, ServiceClosedError

if TYPE_CHECKING:
    from webrtc_party.rose.control import PartySnapshot
    from webrtc_party.rose.service import PartyService

__all__ = ["PartyThread"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class PartyThread:
    """Runs ``factory()`` (a service context manager) on a thread of its own."""

    def __init__(
        self,
        factory: Callable[[], PartyService],
        listener: Callable[[PartySnapshot], None],
        on_stopped: Callable[[], None],
        timeout: float,
    ) -> None:
        self._factory = factory
        self._listener = listener
        self._on_stopped = on_stopped
        self._timeout = timeout
        self._start_lock = threading.Lock()
        self._ready: concurrent.futures.Future[None] | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.service: PartyService | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def ensure_started(self) -> concurrent.futures.Future[None]:
        """Start the party thread if needed; never waits (the future says when it is up)."""
        with self._start_lock:
            thread, ready = self._thread, self._ready
            if thread is not None and ready is not None and (thread.is_alive() or not ready.done()):
                return ready
            ready = concurrent.futures.Future()
            self._ready = ready
            self._thread = threading.Thread(
                target=self._run, args=(ready,), name="webrtc-party", daemon=True
            )
            self._thread.start()
            return ready

    def start(self) -> None:
        """Start the party thread and wait until the service is up (plain threads only)."""
        self.ensure_started().result(self._timeout)

    def _run(self, ready: concurrent.futures.Future[None]) -> None:
        try:
            run_party(self._main(ready))
        except BaseException as exc:  # the thread must say why it died
            if not ready.done():
                ready.set_exception(exc)
            log.exception("the party thread stopped")

    async def _main(self, ready: concurrent.futures.Future[None]) -> None:
        self.loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        async with self._factory() as service:
            self.service = service
            service.subscribe(self._listener)
            ready.set_result(None)
            await self._stopped.wait()
        self.service = None
        self._on_stopped()

    def close(self) -> None:
        """Leave the party and stop the thread."""
        with self._start_lock:
            thread, loop, stopped = self._thread, self.loop, self._stopped
            if thread is None or loop is None or stopped is None:
                return
            if loop.is_running():
                loop.call_soon_threadsafe(stopped.set)
            thread.join(self._timeout)
            self._thread = None

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        loop = self.loop
        if loop is None or self.service is None or not loop.is_running():
            coro.close()
            raise ServiceClosedError("The party service has stopped.")
        return asyncio.run_coroutine_threadsafe(coro, loop)

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run on the party's loop and wait (plain threads only)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            coro.close()
            raise RuntimeError("PartyManager: blocking call on an event loop; await the async one")
        wait = self._timeout if timeout is None else timeout
        try:
            self.ensure_started().result(wait)
        except TimeoutError:
            coro.close()
            raise PartyTimeoutError("The party did not start in time; try again.") from None
        future = self.submit(coro)
        try:
            return future.result(wait)
        except TimeoutError:
            future.cancel()
            raise PartyTimeoutError("The party did not answer in time; try again.") from None

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run on the party's loop; the caller's loop keeps running meanwhile."""
        try:
            async with asyncio.timeout(self._timeout):
                await asyncio.wrap_future(self.ensure_started())
        except TimeoutError:
            coro.close()
            raise PartyTimeoutError("The party did not start in time; try again.") from None
        except BaseException:
            coro.close()
            raise
        future = self.submit(coro)
        try:
            async with asyncio.timeout(self._timeout):
                return await asyncio.wrap_future(future)
        except TimeoutError:
            raise PartyTimeoutError("The party did not answer in time; try again.") from None
