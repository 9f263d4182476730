"""The asyncio shell: ``LcuClient`` (REST + WAMP over TLS) and the League watcher.

TLS is verified against Riot's root certificate shipped in ``data/riotgames.pem``
(the client's certificate names no usable host, so hostname checks are off);
``cafile=`` points elsewhere (the emulator's root), and so does the environment variable
``WEBRTC_PARTY_LCU_CAFILE`` when no ``cafile`` is given; ``verify=False`` opts out.
Every request carries an explicit ``Authorization: Basic`` header.

The watcher finds the client through the lockfile, or through a credentials provider
(``credentials=``): a function that returns the current :class:`Lockfile` on every
(re)connect, e.g. :func:`credentials_from_connection` over an object that already tracks
the lockfile (Rose's ``lcu``), so there is one lockfile discovery, not two.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

from webrtc_party.lcu.errors import (
    LcuAuthError,
    LcuConnectionError,
    LcuError,
    LcuProtocolError,
    LcuRequestError,
    LcuTlsError,
    LockfileMalformedError,
    LockfileNotFoundError,
    LockfileStaleError,
)
from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.lockfile import Lockfile, find_lockfile
from webrtc_party.lcu.state import LeagueState, TrackerEvent
from webrtc_party.lcu.tracker import SNAPSHOT_URIS, Tracker
from webrtc_party.lcu.wamp import (
    CATCH_ALL,
    LcuEvent,
    WampError,
    decode_event,
    encode_subscribe,
)

__all__ = [
    "CAFILE_ENV",
    "Credentials",
    "EventStream",
    "LcuClient",
    "LeagueUpdate",
    "LeagueWatcher",
    "NotInPhase",
    "credentials_from_connection",
    "default_cafile",
    "make_ssl_context",
    "read_snapshot",
    "riot_root_path",
    "watch_league",
]

log = logging.getLogger(__name__)
Json = Any
READY_PROBE = "/lol-summoner/v1/current-summoner"
CAFILE_ENV = "WEBRTC_PARTY_LCU_CAFILE"
Credentials = Callable[[], Lockfile]
"""Called (in a worker thread) on every (re)connect: the client's current credentials."""


@dataclass(frozen=True)
class NotInPhase:
    """The client's 404 ``RPC_ERROR``: the resource does not exist right now (normal)."""

    uri: str
    message: str


def riot_root_path() -> Path:
    return Path(str(resources.files("webrtc_party.lcu").joinpath("data").joinpath("riotgames.pem")))


def default_cafile(environ: Mapping[str, str] | None = None) -> Path:
    """The root to verify against: ``WEBRTC_PARTY_LCU_CAFILE`` if set, else Riot's."""
    env = os.environ if environ is None else environ
    named = env.get(CAFILE_ENV, "").strip()
    if not named:
        return riot_root_path()
    path = Path(named)
    if not path.is_file():
        raise LcuTlsError(f"{CAFILE_ENV}={named!r}: no such certificate file")
    return path


def make_ssl_context(cafile: Path | None = None, verify: bool = True) -> ssl.SSLContext:
    """Verify the chain against Riot's root (or ``cafile``), without hostname checks."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if not verify:
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    ctx.verify_mode = ssl.CERT_REQUIRED
    root = cafile or default_cafile()
    try:
        ctx.load_verify_locations(cafile=str(root))
    except (OSError, ssl.SSLError) as exc:
        raise LcuTlsError(f"cannot load the root certificate {root}: {exc}") from exc
    return ctx


def credentials_from_connection(conn: Any) -> Credentials:
    """Credentials read from an object with ``port``, ``pw`` and ``ok`` (Rose's ``lcu``).

    Each call first runs ``conn.refresh_if_needed()`` when it has one (Rose re-reads the
    lockfile there), then takes the port and password as they are now. Raises
    :class:`LockfileNotFoundError` while the client is not running (``ok`` false)."""

    def current() -> Lockfile:
        refresh = getattr(conn, "refresh_if_needed", None)
        if callable(refresh):
            refresh()
        port, password = getattr(conn, "port", None), getattr(conn, "pw", None)
        if getattr(conn, "ok", True) is False or not port or not password:
            raise LockfileNotFoundError("the League client is not running (no lockfile)")
        try:
            return Lockfile("LeagueClient", 0, int(port), str(password), "https")
        except (TypeError, ValueError) as exc:
            raise LockfileMalformedError(f"bad League client credentials: {exc}") from None

    return current


class LcuClient:
    """REST and event access to one League client run (one lockfile)."""

    def __init__(
        self,
        lockfile: Lockfile,
        *,
        cafile: Path | None = None,
        verify: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.lockfile = lockfile
        self._ssl = make_ssl_context(cafile, verify)
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LcuClient:
        connector = aiohttp.TCPConnector(ssl=self._ssl, limit=8)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"Authorization": self.lockfile.authorization, "Accept": "application/json"},
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("LcuClient used outside 'async with'")
        return self._session

    async def get(self, uri: str) -> Json | NotInPhase:
        return await self.request("GET", uri)

    async def patch(self, uri: str, body: Json) -> Json | NotInPhase:
        return await self.request("PATCH", uri, body)

    async def request(self, method: str, uri: str, body: Json = None) -> Json | NotInPhase:
        """One REST call. 404 RPC_ERROR -> ``NotInPhase``; other failures raise."""
        url = self.lockfile.base_url + uri
        try:
            async with self.session.request(
                method, url, json=body if method != "GET" else None
            ) as resp:
                text = await resp.text()
                status = resp.status
        except aiohttp.ClientConnectorCertificateError as exc:
            raise self._tls_error(exc) from None
        except aiohttp.ClientSSLError as exc:
            raise LcuTlsError(f"TLS with the League client failed: {exc}") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise LcuConnectionError(
                f"League client on port {self.lockfile.port} did not answer {method} {uri}: "
                f"{exc or type(exc).__name__}"
            ) from None
        if status == 401:
            raise LcuAuthError(method, uri)
        parsed = _parse_json(text) if text else None
        if status == 404 and isinstance(parsed, dict) and parsed.get("errorCode") == "RPC_ERROR":
            return NotInPhase(uri, str(parsed.get("message", "")))
        if status >= 400:
            message = parsed.get("message") if isinstance(parsed, dict) else None
            raise LcuRequestError(method, uri, status, str(message or text[:200] or "no body"))
        if text and parsed is _INVALID:
            raise LcuProtocolError(f"League client answered {method} {uri} with invalid JSON")
        return parsed

    def _tls_error(self, exc: Exception) -> LcuTlsError:
        return LcuTlsError(
            f"the service on 127.0.0.1:{self.lockfile.port} presented a certificate not signed "
            f"by the expected root ({exc}); it is not the League client, or pass its root with "
            "--cafile"
        )

    async def wait_ready(self, within: float = 30.0, probe: str = READY_PROBE) -> None:
        """Poll until the client answers ``probe`` with 200 (it starts its plugins late)."""
        deadline = time.monotonic() + within
        delay = 0.05
        refused = True
        while True:
            try:
                result = await self.get(probe)
                if not isinstance(result, NotInPhase):
                    return
                refused = False
            except LcuTlsError:
                raise
            except LcuConnectionError:
                pass
            if time.monotonic() + delay > deadline:
                if refused:
                    raise LockfileStaleError(
                        f"nothing answers on port {self.lockfile.port} named by "
                        f"{self.lockfile.path or 'the lockfile'}: the League client that wrote "
                        "it has exited"
                    )
                raise LcuConnectionError(f"League client not ready after {within:.0f} s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    def subscribe(self, topics: Sequence[str] = (CATCH_ALL,)) -> EventStream:
        return EventStream(self, tuple(topics))


class EventStream:
    """``async with client.subscribe() as events: async for event in events``.

    Entering returns once every subscribe was acknowledged (the empty frame), so a
    REST read made afterwards cannot miss a change.
    """

    def __init__(self, client: LcuClient, topics: tuple[str, ...]) -> None:
        self._client = client
        self._topics = topics
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._early: list[LcuEvent] = []
        self.bad_frames = 0

    async def __aenter__(self) -> EventStream:
        lock = self._client.lockfile
        try:
            self._ws = await self._client.session.ws_connect(lock.ws_url, heartbeat=None)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 401:
                raise LcuAuthError("GET", "/ (WebSocket)") from None
            raise LcuConnectionError(f"WebSocket to the League client refused: {exc}") from None
        except aiohttp.ClientConnectorCertificateError as exc:
            raise self._client._tls_error(exc) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise LcuConnectionError(f"WebSocket to the League client failed: {exc}") from None
        for topic in self._topics:
            await self._ws.send_str(encode_subscribe(topic))
        acks = 0
        while acks < len(self._topics):
            text = await self._receive()
            if not text.strip():
                acks += 1
                continue
            event = self._decode(text)
            if event is not None:
                self._early.append(event)
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def _receive(self) -> str:
        if self._ws is None:
            raise RuntimeError("EventStream used outside 'async with'")
        msg = await self._ws.receive()
        if msg.type == aiohttp.WSMsgType.TEXT:
            return str(msg.data)
        if msg.type == aiohttp.WSMsgType.BINARY:
            return bytes(msg.data).decode("utf-8", "replace")
        raise LcuConnectionError(f"League client closed the event connection ({msg.type.name})")

    def _decode(self, text: str) -> LcuEvent | None:
        try:
            return decode_event(text)
        except WampError as exc:
            self.bad_frames += 1
            log.warning("lcu:%d: skipped a bad event frame: %s", self._client.lockfile.port, exc)
            return None

    def __aiter__(self) -> AsyncIterator[LcuEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[LcuEvent]:
        while self._early:
            yield self._early.pop(0)
        while True:
            event = self._decode(await self._receive())
            if event is not None:
                yield event


_INVALID: Any = object()


def _parse_json(text: str) -> Json:
    try:
        return json.loads(text)
    except ValueError:
        return _INVALID


async def read_snapshot(client: LcuClient, uris: Sequence[str]) -> dict[str, Json]:
    """GET each uri; 404 "not in this phase" becomes None."""
    out: dict[str, Json] = {}
    for uri in uris:
        result = await client.get(uri)
        out[uri] = None if isinstance(result, NotInPhase) else result
    return out


@dataclass(frozen=True)
class LeagueUpdate:
    """A tracker state after a change; ``resync`` marks a full re-read after (re)connecting."""

    state: LeagueState
    events: tuple[TrackerEvent, ...]
    resync: bool = False


class LeagueWatcher:
    """Keeps a ``Tracker`` in sync with the League client across client restarts.

    Subscribes to the catch-all topic, then reads a REST snapshot, then applies
    events. When the connection drops (the client quit or restarted) it re-reads
    the lockfile, reconnects with backoff and resyncs. The first connection's
    errors (no lockfile, bad password, wrong certificate) are raised; later ones
    are retried until ``reconnect_within`` seconds pass (None: forever).
    """

    def __init__(
        self,
        lockfile: Path | None = None,
        *,
        cafile: Path | None = None,
        verify: bool = True,
        ready_within: float = 30.0,
        reconnect_within: float | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        chroma_parents: Mapping[int, int] | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self._path = lockfile
        self._credentials = credentials
        self._cafile = cafile
        self._verify = verify
        self._ready_within = ready_within
        self._reconnect_within = reconnect_within
        self._environ = environ
        self._clock = clock
        parents = chroma_parents if chroma_parents is not None else load_game_data().chroma_parents
        self.tracker = Tracker(parents)
        self.connections = 0
        self.bad_frames = 0

    def _find(self) -> Lockfile:
        if self._credentials is not None:
            return self._credentials()
        return find_lockfile(self._path, self._environ)

    async def updates(self) -> AsyncGenerator[LeagueUpdate, None]:
        down_since: float | None = None
        delay = 0.05
        while True:
            try:
                lock = await asyncio.to_thread(self._find)
                async with LcuClient(lock, cafile=self._cafile, verify=self._verify) as client:
                    await client.wait_ready(self._ready_within if down_since is None else 2.0)
                    async with client.subscribe() as stream:
                        snapshot = await read_snapshot(client, SNAPSHOT_URIS)
                        self.connections += 1
                        down_since, delay = None, 0.05
                        events = self.tracker.apply_snapshot(snapshot, self._clock())
                        log.info("watching League client on port %d", lock.port)
                        yield LeagueUpdate(self.tracker.state, tuple(events), resync=True)
                        try:
                            async for ev in stream:
                                changes = self.tracker.apply_event(
                                    ev.uri, ev.event_type, ev.data, self._clock()
                                )
                                if changes:
                                    yield LeagueUpdate(self.tracker.state, tuple(changes))
                        finally:
                            self.bad_frames += stream.bad_frames
            except LcuTlsError:
                raise
            except (LcuError, OSError) as exc:
                if self.connections == 0:
                    raise
                now = self._clock()
                if down_since is None:
                    down_since = now
                    log.warning("lost the League client (%s); reconnecting", exc)
                if self._reconnect_within is not None and now - down_since > self._reconnect_within:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)


async def watch_league(
    lockfile: Path | None = None, **options: Any
) -> AsyncGenerator[LeagueState, None]:
    """``async for state in watch_league(lockfile=...)``: every changed ``LeagueState``."""
    async for update in LeagueWatcher(lockfile, **options).updates():
        yield update.state
