"""Who this node is in the party, from --name/--puuid/--summoner-id, and selections."""

from __future__ import annotations

import argparse
import uuid

from webrtc_party.errors import ConfigError
from webrtc_party.party import FieldError, MemberIdentity, Selection, Source

__all__ = ["add_identity_options", "identity_from_args", "parse_selection"]


def add_identity_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("identity (normally read from the League client)")
    group.add_argument("--name", default="Player#PARTY", help="Riot ID, gameName#tagLine")
    group.add_argument("--puuid", help="PUUID (default: a random one for this run)")
    group.add_argument("--summoner-id", type=int, default=0, metavar="ID")


def identity_from_args(args: argparse.Namespace) -> MemberIdentity:
    game_name, sep, tag_line = args.name.rpartition("#")
    if not sep:
        raise ConfigError(f"--name {args.name!r} must be a Riot ID like Name#TAG")
    try:
        return MemberIdentity(
            puuid=args.puuid or str(uuid.uuid4()),
            summoner_id=args.summoner_id,
            game_name=game_name,
            tag_line=tag_line,
        )
    except FieldError as exc:
        raise ConfigError(f"bad identity: {exc}") from None


def parse_selection(text: str) -> Selection | None:
    """``<champion>:<skin>[:<chroma>]`` with numeric ids, or ``none``."""
    if text.strip().lower() == "none":
        return None
    parts = text.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ConfigError("select takes <champion>:<skin>[:<chroma>], e.g. select 103:103015")
    champion, skin = int(parts[0]), int(parts[1])
    chroma = int(parts[2]) if len(parts) == 3 else None
    try:
        source = Source.CHROMA if chroma is not None else Source.PICKED
        return Selection(champion, skin, chroma, None, source)
    except FieldError as exc:
        raise ConfigError(f"bad selection {text!r}: {exc}") from None
