"""Plain-JSON views of party members, shared by the CLI and the UI bridge."""

from __future__ import annotations

from typing import Any

from webrtc_party.link_events import PathKind
from webrtc_party.party import MemberView, Reachability, Selection

__all__ = ["member_json", "selection_json", "status_text"]


def selection_json(sel: Selection | None) -> dict[str, Any] | None:
    if sel is None:
        return None
    return {
        "champion_id": sel.champion_id,
        "skin_id": sel.skin_id,
        "chroma_id": sel.chroma_id,
        "custom": None
        if sel.custom is None
        else {
            "hash": sel.custom.content_hash,
            "name": sel.custom.name,
        },
        "source": sel.source.value,
    }


def status_text(member: MemberView) -> str:
    """Honest status for people: direct / via X / connecting / lost."""
    if member.status is Reachability.RELAYED and member.via is not None:
        return f"via {member.via}"
    return member.status.value


def member_json(member: MemberView, path: PathKind | None = None) -> dict[str, Any]:
    return {
        "puuid": member.member_id,
        "summoner_id": member.identity.summoner_id,
        "riot_id": member.identity.riot_id,
        "status": member.status.value,
        "status_text": status_text(member),
        "via": member.via,
        "path": path.value if path is not None else None,
        "rtt_ms": None if member.rtt is None else round(member.rtt * 1000, 2),
        "phase": member.phase.value,
        "selection": selection_json(member.selection),
        "stale": member.stale,
        "is_local": member.is_local,
    }
