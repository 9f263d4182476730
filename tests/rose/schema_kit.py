"""Checks a bridge message against the JSON Schema exported from bridge_messages
(panel/bridge-schema.json, also what the panel's reducer fixtures are checked against).

``check_message(msg)`` validates against the schema of its ``type`` (clear errors) and against
the root (exactly one message schema matches); with ``ours=True`` it also refuses keys the
schema does not name: our bridge sends nothing undocumented (readers ignore unknown keys, so
Rose's messages are checked with ``ours=False``)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from webrtc_party.rose.bridge_schema import SCHEMA_PATH

__all__ = ["check_message", "schema"]


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(name: str | None) -> Draft202012Validator:
    root = schema()
    if name is None:
        return Draft202012Validator(root)
    return Draft202012Validator({"$defs": root["$defs"], "$ref": f"#/$defs/{name}"})


def check_message(msg: Any, *, ours: bool = True) -> Any:
    """``msg`` (returned as is) when valid; AssertionError naming the first problem."""
    assert isinstance(msg, dict) and isinstance(msg.get("type"), str), msg
    defs = schema()["$defs"]
    assert msg["type"] in defs and msg["type"] != "member", f"no schema for {msg['type']!r}"
    errors = sorted(_validator(msg["type"]).iter_errors(msg), key=lambda e: list(e.path))
    assert not errors, f"{msg['type']}: {errors[0].message} at {list(errors[0].path)}"
    assert _validator(None).is_valid(msg), f"{msg['type']} matches more than one schema"
    if ours:
        extra = set(msg) - set(defs[msg["type"]]["properties"])
        assert not extra, f"{msg['type']} carries keys the schema does not name: {extra}"
    return msg
