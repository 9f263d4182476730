"""League client payloads: any JSON in any field never crashes the decoder or the tracker.

Bounded budget here; the long run is ``bench/fuzz_core.py --target lcu`` (docs/security.md).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webrtc_party.lcu import tracker as lcu
from webrtc_party.lcu.wamp import WampError, decode_event

FIXTURES = Path(__file__).parent / "data" / "lcu" / "fixtures"
BODIES = {
    lcu.URI_PHASE: "gameflow-phase.champ-select.json",
    lcu.URI_SESSION: "gameflow-session.in-progress.json",
    lcu.URI_SUMMONER: "current-summoner.json",
    lcu.URI_LOBBY: "lobby.normal-draft-premade-3.json",
    lcu.URI_COMMS: "lobby-comms-members.json",
    lcu.URI_CHAMP_SELECT: "champ-select.session.planning.json",
    lcu.URI_SKIN_SELECTOR: "champ-select.skin-selector-info.json",
    lcu.URI_CAROUSEL: "champ-select.skin-carousel-skins.json",
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            out += paths(v, (*prefix, i))
    return out


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = replaced(copy[head], rest, new)
    return copy


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    logging.disable(logging.WARNING)  # the tracker warns for every dropped body
    yield
    logging.disable(logging.NOTSET)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(BODIES)), st.data(), json_values,
       st.sampled_from(["Create", "Update", "Delete"]))
def test_any_value_anywhere_in_a_payload_is_dropped_or_used_never_a_crash(
    uri: str, data: st.DataObject, new: Any, kind: str
) -> None:
    body = json.loads((FIXTURES / BODIES[uri]).read_text())
    where = data.draw(st.sampled_from(paths(body)))
    body = replaced(body, where, new)
    tracker = lcu.Tracker()
    before = tracker.dropped
    tracker.apply_event(uri, kind, body, 1.0)  # must not raise
    tracker.apply_snapshot({uri: body}, 2.0)
    assert tracker.dropped >= before
    frame = json.dumps([8, "OnJsonApiEvent", {"uri": uri, "eventType": kind, "data": body}])
    event = decode_event(frame)
    assert event is not None and event.uri == uri


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | json_values.map(json.dumps))
def test_any_frame_text_raises_only_wamp_errors(text: str) -> None:
    try:
        decode_event(text)
    except WampError:
        pass
