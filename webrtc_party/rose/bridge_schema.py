"""A JSON Schema (draft 2020-12) of the UI bridge's messages (docs/bridge.md).

Built from the codec itself: request types from :class:`RequestType`, size limits from
``bridge_messages``, the member object from the fields and types of :class:`MemberInfo`, the
phases from :class:`GamePhase`. It describes the wire as both bridges send it (ours and Rose's,
whose messages carry fewer keys), so beyond ``type`` few keys are required, and unknown keys
are allowed (readers ignore them). The Python tests validate real messages against it, and the
panel's reducer tests (panel/test/) validate their fixtures against the committed copy.

    python -m webrtc_party.rose.bridge_schema            # write panel/bridge-schema.json
    python -m webrtc_party.rose.bridge_schema --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from webrtc_party.party.model import GamePhase
from webrtc_party.rose.bridge_messages import (
    BRIDGE_VERSION,
    MAX_ID,
    MAX_PASTE,
    PUUID_TEXT,
    RequestType,
)
from webrtc_party.rose.control import ChatInfo, MemberInfo, PendingTokenKind

__all__ = ["INCOMING", "OUTGOING", "SCHEMA_PATH", "bridge_schema", "main", "schema_text"]

Json = dict[str, Any]

SCHEMA_ID = "https://github.com/webrtc-party/webrtc-party/panel/bridge-schema.json"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "panel" / "bridge-schema.json"

_JSON_TYPES: dict[object, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}

# Python -> UI message types (the replies and broadcasts of docs/bridge.md).
OUTGOING = (
    "party-state",
    "party-enabled",
    "party-disabled",
    "party-invite",
    "party-token-result",
    "party-peer-added",
    "party-peer-removed",
    "phase-change",
    "party-error",
    "party-league-chat",
    "party-friend-forgotten",
)
INCOMING = tuple(t.value for t in RequestType)


def _nullable(schema: Json) -> Json:
    return {"anyOf": [schema, {"type": "null"}]}


def _field_schema(hint: object) -> Json:
    """The JSON type of one annotated dataclass field (``X`` or ``X | None``)."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return _nullable(_field_schema(inner))
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _field_schema(args[0])}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _object_schema(hint)
    if hint not in _JSON_TYPES:
        raise TypeError(f"no JSON type for {hint!r}")
    return {"type": _JSON_TYPES[hint]}


def _object_schema(cls: type) -> Json:
    """A dataclass as a JSON object: every field present, typed by its annotation."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    props = {f.name: _field_schema(hints[f.name]) for f in fields}
    return {"type": "object", "properties": props, "required": [f.name for f in fields]}


def _member_schema() -> Json:
    hints = typing.get_type_hints(MemberInfo)
    props = {f.name: _field_schema(hints[f.name]) for f in dataclasses.fields(MemberInfo)}
    props["summoner_id"] = {"type": "integer", "minimum": 0}
    props["status"] = {"enum": ["self", "direct", "relayed", "connecting", "lost"]}
    props["phase"] = {"enum": [p.value for p in GamePhase]}
    # verified came with League chat (docs/league-chat.md): a bridge before it has no such key
    required = [f.name for f in dataclasses.fields(MemberInfo) if f.name != "verified"]
    return {"type": "object", "properties": props, "required": required}


def _message(mtype: str, props: Json | None = None, required: tuple[str, ...] = ()) -> Json:
    schema: Json = {
        "type": "object",
        "properties": {"type": {"const": mtype}, **(props or {})},
        "required": ["type", *required],
    }
    return schema


_REQUEST_ID = {
    "anyOf": [{"type": "string", "maxLength": MAX_ID}, {"type": "integer"}, {"type": "null"}],
    "description": "echoed in the replies to the request (null: none)",
}
_TOKEN = {"type": "string", "minLength": 1, "pattern": r"^wp[ia]"}
_EXPIRES = {"type": "integer", "description": "unix seconds"}
_ERROR = {"type": ["string", "null"], "description": "a sentence for the user"}
_CODE = {"type": "string", "description": "docs/bridge.md, Errors"}
_PHASE = {"enum": [p.value for p in GamePhase]}


def _requests() -> dict[str, Json]:
    paste = {"type": "string", "description": f"as pasted; at most {MAX_PASTE} after trimming"}
    member = {
        "summoner_id": {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^[0-9]{1,20}$"},
                {"type": "null"},
            ]
        },
        "puuid": {"description": "read only when summoner_id is absent or null"},
    }
    # summoner_id wins; without it (or null) puuid must name the member.
    by_puuid = {
        "properties": {
            "summoner_id": {"type": "null"},
            "puuid": {"type": "string", "minLength": 1, "maxLength": 100},
        },
        "required": ["puuid"],
    }
    by_summoner = {
        "properties": {"summoner_id": {"not": {"type": "null"}}},
        "required": ["summoner_id"],
    }
    out: dict[str, Json] = {}
    for rtype in RequestType:
        props: Json = {"id": _REQUEST_ID}
        required: tuple[str, ...] = ()
        if rtype in (RequestType.PASTE_TOKEN, RequestType.ADD_PEER):
            props["token"] = paste
            required = ("token",)
        if rtype is RequestType.SET_LEAGUE_CHAT:
            props |= {"enabled": {"type": "boolean"}, "explained": {"type": ["boolean", "null"]}}
            required = ("enabled",)
        schema = _message(rtype.value, props, required)
        if rtype is RequestType.FORGET_FRIEND:
            every = {"all": {"const": True}}
            one = {"puuid": {"type": "string", "pattern": PUUID_TEXT.pattern}}
            schema["properties"] |= every | one
            schema["oneOf"] = [
                {"properties": every, "required": ["all"]},
                {"properties": one, "required": ["puuid"]},
            ]
        if rtype is RequestType.REMOVE_PEER:
            schema["properties"] |= member
            schema["anyOf"] = [by_summoner, by_puuid]
        out[rtype.value] = schema
    return out


def _state_props() -> Json:
    member = {"$ref": "#/$defs/member"}
    pending = {
        "type": "object",
        "properties": {
            "kind": {"enum": [k.value for k in PendingTokenKind]},
            "token": _TOKEN,
            "expires_at": _EXPIRES,
        },
        "required": ["kind", "token", "expires_at"],
    }
    selection = {
        "type": "object",
        "properties": {
            "champion_id": {"type": ["integer", "null"]},
            "skin_id": {"type": ["integer", "null"]},
            "chroma_id": {"type": ["integer", "null"]},
            "custom_mod": {"type": ["string", "null"]},
        },
    }
    peer = {
        "type": "object",
        "description": "a member in Rose's old shape",
        "properties": {
            "summoner_id": {"type": ["integer", "null"]},
            "summoner_name": {"type": ["string", "null"]},
            "connected": {"type": "boolean"},
            "connection_state": {"type": "string"},
            "in_lobby": {"type": "boolean"},
            "skin_selection": _nullable(selection),
        },
    }
    result = {
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"},
            "kind": {"enum": ["answer", "completed", "error"]},
            "error": _ERROR,
            "code": {"type": ["string", "null"]},
            "at": {"type": "number"},
        },
        "required": ["ok", "kind", "error", "code", "at"],
    }
    return {
        "bridge_version": {"const": BRIDGE_VERSION},
        "enabled": {"type": "boolean"},
        "phase": {"type": "string"},
        "party_phase": _PHASE,
        "my_token": _nullable(_TOKEN),
        "my_token_expires_at": _nullable(_EXPIRES),
        "my_answer": _nullable(_TOKEN),
        "my_answer_expires_at": _nullable(_EXPIRES),
        "pending": {"type": "array", "items": pending},
        "my_puuid": {"type": ["string", "null"]},
        "my_summoner_id": {"type": ["integer", "null"]},
        "my_summoner_name": {"type": ["string", "null"]},
        "me": _nullable(member),
        "members": {"type": "array", "items": member},
        "peers": {"type": "array", "items": peer},
        "last_result": _nullable(result),
        "warnings": {"type": "array", "items": {"type": "string"}},
        "league_chat": _league_chat(),
        "timestamp": {
            "type": "number",
            "description": "ours: unix seconds; Rose's: milliseconds",
        },
        "id": _REQUEST_ID,
    }


def _league_chat() -> Json:
    """The state's ``league_chat`` object (ChatInfo; docs/league-chat.md)."""
    hints = typing.get_type_hints(ChatInfo)
    props = {
        f.name: _field_schema(hints[f.name])
        for f in dataclasses.fields(ChatInfo)
        if f.name not in ("remembered", "refused")
    }
    friend = {
        "type": "object",
        "properties": {
            "puuid": {"type": "string"},
            "name": {"type": "string"},
            "linked_at": {"type": "number"},
        },
        "required": ["puuid", "name", "linked_at"],
    }
    props["remembered"] = {"type": "array", "items": friend}
    props["refused"] = {"type": "array", "items": {"type": "string"}}
    return {"type": "object", "properties": props, "required": list(props)}


def _replies() -> dict[str, Json]:
    rid = {"id": _REQUEST_ID}
    failure = {"error": _ERROR, "code": _CODE}
    token_result = {
        **rid,
        "success": {"type": "boolean"},
        "kind": {"enum": ["answer", "completed"]},
        "answer": _TOKEN,
        "expires_at": _EXPIRES,
        **failure,
    }
    return {
        "party-state": _message("party-state", _state_props(), ("enabled",)),
        "party-enabled": _message(
            "party-enabled",
            {**rid, "success": {"type": "boolean"}, "token": _TOKEN, "expires_at": _EXPIRES}
            | failure,
            ("success",),
        ),
        "party-disabled": _message(
            "party-disabled", {**rid, "success": {"type": "boolean"}, **failure}
        ),
        "party-invite": _message(
            "party-invite", {**rid, "token": _TOKEN, "expires_at": _EXPIRES}, ("token",)
        ),
        "party-token-result": _message("party-token-result", token_result, ("success",)),
        "party-peer-added": _message("party-peer-added", token_result, ("success",)),
        "party-peer-removed": _message(
            "party-peer-removed",
            {
                **rid,
                "success": {"type": "boolean"},
                "summoner_id": {"type": "integer", "minimum": 0},
                "puuid": {"type": "string"},
                **failure,
            },
            ("success",),
        ),
        "phase-change": _message(
            "phase-change", {"phase": {"type": "string"}, "party_phase": _PHASE}, ("phase",)
        ),
        "party-error": _message(
            "party-error",
            {**rid, **failure, "request_type": {"type": ["string", "null"], "maxLength": 64}},
            ("error", "code"),
        ),
        "party-league-chat": _message(
            "party-league-chat",
            {
                **rid,
                "success": {"type": "boolean"},
                "enabled": {"type": "boolean"},
                "explained": {"type": "boolean"},
            },
            ("success", "enabled"),
        ),
        "party-friend-forgotten": _message(
            "party-friend-forgotten",
            {
                **rid,
                "success": {"type": "boolean"},
                "count": {"type": "integer", "minimum": 0},
                "all": {"const": True},
                "puuid": {"type": "string"},
                **failure,
            },
            ("success", "count"),
        ),
    }


def bridge_schema() -> Json:
    """The schema: ``$defs`` has one entry per message type (and ``member``); the root
    accepts any one message of either direction."""
    defs: Json = {"member": _member_schema(), **_requests(), **_replies()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"webrtc-party UI bridge messages, bridge version {BRIDGE_VERSION}",
        "description": (
            "Generated by `python -m webrtc_party.rose.bridge_schema` from "
            "webrtc_party/rose/bridge_messages.py; do not edit. docs/bridge.md is the spec."
        ),
        "$defs": defs,
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in (*INCOMING, *OUTGOING)],
    }


def schema_text() -> str:
    """The committed file's exact text (keys in the spec's order, not sorted)."""
    return json.dumps(bridge_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webrtc_party.rose.bridge_schema")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    parser.add_argument("path", nargs="?", type=Path, default=SCHEMA_PATH)
    args = parser.parse_args(argv)
    text = schema_text()
    path: Path = args.path
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            sys.stderr.write(f"{path} is out of date: run {parser.prog}\n")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
