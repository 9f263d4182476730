"""``diff_states``: the typed events that lead from one ``LeagueState`` to the next (pure)."""

from __future__ import annotations

import logging

from webrtc_party.lcu.state import (
    ChampSelectEnded,
    ChampSelectStarted,
    GameChanged,
    GameEnded,
    GameStarted,
    LeagueState,
    LobbyChanged,
    MeChanged,
    MySelectionChanged,
    PhaseChanged,
    PremadeChanged,
    TeamChanged,
    TrackerEvent,
)

__all__ = ["diff_states"]

log = logging.getLogger(__name__)


def diff_states(old: LeagueState, new: LeagueState, now: float) -> list[TrackerEvent]:
    """The typed events that lead from ``old`` to ``new``."""
    events: list[TrackerEvent] = []
    if old.phase != new.phase:
        log.info("phase %s -> %s", old.phase, new.phase)
        events.append(PhaseChanged(at=now, old=old.phase, new=new.phase))
    if old.me != new.me:
        events.append(MeChanged(at=now, me=new.me))
    if old.premade != new.premade:
        before = {p.puuid for p in old.premade}
        after = {p.puuid for p in new.premade}
        events.append(
            PremadeChanged(
                at=now,
                premade=new.premade,
                joined=tuple(p.puuid for p in new.premade if p.puuid not in before),
                left=tuple(p.puuid for p in old.premade if p.puuid not in after),
            )
        )
    if old.lobby != new.lobby:
        events.append(LobbyChanged(at=now, lobby=new.lobby))
    if old.champ_select is None and new.champ_select is not None:
        events.append(ChampSelectStarted(at=now, champ_select=new.champ_select))
    elif old.champ_select is not None and new.champ_select is None:
        # Going into the game keeps the team (see Tracker); a dodge clears it.
        events.append(ChampSelectEnded(at=now, dodged=not new.team))
    if old.team != new.team:
        events.append(TeamChanged(at=now, team=new.team))
    if old.my_selection != new.my_selection or old.my_selections != new.my_selections:
        events.append(
            MySelectionChanged(
                at=now, old=old.my_selection, new=new.my_selection, selections=new.my_selections
            )
        )
    game = new.game
    if game is not None:
        same = old.game is not None and old.game.game_id == game.game_id
        if not same:
            events.append(GameStarted(at=now, game=game))
        elif old.game is not None and old.game.selections != game.selections:
            events.append(GameChanged(at=now, game=game))
        if game.ended and not (same and old.game is not None and old.game.ended):
            events.append(GameEnded(at=now, game=game))
    return events
