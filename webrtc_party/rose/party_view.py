"""Pure mapping: (League client state, party member views) -> UI snapshot and hook records.

Nothing here does I/O or reads a clock; the service passes ``now`` and a lookup that says
whether a selection's files exist locally. The same function feeds the panel
(:class:`~webrtc_party.rose.control.PartySnapshot`) and the injection hook
(:class:`~webrtc_party.rose.records.TeamView` and :class:`~webrtc_party.rose.records.PartySkin`),
so what the panel shows is what will be injected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from webrtc_party.lcu.gamedata import GameData
from webrtc_party.lcu.state import LeaguePick, LeagueState, Phase, Player
from webrtc_party.link_events import PathKind
from webrtc_party.party import (
    MAX_SELECTIONS,
    CustomMod,
    FieldError,
    GamePhase,
    MemberIdentity,
    MemberView,
    Reachability,
    Selection,
    Source,
)
from webrtc_party.party.model import selection_tuple
from webrtc_party.rose.control import MemberInfo, PartySnapshot, PendingToken, SelectionInfo
from webrtc_party.rose.outcomes import worst_outcome
from webrtc_party.rose.records import CustomModRef, PartySkin, Teammate, TeamView

__all__ = [
    "InstalledLookup",
    "PartyPicture",
    "build_picture",
    "identity_of",
    "injection_warnings",
    "party_phase",
    "party_selection",
    "party_selections",
    "party_skins",
    "team_view",
]

InstalledLookup = Callable[[Selection], bool | None]
"""Whether the files for a friend's selection exist in OUR skins folder (None: unknown)."""

Injections = Mapping[tuple[str, int], tuple[str, str]]
"""The hook's last outcomes: (puuid, champion id) -> (status, detail)."""

_PHASES: dict[str, GamePhase] = {
    Phase.NONE: GamePhase.NONE,
    Phase.LOBBY: GamePhase.LOBBY,
    Phase.MATCHMAKING: GamePhase.MATCHMAKING,
    Phase.CHECKED_INTO_TOURNAMENT: GamePhase.MATCHMAKING,
    Phase.READY_CHECK: GamePhase.MATCHMAKING,
    Phase.CHAMP_SELECT: GamePhase.CHAMP_SELECT,
    Phase.GAME_START: GamePhase.GAME_START,
    Phase.FAILED_TO_LAUNCH: GamePhase.NONE,
    Phase.IN_PROGRESS: GamePhase.IN_GAME,
    Phase.RECONNECT: GamePhase.IN_GAME,
    Phase.WAITING_FOR_STATS: GamePhase.END_OF_GAME,
    Phase.PRE_END_OF_GAME: GamePhase.END_OF_GAME,
    Phase.END_OF_GAME: GamePhase.END_OF_GAME,
    Phase.TERMINATED_IN_ERROR: GamePhase.NONE,
}


def party_phase(lcu_phase: str) -> GamePhase:
    """The party's coarse phase for a gameflow phase (unknown values count as NONE)."""
    return _PHASES.get(lcu_phase, GamePhase.NONE)


def identity_of(me: Player | None) -> MemberIdentity | None:
    """Our party identity from the client's current summoner, None until it is complete."""
    if me is None or not me.game_name or not me.tag_line:
        return None
    try:
        return MemberIdentity(me.puuid, me.summoner_id, me.game_name, me.tag_line)
    except FieldError:
        return None


def party_selection(
    sel: LeaguePick | None, custom: Mapping[int, CustomMod] | None = None
) -> Selection | None:
    """What we announce: the client's skin and chroma; a custom mod chosen for that skin wins."""
    if sel is None or sel.skin_id <= 0:
        return None
    mod = (custom or {}).get(sel.skin_id)
    if mod is not None:
        source = Source.CUSTOM
    elif sel.chroma_id is not None:
        source = Source.CHROMA
    else:
        source = Source.PICKED
    try:
        return Selection(sel.champion_id, sel.skin_id, sel.chroma_id, mod, source)
    except FieldError:
        return None  # the client showed something no skin numbering allows: announce nothing


def party_selections(
    sels: Sequence[LeaguePick],
    custom: Mapping[int, CustomMod] | None = None,
    first: Callable[[Selection], Selection] = lambda pick: pick,
) -> tuple[Selection, ...]:
    """Every pick we announce outside Rose (a Swiftplay lobby: one per player slot), first
    first; one per champion and at most ``MAX_SELECTIONS``, so the party never refuses them.
    ``first`` may replace the first pick (the service keeps its chroma in a game)."""
    out: list[Selection] = []
    for sel in sels:
        pick = party_selection(sel, custom)
        if pick is not None and all(p.champion_id != pick.champion_id for p in out):
            out.append(pick)
    return (first(out[0]), *out[1:MAX_SELECTIONS]) if out else ()


def team_view(league: LeagueState) -> TeamView | None:
    """MY side as the client shows it: champ select / game cells, else a swiftplay lobby."""
    me = league.me
    if me is None:
        return None
    if league.team:
        mine = tuple(t.champion_id for t in league.team if t.is_me or t.puuid == me.puuid)
        mates = tuple(
            Teammate("" if t.is_hidden else t.puuid, (max(t.champion_id, 0),))
            for t in league.team
            if not (t.is_me or t.puuid == me.puuid) and not t.is_bot
        )
        return TeamView(me.puuid, mine or (0,), mates)
    if league.swiftplay and league.lobby is not None:
        slots = {m.puuid: tuple(s.champion_id for s in m.slots) for m in league.lobby.members}
        mine = slots.pop(me.puuid, ())
        return TeamView.swiftplay(me.puuid, mine, {p: c for p, c in slots.items() if c})
    return None


def _on_team(team: TeamView | None) -> frozenset[str]:
    if team is None:
        return frozenset()
    return frozenset(m.puuid for m in team.teammates if m.puuid)


def trusted(view: MemberView, lobby: frozenset[str]) -> bool:
    """Whether a member's state may be injected now (its team and selection checked apart).

    ``lobby``: the PUUIDs the League client has shown in my premade lobby while this party
    was on (trusted on first sight, kept for the party's life). Nobody else is injected,
    whatever a member runs: a solo-queue teammate cannot be claimed. Within the lobby, a
    member met on a link of its own (``vouched``) counts while it is reached, and one that
    only ever reached us through other members counts while it is ``relayed`` (a member may
    relay a friend the client lists in my lobby, e.g. across a symmetric NAT; docs/protocol.md).
    """
    if view.member_id not in lobby:
        return False
    if not view.stale:
        return True
    return not view.vouched and view.status is Reachability.RELAYED


def party_skins(
    views: Iterable[MemberView], team: TeamView | None, lobby: frozenset[str]
) -> tuple[PartySkin, ...]:
    """Records for the injection hook: every selection of the trusted members on my team
    (Swiftplay: one per champion, so two per friend), each member's in its own order."""
    mates = _on_team(team)
    out: list[PartySkin] = []
    for view in views:
        if view.is_local or not trusted(view, lobby) or view.member_id not in mates:
            continue
        for sel in view.selections:
            mod = sel.custom
            out.append(
                PartySkin(
                    puuid=view.member_id,
                    summoner_id=view.identity.summoner_id,
                    display_name=view.identity.riot_id,
                    champion_id=sel.champion_id,
                    skin_id=sel.skin_id,
                    chroma_id=sel.chroma_id,
                    custom_mod=None if mod is None else CustomModRef(mod.content_hash, mod.name),
                )
            )
    return tuple(out)


def _selection_info(
    sel: Selection, names: GameData, installed: bool | None, outcome: tuple[str, str] | None
) -> SelectionInfo:
    return SelectionInfo(
        champion_id=sel.champion_id,
        champion_name=names.champion_name(sel.champion_id),
        skin_id=sel.skin_id,
        skin_name=names.skin_name(sel.skin_id),
        chroma_id=sel.chroma_id,
        chroma_name=None if sel.chroma_id is None else names.skin_name(sel.chroma_id),
        custom_mod=None if sel.custom is None else sel.custom.name,
        skin_installed=installed,
        injection=None if outcome is None else outcome[0],
        injection_detail=None if outcome is None else outcome[1],
    )


def _status_text(view: MemberView, riot_ids: Mapping[str, str]) -> str:
    if view.status is Reachability.RELAYED and view.via is not None:
        return f"via {riot_ids.get(view.via, view.via)}"
    return view.status.value


def _member_info(
    view: MemberView,
    *,
    riot_ids: Mapping[str, str],
    paths: Mapping[str, PathKind],
    lobby: frozenset[str],
    trusted_lobby: frozenset[str],
    mates: frozenset[str],
    names: GameData,
    installed: InstalledLookup,
    seen_offset: float,
    injections: Injections,
) -> MemberInfo:
    sel = view.selection
    injection = worst_outcome(o for (p, _), o in injections.items() if p == view.member_id)
    path = paths.get(view.member_id)
    via = None if view.via is None else riot_ids.get(view.via, view.via)
    return MemberInfo(
        puuid=view.member_id,
        summoner_id=view.identity.summoner_id,
        riot_id=view.identity.riot_id,
        is_local=view.is_local,
        status=view.status.value,
        status_text=_status_text(view, riot_ids),
        via=via if view.status is Reachability.RELAYED else None,
        path=None if path is None else path.value,
        rtt_ms=None if view.rtt is None else round(view.rtt * 1000, 2),
        last_seen=None if view.last_seen is None else round(view.last_seen + seen_offset, 3),
        in_lobby=view.member_id in lobby,
        on_team=view.member_id in mates or (view.is_local and bool(mates)),
        phase=view.phase.value,
        champion_id=None if sel is None else sel.champion_id,
        champion_name=None if sel is None else names.champion_name(sel.champion_id),
        skin_id=None if sel is None else sel.skin_id,
        skin_name=None if sel is None else names.skin_name(sel.skin_id),
        chroma_id=None if sel is None else sel.chroma_id,
        chroma_name=None
        if sel is None or sel.chroma_id is None
        else names.skin_name(sel.chroma_id),
        custom_mod=None if sel is None or sel.custom is None else sel.custom.name,
        skin_installed=None if sel is None or view.is_local else installed(sel),
        stale=not trusted(view, trusted_lobby),
        injection=None if injection is None else injection[0],
        injection_detail=None if injection is None else injection[1],
        selections=tuple(
            _selection_info(
                s,
                names,
                None if view.is_local else installed(s),
                injections.get((view.member_id, s.champion_id)),
            )
            for s in view.selections
        ),
    )


_NOT_INJECTED = frozenset({"missing-locally", "rejected"})


def injection_warnings(members: Iterable[MemberInfo]) -> tuple[str, ...]:
    """A sentence for each friend's pick the last injection could not use (the champion is
    named when the friend has several picks)."""
    out: list[str] = []
    for m in members:
        picks: list[MemberInfo | SelectionInfo] = [s for s in m.selections if s.injection]
        for p in picks or [m]:
            if p.injection not in _NOT_INJECTED:
                continue
            what = "skin" if len(m.selections) < 2 else f"{p.champion_name or p.champion_id} skin"
            why = p.injection_detail or p.injection
            out.append(f"{m.riot_id}'s {what} was not injected: {why}")
    return tuple(out)


def _local_view(
    identity: MemberIdentity, sels: tuple[Selection, ...], phase: GamePhase
) -> MemberView:
    return MemberView(
        member_id=identity.puuid,
        identity=identity,
        selection=sels[0] if sels else None,
        extra=sels[1:],
        phase=phase,
        seq=0,
        status=Reachability.SELF,
        via=None,
        rtt=None,
        last_seen=None,
        is_local=True,
    )


@dataclass(frozen=True)
class PartyPicture:
    """One consistent picture: what the panel shows and what the hook will read."""

    snapshot: PartySnapshot
    team: TeamView | None
    skins: tuple[PartySkin, ...]


def build_picture(
    *,
    enabled: bool,
    league: LeagueState,
    views: Sequence[MemberView],
    paths: Mapping[str, PathKind],
    pending: Sequence[PendingToken],
    names: GameData,
    installed: InstalledLookup,
    my_selection: Selection | Sequence[Selection] | None,
    now: float,
    monotonic_now: float | None = None,
    injections: Injections | None = None,
    warnings: Sequence[str] = (),
    lobby_seen: frozenset[str] = frozenset(),
) -> PartyPicture:
    """Map the League state and the party's member views to the snapshot and hook records.

    ``views`` are the party node's views (empty when the party is off); pending tokens past
    their expiry are dropped; ``my_selection`` is what we announce, one pick or several (used when
    the party is off).
    ``monotonic_now`` is the party node's clock at ``now``: views' ``last_seen`` use it, the
    snapshot shows unix seconds. ``injections`` maps (puuid, champion id) to the (status,
    detail) the injection hook reported for that pick in the last game. ``lobby_seen``: every
    PUUID the client showed in my premade lobby since the party went on; with today's lobby,
    the only members whose skins may be injected (``trusted``).
    """
    offset = 0.0 if monotonic_now is None else now - monotonic_now
    team = team_view(league)
    mates = _on_team(team)
    lobby = frozenset(p.puuid for p in league.premade)
    known = lobby | lobby_seen
    riot_ids = {v.member_id: v.identity.riot_id for v in views}
    local = next((v for v in views if v.is_local), None)
    if local is None:
        ident = identity_of(league.me)
        if ident is not None:
            local = _local_view(ident, selection_tuple(my_selection), party_phase(league.phase))

    def info(view: MemberView) -> MemberInfo:
        return _member_info(
            view,
            riot_ids=riot_ids,
            paths=paths,
            lobby=lobby,
            trusted_lobby=known,
            mates=mates,
            names=names,
            installed=installed,
            seen_offset=offset,
            injections=injections or {},
        )

    others = sorted((v for v in views if not v.is_local), key=lambda v: v.identity.riot_id)
    members = tuple(info(v) for v in others)
    snapshot = PartySnapshot(
        enabled=enabled,
        me=None if local is None else info(local),
        members=members,
        pending=tuple(p for p in pending if p.expires_at > now),
        phase=league.phase,
        timestamp=now,
        warnings=tuple(warnings) + injection_warnings(members),
    )
    return PartyPicture(snapshot, team, party_skins(views, team, known) if enabled else ())
