"""``PartyManager``: Rose's synchronous party API over a service on its own event-loop thread.

Rose calls the manager from plain threads (its UI handler, its injection thread). Each call
is handed to the party's loop with ``run_coroutine_threadsafe`` and waited for, so nothing here
ever runs on Rose's loop. From code that runs on an event loop (Rose's bridge), use the
``*_async`` twins: they await the party's loop without blocking the caller's. User mistakes
(a bad token, no League client) come back as values, never as exceptions.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from signaling.errors import TokenError
from webrtc_party.errors import PartyError
from webrtc_party.loops import run_party
from webrtc_party.party import CustomMod, FieldError
from webrtc_party.rose.archive import ArchiveRejectedError
from webrtc_party.rose.bridge_handler import Outgoing, handle_ui_message, reusable_invite
from webrtc_party.rose.bridge_messages import error_code
from webrtc_party.rose.control import PartySnapshot
from webrtc_party.rose.errors import ServiceClosedError
from webrtc_party.rose.modindex import content_hash
from webrtc_party.rose.records import InjectionReport, PartySkin, TeamView
from webrtc_party.rose.service import PartyService

__all__ = ["AddPeerResult", "PartyManager"]

log = logging.getLogger(__name__)
T = TypeVar("T")
StateCallback = Callable[[PartySnapshot], None]


@dataclass(frozen=True)
class AddPeerResult:
    """What ``add_peer`` did: truthy on success; ``answer`` is set when an invite was pasted."""

    success: bool
    answer: str | None = None
    expires_at: int | None = None
    error: str | None = None
    code: str | None = None

    def __bool__(self) -> bool:
        return self.success


class PartyManager:
    """Thread-safe, synchronous facade. ``service_factory`` runs on the party's thread."""

    def __init__(
        self,
        service_factory: Callable[[], PartyService],
        *,
        timeout: float = 30.0,
        skins_timeout: float = 1.0,
    ) -> None:
        self._factory = service_factory
        self._timeout = timeout
        self._skins_timeout = skins_timeout
        self._start_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._service: PartyService | None = None
        self._stopped: asyncio.Event | None = None
        self._on_state_change: StateCallback | None = None
        self._last_skins: tuple[PartySkin, ...] = ()
        self._last_team: TeamView | None = None
        self.last_error: str | None = None
        self.token: str | None = None  # Rose's SharedState.party_token

    # -- the party thread -----------------------------------------------------------------

    def start(self) -> None:
        """Start the party thread (the other methods do it on first use)."""
        with self._start_lock:
            if self._thread is not None:
                return
            ready: concurrent.futures.Future[None] = concurrent.futures.Future()
            self._thread = threading.Thread(
                target=self._run, args=(ready,), name="webrtc-party", daemon=True
            )
            self._thread.start()
            ready.result(self._timeout)

    def _run(self, ready: concurrent.futures.Future[None]) -> None:
        try:
            run_party(self._main(ready))
        except BaseException as exc:  # the thread must say why it died
            if not ready.done():
                ready.set_exception(exc)
            log.exception("the party thread stopped")

    async def _main(self, ready: concurrent.futures.Future[None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        async with self._factory() as service:
            self._service = service
            service.subscribe(self._state_changed)
            ready.set_result(None)
            await self._stopped.wait()
        self._service = None

    def close(self) -> None:
        """Leave the party and stop the thread."""
        with self._start_lock:
            thread, loop, stopped = self._thread, self._loop, self._stopped
            if thread is None or loop is None or stopped is None:
                return
            if loop.is_running():
                loop.call_soon_threadsafe(stopped.set)
            thread.join(self._timeout)
            self._thread = None

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        self.start()
        loop = self._loop
        if loop is None or self._service is None or not loop.is_running():
            coro.close()
            raise ServiceClosedError("The party service has stopped.")
        return asyncio.run_coroutine_threadsafe(coro, loop)

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            coro.close()
            raise RuntimeError("PartyManager: blocking call on an event loop; use the *_async one")
        return self._submit(coro).result(self._timeout if timeout is None else timeout)

    async def _await(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(self._submit(coro))

    @property
    def service(self) -> PartyService:
        """The service on the party's thread (started on first use). Touch it only there."""
        self.start()
        if self._service is None:
            raise ServiceClosedError("The party service has stopped.")
        return self._service

    # -- Rose's API -----------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        service = self._service
        return service is not None and service.enabled

    def set_callbacks(self, on_state_change: StateCallback | None = None, **_: Any) -> None:
        """``on_state_change(snapshot)`` is called on the party's thread after every change."""
        self._on_state_change = on_state_change

    def enable(self) -> str:
        """Turn the party on; returns our invite token ("" on failure, see ``last_error``)."""
        try:
            return self._guard(self._call(self._enable()), "")
        except (TimeoutError, ServiceClosedError) as exc:
            return self._guard(("", _stuck(exc)), "")

    async def enable_async(self) -> str:
        return self._guard(await self._await(self._enable()), "")

    def disable(self) -> None:
        self.token = None
        try:
            self._call(self._disable())
        except (TimeoutError, ServiceClosedError) as exc:
            log.warning("party disable: %s", _stuck(exc))

    async def disable_async(self) -> None:
        self.token = None
        await self._await(self._disable())

    def add_peer(self, token: str) -> AddPeerResult:
        """Any pasted token: an invite gives back ``answer`` to send to the friend."""
        try:
            return self._call(self._add_peer(token))
        except (TimeoutError, ServiceClosedError) as exc:
            return AddPeerResult(False, error=_stuck(exc), code="internal")

    async def add_peer_async(self, token: str) -> AddPeerResult:
        return await self._await(self._add_peer(token))

    def remove_peer(self, summoner_id: int | str) -> bool:
        try:
            return self._call(self._remove(str(summoner_id)))
        except (TimeoutError, ServiceClosedError) as exc:
            log.warning("party remove: %s", _stuck(exc))
            return False

    def set_custom_mod(self, skin_id: int, mod_path: Path | None, name: str | None = None) -> bool:
        """Announce the custom mod at ``mod_path`` whenever we play ``skin_id`` (None: stop).

        The mod is hashed here, in the caller's thread; friends only learn the hash and
        ``name`` (default: the file name). False if the mod cannot be read or named."""
        mod = None
        if mod_path is not None:
            try:
                label = (name or mod_path.stem).strip()[:64] or "custom mod"
                mod = CustomMod(content_hash(mod_path), label)
            except (OSError, ArchiveRejectedError, FieldError) as exc:
                log.warning("custom mod %s not announced: %s", mod_path.name, exc)
                return False
        try:
            self._call(self._set_custom(skin_id, mod))
        except (TimeoutError, ServiceClosedError) as exc:
            log.warning("custom mod not announced: %s", _stuck(exc))
            return False
        return True

    def get_party_skins(self) -> list[PartySkin]:
        """The friends' skins to inject (called from Rose's injection thread). Never raises."""
        self._refresh_records()
        return list(self._last_skins)

    def get_team_view(self) -> TeamView | None:
        """My team as the client shows it (the hook's other provider). Never raises."""
        self._refresh_records()
        return self._last_team

    def publish_injection_report(self, report: InjectionReport) -> None:
        """The hook's ``on_report``: show each member's outcome in the party state.

        Called from Rose's injection thread; returns at once. Never raises."""
        loop, service = self._loop, self._service
        if loop is None or service is None or not loop.is_running():
            return
        try:
            loop.call_soon_threadsafe(service.record_injection, report)
        except RuntimeError:  # the loop closed meanwhile
            log.info("injection report dropped: the party has stopped")

    def snapshot(self) -> PartySnapshot:
        return self._call(self._snapshot())

    def handle_ui_message(self, frame: str | bytes | Mapping[str, Any]) -> list[Outgoing]:
        return self._call(handle_ui_message(self.service, frame))

    async def handle_ui_message_async(
        self, frame: str | bytes | Mapping[str, Any]
    ) -> list[Outgoing]:
        """For Rose's bridge loop: the bridge logic, run on the party's loop."""
        return await self._await(handle_ui_message(self.service, frame))

    # -- on the party's loop --------------------------------------------------------------

    def _guard(self, result: tuple[str, str | None], default: str) -> str:
        token, error = result
        self.last_error = error
        if error is None:
            self.token = token
            return token
        return default

    async def _enable(self) -> tuple[str, str | None]:
        service = self.service
        try:
            await service.enable()
            found = reusable_invite(service, service.snapshot().timestamp)
            invite = found or await service.create_invite()
        except (TokenError, PartyError) as exc:
            log.warning("party could not be enabled: %s", exc)
            return "", str(exc)
        return invite.token, None

    async def _add_peer(self, token: str) -> AddPeerResult:
        service = self.service
        try:
            await service.enable()
            outcome = await service.accept(token.strip())
        except (TokenError, PartyError) as exc:
            return AddPeerResult(False, error=str(exc), code=error_code(exc))
        if outcome.answer is not None:
            return AddPeerResult(True, outcome.answer.token, outcome.answer.expires_at)
        return AddPeerResult(outcome.completed)

    async def _remove(self, member: str) -> bool:
        service = self.service
        try:
            return await service.remove(member)
        except PartyError as exc:
            log.info("remove %s: %s", member, exc)
            return False

    async def _disable(self) -> None:
        await self.service.disable()

    async def _set_custom(self, skin_id: int, mod: CustomMod | None) -> None:
        self.service.set_custom_mod(skin_id, mod)

    async def _snapshot(self) -> PartySnapshot:
        return self.service.snapshot()

    async def _records(self) -> tuple[tuple[PartySkin, ...], TeamView | None]:
        picture = self.service.picture()
        return picture.skins, picture.team

    def _refresh_records(self) -> None:
        try:
            skins, team = self._call(self._records(), self._skins_timeout)
        except Exception as exc:  # a stale answer beats an exception in Rose's thread
            log.warning("party records not refreshed (%s); using the last ones", exc)
            return
        self._last_skins, self._last_team = skins, team

    def _state_changed(self, snapshot: PartySnapshot) -> None:
        callback = self._on_state_change
        if callback is None:
            return
        try:
            callback(snapshot)
        except Exception:
            log.exception("Rose's on_state_change callback failed")


def _stuck(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "The party did not answer in time; try again."
    return str(exc)
