"""``PartyManager``: Rose's party manager API over a party service on its own loop thread.

Rose (pengu/communication/message_handler.py 2653-2866 at 59922fc) builds it on its WebSocket
loop as ``PartyManager(lcu, shared_state, injection_manager)`` (cheap: nothing starts), then
AWAITS ``enable()``, ``disable()``, ``add_peer(token)`` and ``remove_peer(summoner_id)`` on
that loop, and reads ``get_state_dict()`` from any thread (its broadcaster calls it from
``on_state_change``, i.e. from OUR thread). The awaitables hand the work to the party's loop
and ``await asyncio.wrap_future`` it, so Rose's loop never blocks; ``get_state_dict()`` serves
a snapshot cached under a lock. Rose's injection threads call ``get_party_skins()``,
``get_team_view()`` and ``publish_injection_report()``.

Beside Rose's API: ``PartyManager.for_service(factory)`` for any service, and blocking or
richer twins for plain threads (``enable_blocking``, ``disable_blocking``, ``paste``,
``remove_blocking``, ``snapshot``, ``set_custom_mod``, ``handle_ui_message``). This module
imports no WebRTC code: the service (aiortc, aiohttp) is imported on the party's thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from signaling.errors import TokenError
from webrtc_party.errors import PartyError
from webrtc_party.party import CustomMod, FieldError
from webrtc_party.rose.bridge_messages import Json, encode_result, encode_state_fields, error_code
from webrtc_party.rose.control import PartySnapshot
from webrtc_party.rose.errors import ServiceClosedError
from webrtc_party.rose.party_thread import PartyThread
from webrtc_party.rose.records import InjectionReport, PartySkin, TeamView

if TYPE_CHECKING:
    from webrtc_party.rose.bridge_handler import Outgoing
    from webrtc_party.rose.service import PartyService

__all__ = ["AddPeerResult", "PartyManager"]

log = logging.getLogger(__name__)
T = TypeVar("T")
StateCallback = Callable[[PartySnapshot], None]
ServiceFactory = Callable[[], "PartyService"]
_OFF = PartySnapshot(enabled=False, me=None, members=(), pending=(), phase="None", timestamp=0.0)


@dataclass(frozen=True)
class AddPeerResult:
    """What a paste did: truthy on success; ``answer`` is set when an invite was pasted."""

    success: bool
    answer: str | None = None
    expires_at: int | None = None
    error: str | None = None
    code: str | None = None

    def __bool__(self) -> bool:
        return self.success


class PartyManager:
    """Thread-safe facade; the service runs on the party's own thread (started on first use)."""

    def __init__(
        self,
        lcu: Any = None,
        state: Any = None,
        injection_manager: Any = None,
        *,
        service_factory: ServiceFactory | None = None,
        timeout: float = 30.0,
        skins_timeout: float = 1.0,
    ) -> None:
        self._lcu, self._rose_state, self._injection_manager = lcu, state, injection_manager
        self._factory = service_factory or self._rose_factory
        self._skins_timeout = skins_timeout
        self._party = PartyThread(
            self._factory, self._state_changed, lambda: self._set_state(_OFF), timeout
        )
        self._on_state_change: StateCallback | None = None
        self._last_skins: tuple[PartySkin, ...] = ()
        self._last_team: TeamView | None = None
        self._state_lock = threading.Lock()
        self._last_result: Json | None = None
        self._state: Json = encode_state_fields(_OFF)
        self.last_error: str | None = None
        self.token: str | None = None  # the newest invite handed out

    @classmethod
    def for_service(
        cls, service_factory: ServiceFactory, *, timeout: float = 30.0, skins_timeout: float = 1.0
    ) -> PartyManager:
        """A manager over any service; ``service_factory`` runs on the party's thread."""
        return cls(service_factory=service_factory, timeout=timeout, skins_timeout=skins_timeout)

    def _rose_factory(self) -> PartyService:
        from webrtc_party.rose.rose_setup import rose_service  # the WebRTC stack, lazily

        return rose_service(self._lcu, self._rose_state, self._injection_manager)

    def start(self) -> None:
        """Start the party thread and wait until the service is up (plain threads only)."""
        self._party.start()

    def close(self) -> None:
        """Leave the party and stop the thread."""
        self._party.close()

    @property
    def service(self) -> PartyService:
        """The service on the party's thread (started on first use). Touch it only there."""
        self.start()
        if self._party.service is None:
            raise ServiceClosedError("The party service has stopped.")
        return self._party.service

    # -- Rose's API -----------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        service = self._party.service
        return service is not None and service.enabled

    def set_callbacks(self, on_state_change: StateCallback | None = None, **_: Any) -> None:
        """``on_state_change(snapshot)`` runs on the party's thread after every change."""
        self._on_state_change = on_state_change

    async def enable(self) -> str:
        """Turn the party on and return a fresh invite (again when on: for the next friend).

        Raises a :class:`PartyError` whose message is the sentence for the user."""
        return self._took(await self._party.run(self._enable()))

    async def disable(self) -> None:
        self.token = None
        if not self._party.started:
            return
        await self._party.run(self._disable())

    async def add_peer(self, token: str) -> tuple[bool, str | None]:
        """A friend's invite (our answer goes into the state) or their answer to ours."""
        try:
            result = await self._party.run(self._add_peer(token))
        except PartyError as exc:
            return False, str(exc)
        return result.success, result.error

    async def remove_peer(self, summoner_id: int | str) -> bool:
        if not self._party.started:
            return False
        return await self._party.run(self._remove(str(summoner_id)))

    def get_state_dict(self) -> Json:
        """The party state Rose broadcasts (docs/bridge.md); any thread, never blocks."""
        with self._state_lock:
            return dict(self._state)

    def get_party_skins(self) -> list[PartySkin]:
        """The friends' skins to inject (Rose's injection thread). Never raises."""
        self._refresh_records()
        return list(self._last_skins)

    def get_team_view(self) -> TeamView | None:
        """My team as the client shows it (the hook's other provider). Never raises."""
        self._refresh_records()
        return self._last_team

    def publish_injection_report(self, report: InjectionReport) -> None:
        """The hook's ``on_report``: returns at once, from any thread. Never raises."""
        loop, service = self._party.loop, self._party.service
        if loop is None or service is None or not loop.is_running():
            return
        try:
            loop.call_soon_threadsafe(service.record_injection, report)
        except RuntimeError:  # the loop closed meanwhile
            log.info("injection report dropped: the party has stopped")

    # -- for plain threads ----------------------------------------------------------------

    def enable_blocking(self) -> str:
        return self._took(self._party.call(self._enable()))

    def disable_blocking(self) -> None:
        self.token = None
        if self._party.started:
            self._party.call(self._disable())

    def paste(self, token: str) -> AddPeerResult:
        """Any pasted token, with the answer to send back when it was an invite."""
        try:
            return self._party.call(self._add_peer(token))
        except PartyError as exc:
            return AddPeerResult(False, error=str(exc), code=error_code(exc))

    async def paste_async(self, token: str) -> AddPeerResult:
        try:
            return await self._party.run(self._add_peer(token))
        except PartyError as exc:
            return AddPeerResult(False, error=str(exc), code=error_code(exc))

    def remove_blocking(self, summoner_id: int | str) -> bool:
        return self._party.started and self._party.call(self._remove(str(summoner_id)))

    def snapshot(self) -> PartySnapshot:
        return self._party.call(self._snapshot())

    def set_custom_mod(self, skin_id: int, mod_path: Path | None, name: str | None = None) -> bool:
        """Announce the mod at ``mod_path`` whenever we play ``skin_id`` (None: stop); outside
        Rose only (in Rose, its state says which mod it injects). Hashed in this thread."""
        from webrtc_party.rose.archive import ArchiveRejectedError
        from webrtc_party.rose.modindex import content_hash

        mod = None
        if mod_path is not None:
            try:
                label = (name or mod_path.stem).strip()[:64] or "custom mod"
                mod = CustomMod(content_hash(mod_path), label)
            except (OSError, ArchiveRejectedError, FieldError) as exc:
                log.warning("custom mod %s not announced: %s", mod_path.name, exc)
                return False
        try:
            self._party.call(self._set_custom(skin_id, mod))
        except PartyError as exc:
            log.warning("custom mod not announced: %s", exc)
            return False
        return True

    def handle_ui_message(self, frame: str | bytes | Mapping[str, Any]) -> list[Outgoing]:
        return self._party.call(self._ui(frame))

    async def handle_ui_message_async(
        self, frame: str | bytes | Mapping[str, Any]
    ) -> list[Outgoing]:
        """For a bridge on another loop: the bridge logic, run on the party's loop."""
        return await self._party.run(self._ui(frame))

    # -- on the party's loop --------------------------------------------------------------

    def _took(self, token: str) -> str:
        self.token = token
        self.last_error = None
        return token

    def _live(self) -> PartyService:
        if self._party.service is None:
            raise ServiceClosedError("The party service has stopped.")
        return self._party.service

    async def _enable(self) -> str:
        service = self._live()
        try:
            await service.enable()
            invite = await service.create_invite()
        except TokenError as exc:
            self.last_error = str(exc)
            raise PartyError(str(exc)) from exc
        except PartyError as exc:
            self.last_error = str(exc)
            log.warning("party could not be enabled: %s", exc)
            raise
        finally:
            self._set_state(service.snapshot())
        return invite.token

    async def _add_peer(self, token: str) -> AddPeerResult:
        service = self._live()
        now = time.time()
        try:
            await service.enable()
            outcome = await service.accept(token.strip())
        except PartyError as exc:
            result = AddPeerResult(False, error=str(exc), code=error_code(exc))
            self._last_result = encode_result(False, "error", now, exc)
        else:
            if outcome.answer is not None:
                answer = outcome.answer
                result = AddPeerResult(True, answer.token, answer.expires_at)
                self._last_result = encode_result(True, "answer", now)
            else:
                result = AddPeerResult(outcome.completed)
                self._last_result = encode_result(outcome.completed, "completed", now)
        self._state_changed(service.snapshot())
        return result

    async def _remove(self, member: str) -> bool:
        service = self._live()
        try:
            return await service.remove(member)
        except PartyError as exc:
            log.info("remove %s: %s", member, exc)
            return False

    async def _disable(self) -> None:
        service = self._live()
        await service.disable()
        self._set_state(service.snapshot())

    async def _set_custom(self, skin_id: int, mod: CustomMod | None) -> None:
        self._live().set_custom_mod(skin_id, mod)

    async def _snapshot(self) -> PartySnapshot:
        return self._live().snapshot()

    async def _ui(self, frame: str | bytes | Mapping[str, Any]) -> list[Outgoing]:
        from webrtc_party.rose.bridge_handler import handle_ui_message

        return await handle_ui_message(self._live(), frame)

    async def _records(self) -> tuple[tuple[PartySkin, ...], TeamView | None]:
        picture = self._live().picture()
        return picture.skins, picture.team

    def _refresh_records(self) -> None:
        if self._party.loop is None or self._party.service is None:
            return  # the party never started: nothing to inject
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return  # never block a loop: the last records will do
        try:
            skins, team = self._party.call(self._records(), self._skins_timeout)
        except Exception as exc:  # a stale answer beats an exception in Rose's thread
            log.warning("party records not refreshed (%s); using the last ones", exc)
            return
        self._last_skins, self._last_team = skins, team

    def _set_state(self, snapshot: PartySnapshot) -> None:
        state = encode_state_fields(snapshot, self._last_result)
        with self._state_lock:
            self._state = state

    def _state_changed(self, snapshot: PartySnapshot) -> None:
        self._set_state(snapshot)
        callback = self._on_state_change
        if callback is None:
            return
        try:
            callback(snapshot)
        except Exception:
            log.exception("Rose's on_state_change callback failed")
