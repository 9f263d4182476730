"""The League client's WAMP 1 event subset: pure encode/decode, no I/O.

Client to server: ``[5, topic]`` subscribe, ``[6, topic]`` unsubscribe.
Server to client: an empty text frame after each subscribe (skipped), and
``[8, topic, {"data": ..., "eventType": "Create"|"Update"|"Delete", "uri": ...}]``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from webrtc_party.lcu.errors import LcuProtocolError

__all__ = [
    "CATCH_ALL",
    "MAX_FRAME_SIZE",
    "EventType",
    "LcuEvent",
    "WampError",
    "decode_client_frame",
    "decode_event",
    "encode_event",
    "encode_subscribe",
    "encode_unsubscribe",
    "topic_for",
]

CATCH_ALL = "OnJsonApiEvent"
MAX_FRAME_SIZE = 16 * 1024 * 1024
SUBSCRIBE = 5
UNSUBSCRIBE = 6
EVENT = 8


class WampError(LcuProtocolError, ValueError):
    """A frame is not part of the LCU's WAMP subset."""

    user_message = "The League client sent an event frame this app does not understand."


class EventType(enum.StrEnum):
    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"


@dataclass(frozen=True)
class LcuEvent:
    """One JSON API event. ``data`` is None for Delete."""

    topic: str
    uri: str
    event_type: EventType
    data: Any

    def __post_init__(self) -> None:
        if not self.uri.startswith("/"):
            raise WampError(f"event uri {self.uri!r} does not start with '/'")


def topic_for(uri: str) -> str:
    """The endpoint topic of a uri: ``/lol-x/v1/y`` -> ``OnJsonApiEvent_lol-x_v1_y``."""
    return CATCH_ALL + uri.replace("/", "_")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def encode_subscribe(topic: str) -> str:
    return _dumps([SUBSCRIBE, topic])


def encode_unsubscribe(topic: str) -> str:
    return _dumps([UNSUBSCRIBE, topic])


def encode_event(event: LcuEvent) -> str:
    payload = {"data": event.data, "eventType": event.event_type.value, "uri": event.uri}
    return _dumps([EVENT, event.topic, payload])


def _load(text: str) -> Any:
    if len(text) > MAX_FRAME_SIZE:
        raise WampError(f"frame of {len(text)} characters exceeds {MAX_FRAME_SIZE}")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WampError(f"frame is not JSON: {exc}") from None


def decode_event(text: str) -> LcuEvent | None:
    """Decode a server frame; None for frames that carry no event (empty, other opcodes)."""
    if not text.strip():
        return None
    frame = _load(text)
    if not isinstance(frame, list) or not frame or not isinstance(frame[0], int):
        raise WampError("frame is not a WAMP message list")
    if frame[0] != EVENT:
        return None
    if len(frame) != 3 or not isinstance(frame[1], str) or not isinstance(frame[2], dict):
        raise WampError("event frame is not [8, topic, {...}]")
    body = frame[2]
    uri, kind = body.get("uri"), body.get("eventType")
    if not isinstance(uri, str) or not isinstance(kind, str):
        raise WampError("event payload lacks uri or eventType")
    try:
        event_type = EventType(kind)
    except ValueError:
        raise WampError(f"unknown eventType {kind!r}") from None
    data = None if event_type is EventType.DELETE else body.get("data")
    return LcuEvent(frame[1], uri, event_type, data)


def decode_client_frame(text: str) -> tuple[int, str]:
    """Decode a client frame into (opcode, topic); used by the emulator."""
    frame = _load(text)
    if (
        not isinstance(frame, list)
        or len(frame) < 2
        or frame[0] not in (SUBSCRIBE, UNSUBSCRIBE)
        or not isinstance(frame[1], str)
    ):
        raise WampError("client frame is not [5|6, topic]")
    return frame[0], frame[1]
