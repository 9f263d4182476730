"""``PartyService``: the party node driven by the League client, behind ``PartyControl``.

The service owns a :class:`~webrtc_party.node.PartyNode` (while the party is on) and a task
that follows the League client. Our identity, phase and effective selection come from the
client's tracker; what the panel shows and what the injection hook reads come from one pure
function, :func:`~webrtc_party.rose.party_view.build_picture`. Everything runs on one asyncio
loop; :class:`~webrtc_party.rose.manager.PartyManager` is the thread-safe facade for Rose.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.config import LinkConfig
from webrtc_party.lcu.gamedata import GameData, load_game_data
from webrtc_party.lcu.state import GAME_PHASES, LeagueState
from webrtc_party.linknode import PeerConnected, TokenMade
from webrtc_party.node import PartyNode
from webrtc_party.party import CustomMod, MemberIdentity, PartyConfig, Selection
from webrtc_party.rose.chat_switch import ChatSetup, ChatSwitch
from webrtc_party.rose.control import (
    ChatInfo,
    PartySnapshot,
    PendingToken,
    PendingTokenKind,
    TokenOutcome,
)
from webrtc_party.rose.errors import NoLeagueClientError, NotEnabledError
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.league_follow import LeagueFollower
from webrtc_party.rose.party_view import (
    PartyPicture,
    build_picture,
    identity_of,
    party_phase,
    party_selections,
)
from webrtc_party.rose.records import InjectionReport, PartySkin, TeamView
from webrtc_party.rose.rose_follow import RoseFollower
from webrtc_party.tasks import TaskSet

__all__ = ["LeagueSource", "PartyService", "keep_chroma"]

log = logging.getLogger(__name__)

LeagueSource = Callable[[], AsyncIterator[LeagueState]]
"""A fresh stream of League states, e.g. ``lambda: watch_league(lockfile, cafile=...)``."""

Listener = Callable[[PartySnapshot], None]


def keep_chroma(old: Selection | None, new: Selection | None, lcu_phase: str) -> Selection | None:
    """In a game the client only reports the skin index: keep the chroma chosen before."""
    if (
        lcu_phase in GAME_PHASES
        and old is not None
        and new is not None
        and new.chroma_id is None
        and old.chroma_id is not None
        and (old.champion_id, old.skin_id) == (new.champion_id, new.skin_id)
    ):
        return old
    return new


def _quiet(snap: PartySnapshot) -> PartySnapshot:
    """The snapshot without what changes every second (for change detection)."""
    members = tuple(dataclasses.replace(m, rtt_ms=None, last_seen=None) for m in snap.members)
    return dataclasses.replace(snap, members=members, timestamp=0.0)


class PartyService:
    """Implements ``PartyControl``. Use ``async with PartyService(...) as service:``."""

    def __init__(
        self,
        link_config: LinkConfig,
        league: LeagueSource | None = None,
        *,
        party_config: PartyConfig | None = None,
        skins: SkinFiles | None = None,
        names: GameData | None = None,
        key: Ed25519PrivateKey | None = None,
        clock: Callable[[], float] = time.time,
        identity_wait: float = 10.0,
        retry_delay: float = 2.0,
        tick: float = 1.0,
        rose: RoseFollower | None = None,
        chat: ChatSetup | None = None,
    ) -> None:
        self._link_config = link_config
        self._party_config = party_config
        self.skins = skins or SkinFiles(None)
        self._names = names or load_game_data()
        self._fixed_key, self._session_key = key, Ed25519PrivateKey.generate()
        self._clock = clock
        self._identity_wait = identity_wait
        self._tick = tick
        self.league = LeagueState()
        self._identity: MemberIdentity | None = None
        self._identity_known = asyncio.Event()
        self._custom: dict[int, CustomMod] = {}
        self._injections: dict[tuple[str, int], tuple[str, str]] = {}  # (puuid, champion)
        self._selections: tuple[Selection, ...] = ()  # all of them (Swiftplay: one per champion)
        self._node: PartyNode | None = None
        self._lobby_seen: set[str] = set()  # premade PUUIDs since the party went on
        self._node_lock = asyncio.Lock()
        self._pending: list[tuple[PendingToken, str]] = []
        self._listeners: list[Listener] = []
        self._dirty = asyncio.Event()
        self._last_sent: tuple[PartySnapshot, float] | None = None
        self._tasks = TaskSet("party service", log)
        self._pump: asyncio.Task[None] | None = None
        self._rose = rose
        self._follower = (
            LeagueFollower(league, self.apply_league, self._changed, retry_delay)
            if league is not None
            else None
        )
        self.chat = ChatSwitch(self, chat)

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> PartyService:
        if self._follower is not None:
            self._tasks.spawn(self._follower.run())
        if self._rose is not None:
            self._tasks.spawn(self._rose.run(lambda _sel: self._push_selection()))
        self._tasks.spawn(self._refresher())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.disable()
        await self.chat.stop()
        await self._tasks.cancel()

    # -- PartyControl ---------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._node is not None

    @property
    def node(self) -> PartyNode | None:
        return self._node

    async def enable(self) -> None:
        self.chat.user_enabled()
        await self._enable()

    async def _enable(self) -> None:
        async with self._node_lock:
            if self._node is not None:
                return
            if self._identity is None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._identity_wait):
                        await self._identity_known.wait()
            identity = self._identity
            if identity is None:
                raise NoLeagueClientError(
                    "The League client has not told us who you are yet: start it and log in."
                )
            await self._start_node(identity)

    async def _start_node(self, identity: MemberIdentity) -> None:
        key = self._session_key = self._fixed_key or self.chat.party_key(self._session_key)
        node = PartyNode(identity, self._link_config, self._party_config, key=key)
        self.chat.node_key(key)
        await node.__aenter__()
        node.set_phase(party_phase(self.league.phase))
        node.set_selection(self._selections)
        self._node = node
        self._lobby_seen = {p.puuid for p in self.league.premade}
        self._pump = self._tasks.spawn(self._pump_node(node))
        log.info("party on as %s", identity.riot_id)
        self._changed()

    async def disable(self) -> None:
        self.chat.user_disabled()
        async with self._node_lock:
            await self._stop_node()

    async def _stop_node(self) -> None:
        node, self._node = self._node, None
        self._pending.clear()
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None
        if node is not None:
            await node.leave()
            log.info("party off")
        self._changed()

    def _require(self) -> PartyNode:
        if self._node is None:
            raise NotEnabledError("The party is off: turn it on first.")
        return self._node

    async def create_invite(self) -> PendingToken:
        made = await self._require().create_invite()
        return self._remember(made, PendingTokenKind.INVITE)

    async def accept(self, text: str) -> TokenOutcome:
        made = await self._require().accept(text)
        self._changed()
        if made is None:
            return TokenOutcome(answer=None, completed=True)
        return TokenOutcome(answer=self._remember(made, PendingTokenKind.ANSWER), completed=False)

    async def remove(self, member: str) -> bool:
        node = self._require()
        target = next(
            (
                v
                for v in node.members()
                if not v.is_local
                and (v.member_id == member or str(v.identity.summoner_id) == member)
            ),
            None,
        )
        if target is None:
            return False
        await node.remove(target.member_id)
        self._changed()
        return True

    def snapshot(self) -> PartySnapshot:
        return self.picture().snapshot

    # -- League chat (docs/league-chat.md) ------------------------------------------------

    async def set_league_chat(self, on: bool, explained: bool | None = None) -> ChatInfo:
        """Turn League-chat party mode on or off (persisted in the data dir)."""
        self.chat.set_enabled(on, explained)
        await self.chat.sync()
        self._changed()
        return self.chat.info()

    def forget_friend(self, puuid: str | None) -> int:
        """Forget one remembered friend (None: all); they no longer reconnect by themselves."""
        gone = self.chat.forget(puuid)
        self._changed()
        return gone

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    # -- beyond the protocol --------------------------------------------------------------

    def picture(self) -> PartyPicture:
        """The snapshot and the injection hook's records, from the same moment."""
        node = self._node
        picture = build_picture(
            enabled=node is not None,
            league=self.league,
            views=node.members() if node is not None else (),
            paths=node.paths() if node is not None else {},
            pending=[p for p, _ in self._pending],
            names=self._names,
            installed=self.skins.cached,
            my_selection=self._selections,
            now=self._clock(),
            monotonic_now=time.monotonic(),
            injections=self._injections,
            warnings=self._warnings(),
            lobby_seen=frozenset(self._lobby_seen),
        )
        return dataclasses.replace(picture, snapshot=self.chat.decorate(picture.snapshot))

    def _warnings(self) -> tuple[str, ...]:
        out = []
        if self._follower is not None and self._follower.problem is not None:
            out.append(self._follower.problem)
        if self._rose is not None and self._rose.problem is not None:
            out.append(self._rose.problem)
        return (*out, *self.chat.warnings())

    def team_view(self) -> TeamView | None:
        return self.picture().team

    def party_skins(self) -> tuple[PartySkin, ...]:
        return self.picture().skins

    def set_custom_mod(self, skin_id: int, mod: CustomMod | None) -> None:
        """Announce ``mod`` (named by content hash) whenever we play skin ``skin_id``."""
        if mod is None:
            self._custom.pop(skin_id, None)
        else:
            self._custom[skin_id] = mod
        self._push_selection()

    def record_injection(self, report: InjectionReport) -> None:
        """Show the hook's outcome per pick: (puuid, champion) (a new champ select clears it)."""
        self._injections = {
            (o.puuid, o.skin.champion_id): (o.status.value, o.detail) for o in report.outcomes
        }
        self._changed()

    async def apply_league(self, state: LeagueState) -> None:
        """Take a new League client state (the watcher task calls this; tests may too)."""
        if state.phase == "ChampSelect" and self.league.phase != "ChampSelect":
            self._injections = {}
        self.league = state
        self._lobby_seen.update(p.puuid for p in state.premade)
        identity = identity_of(state.me)
        if identity is not None:
            self._identity = identity
            self._identity_known.set()
            node = self._node
            if node is not None and node.identity != identity:
                log.warning("League account changed to %s: restarting the party", identity.riot_id)
                async with self._node_lock:
                    await self._stop_node()
                    await self._start_node(identity)
        self._push_selection()
        if self._node is not None:
            self._node.set_phase(party_phase(state.phase))
        self._changed()

    def _push_selection(self) -> None:
        if self._rose is not None:  # what Rose will inject, not what the client shows
            picks = self._rose.selections
        else:
            old, phase = next(iter(self._selections), None), self.league.phase
            picks = party_selections(self.league.my_selections, self._custom,
                                     lambda first: keep_chroma(old, first, phase) or first)
        if picks != self._selections:
            log.info("our selection: %s -> %s", self._selections, picks)
            self._selections = picks
            if self._node is not None:
                self._node.set_selection(picks)
        self._changed()

    def _remember(self, made: TokenMade, kind: PendingTokenKind) -> PendingToken:
        token = PendingToken(kind, made.text, made.expires_at)
        self._pending.append((token, made.peer))
        self.chat.made_by_hand(made.peer)
        self._changed()
        return token

    def _changed(self) -> None:
        self._dirty.set()

    # -- tasks ----------------------------------------------------------------------------

    async def _pump_node(self, node: PartyNode) -> None:
        async for event in node.events():
            if isinstance(event, PeerConnected):
                self._pending = [(t, peer) for t, peer in self._pending if peer != event.peer]
            self._changed()

    async def _refresher(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._tick):  # not wait_for: 3.11 may eat a cancel
                    await self._dirty.wait()
            self._dirty.clear()
            now = self._clock()
            self._pending = [(t, peer) for t, peer in self._pending if t.expires_at > now]
            node = self._node
            if node is not None:
                sels = [s for v in node.members() if not v.is_local for s in v.selections]
                missing = self.skins.missing(sels)
                if missing:
                    await asyncio.to_thread(self.skins.check_all, missing)
            if self.chat.wants_auto_on() and self._identity is not None:
                await self.chat.auto_on(self._enable)
            await self.chat.sync()
            self._notify()

    def _notify(self) -> None:
        snap = self.snapshot()
        quiet = _quiet(snap)
        now = self._clock()
        last = self._last_sent
        if last is not None and last[0] == quiet and now - last[1] < 5.0:
            return
        self._last_sent = (quiet, now)
        for listener in list(self._listeners):
            try:
                listener(snap)
            except Exception:
                log.exception("a party state listener failed")
