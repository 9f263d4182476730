"""Pure text and JSON views of ``LeagueState`` (the CLI prints them; the UI can reuse them)."""

from __future__ import annotations

from typing import Any

from webrtc_party.lcu.gamedata import GameData
from webrtc_party.lcu.state import LeaguePick, LeagueState, Player, SelectCell

__all__ = ["describe_selection", "state_lines", "state_to_json"]


def _player(p: Player | None) -> Any:
    if p is None:
        return None
    return {"puuid": p.puuid, "summonerId": p.summoner_id, "riotId": p.riot_id}


def _selection(sel: LeaguePick | None) -> Any:
    if sel is None:
        return None
    return {"championId": sel.champion_id, "skinId": sel.skin_id, "chromaId": sel.chroma_id}


def _teammate(t: SelectCell) -> dict[str, Any]:
    return {
        "cellId": t.cell_id,
        "puuid": t.puuid,
        "summonerId": t.summoner_id,
        "championId": t.champion_id,
        "locked": t.champion_locked,
        "skinId": t.skin_id,
        "isBot": t.is_bot,
        "isHidden": t.is_hidden,
        "isMe": t.is_me,
        "isPremade": t.is_premade,
    }


def state_to_json(state: LeagueState) -> dict[str, Any]:
    """A JSON-ready dict (camelCase keys, like the client's own)."""
    game = state.game
    return {
        "phase": state.phase,
        "me": _player(state.me),
        "premade": [_player(p) for p in state.premade],
        "partyId": state.lobby.party_id if state.lobby else None,
        "queueId": state.queue_id,
        "swiftplay": state.swiftplay,
        "team": [_teammate(t) for t in state.team],
        "mySelection": _selection(state.my_selection),
        "mySelections": [_selection(s) for s in state.my_selections],
        "game": None
        if game is None
        else {
            "gameId": game.game_id,
            "ended": game.ended,
            "outcome": game.outcome,
            "selections": [
                {"puuid": s.puuid, "championId": s.champion_id, "skinId": s.skin_id}
                for s in game.selections
            ],
        },
    }


def describe_selection(sel: LeaguePick | None, data: GameData) -> str:
    if sel is None:
        return "none"
    text = f"{data.champion_name(sel.champion_id)} / {data.skin_name(sel.skin_id)}"
    if sel.chroma_id is not None:
        text += f" / chroma {data.skin_name(sel.chroma_id)} ({sel.chroma_id})"
    return text


def _cell(t: SelectCell, data: GameData) -> str:
    if t.is_bot:
        who = "bot"
    elif t.is_hidden:
        who = "hidden"
    else:
        who = f"{t.game_name}#{t.tag_line}" if t.game_name else t.puuid[:8]
    marks = [m for m, on in (("me", t.is_me), ("premade", t.is_premade and not t.is_me)) if on]
    if t.champion_id:
        state = "locked" if t.champion_locked else "hovering"
        champ = f"{data.champion_name(t.champion_id)} ({state})"
    else:
        champ = "-"
    suffix = f" [{', '.join(marks)}]" if marks else ""
    return f"  cell {t.cell_id}: {who}{suffix}: {champ}"


def state_lines(old: LeagueState | None, new: LeagueState, data: GameData) -> list[str]:
    """Human lines for what changed from ``old`` to ``new`` (everything when ``old`` is None)."""
    out: list[str] = []
    if old is None or old.phase != new.phase:
        out.append(f"phase: {new.phase}")
    if old is None or old.me != new.me:
        out.append(f"me: {new.me.riot_id if new.me else 'unknown'}")
    if old is None or old.premade != new.premade:
        leader = new.lobby.leader if new.lobby else None
        names = [p.riot_id + (" (leader)" if p.puuid == leader else "") for p in new.premade]
        out.append(f"premade: {', '.join(names) or 'none'}")
    if old is None or old.team != new.team:
        out.append("my team:" if new.team else "my team: none")
        out += [_cell(t, data) for t in new.team]
    if old is None or (old.my_selection, old.my_selections) != (
        new.my_selection,
        new.my_selections,
    ):
        if len(new.my_selections) > 1:
            picks = "; ".join(describe_selection(s, data) for s in new.my_selections)
            out.append(f"my selections: {picks}")
        else:
            out.append(f"my selection: {describe_selection(new.my_selection, data)}")
    if new.game is not None and (old is None or old.game != new.game):
        status = f"ended ({new.game.outcome})" if new.game.ended else "running"
        out.append(f"game {new.game.game_id}: {status}")
    return out
