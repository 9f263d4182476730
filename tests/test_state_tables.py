"""The state machines are data, the docs draw the same data, and every move is checked."""

from __future__ import annotations

import ast
import enum
import itertools
import re
from pathlib import Path

import pytest

from webrtc_party.link_events import LinkState
from webrtc_party.link_states import LINK_TABLE
from webrtc_party.machine import Move, Table, TransitionError
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.intro import IntroScheduler
from webrtc_party.party.intro_states import INCOMING_TABLE, OUTGOING_TABLE, IntroState

ROOT = Path(__file__).resolve().parent.parent
TABLES: list[tuple[str, Table[LinkState] | Table[IntroState], type[enum.Enum]]] = [
    ("docs/link.md", LINK_TABLE, LinkState),
    ("docs/protocol.md", OUTGOING_TABLE, IntroState),
    ("docs/protocol.md", INCOMING_TABLE, IntroState),
]
ARROW = re.compile(r"\s+-{2,}(?:[^<>\-][^<>]*?)?-*>\s+")


def _after_marker(doc: str, marker: str) -> list[str]:
    text = (ROOT / doc).read_text()
    tag = f"<!-- {marker} -->"
    assert text.count(tag) == 1, f"{doc}: expected one {tag}"
    return text.split(tag, 1)[1].lstrip("\n").splitlines()


def _states(cell: str, kind: type[enum.Enum]) -> list[enum.Enum]:
    return [kind[name.strip()] for name in cell.split(",")]


def diagram_pairs(doc: str, name: str, kind: type[enum.Enum]) -> set[tuple[object, object]]:
    """Every (from, to) drawn in the fenced block after ``<!-- state-diagram: name -->``."""
    lines = _after_marker(doc, f"state-diagram: {name}")
    assert lines[0].startswith("```")
    pairs: set[tuple[object, object]] = set()
    for line in lines[1:]:
        if line.startswith("```"):
            return pairs
        segments = ARROW.split(line.strip())
        assert len(segments) >= 2, f"{doc}: no arrow in {line!r}"
        for left, right in itertools.pairwise(segments):
            pairs |= {(a, b) for a in _states(left, kind) for b in _states(right, kind)}
    raise AssertionError(f"{doc}: the diagram {name} is not closed")


def table_moves(doc: str, name: str, kind: type[enum.Enum]) -> set[tuple[object, str, object]]:
    """Every (from, when, to) in the table after ``<!-- state-table: name -->``."""
    lines = _after_marker(doc, f"state-table: {name}")
    assert [c.strip() for c in lines[0].strip("|").split("|")] == ["from", "to", "when"]
    moves: set[tuple[object, str, object]] = set()
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        source, target, when = (c.strip() for c in line.strip().strip("|").split("|"))
        for a in _states(source, kind):
            for b in _states(target, kind):
                moves.add((a, when, b))
    return moves


@pytest.mark.parametrize(("doc", "table", "kind"), TABLES, ids=[t.name for _, t, _ in TABLES])
def test_the_doc_diagram_draws_the_table(
    doc: str, table: Table[LinkState] | Table[IntroState], kind: type[enum.Enum]
) -> None:
    data: set[tuple[object, object]] = set(table.pairs())
    assert diagram_pairs(doc, table.name, kind) == data


@pytest.mark.parametrize(("doc", "table", "kind"), TABLES, ids=[t.name for _, t, _ in TABLES])
def test_the_doc_table_lists_the_moves(
    doc: str, table: Table[LinkState] | Table[IntroState], kind: type[enum.Enum]
) -> None:
    data = {(m.source, m.event, m.target) for m in table.moves}
    assert table_moves(doc, table.name, kind) == data


def test_the_parser_reads_every_arrow() -> None:
    drawn = ARROW.split("NEW, OPEN --create_invite()--> GATHERING --> WAITING ---x y--> OPEN")
    assert drawn == ["NEW, OPEN", "GATHERING", "WAITING", "OPEN"]
    assert (LinkState.NEW, LinkState.OPEN) not in LINK_TABLE.pairs()


def test_an_illegal_move_raises() -> None:
    assert LINK_TABLE.check(LinkState.CONNECTING, LinkState.OPEN) is LinkState.OPEN
    for source, target in [
        (LinkState.CLOSED, LinkState.OPEN),
        (LinkState.NEW, LinkState.OPEN),
        (LinkState.WAITING, LinkState.GATHERING),
        (LinkState.CLOSED, LinkState.CLOSED),
    ]:
        with pytest.raises(TransitionError, match=f"link: no move from {source.name}"):
            LINK_TABLE.check(source, target)
    with pytest.raises(TransitionError):
        OUTGOING_TABLE.check(IntroState.NEEDED, IntroState.ANSWERED)
    with pytest.raises(TransitionError):
        INCOMING_TABLE.check(IntroState.OVER, IntroState.RECEIVED)


def test_closed_is_the_end_and_every_live_state_can_close() -> None:
    for state in LinkState:
        assert LINK_TABLE.allows(state, LinkState.CLOSED) is (state is not LinkState.CLOSED)
        assert not LINK_TABLE.allows(LinkState.CLOSED, state)
    reachable = {LinkState.NEW}
    for _ in LinkState:
        reachable |= {m.target for m in LINK_TABLE.moves if m.source in reachable}
    assert reachable == set(LinkState)


def _assignments(path: Path, cls: str, attr: str) -> set[str]:
    """The methods of ``cls`` that assign ``self.<attr>``."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for fn in node.body:
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for sub in ast.walk(fn):
                    targets = sub.targets if isinstance(sub, ast.Assign) else []
                    if isinstance(sub, ast.AnnAssign | ast.AugAssign):
                        targets = [sub.target]
                    for t in targets:
                        if isinstance(t, ast.Attribute) and t.attr == attr:
                            found.add(fn.name)
    return found


def test_every_move_goes_through_the_table() -> None:
    link = ROOT / "webrtc_party/link.py"
    assert _assignments(link, "Link", "_state") == {"__init__", "_set_state"}
    intro = ROOT / "webrtc_party/party/intro.py"
    assert _assignments(intro, "OutgoingIntro", "state") == {"move"}
    assert _assignments(intro, "IncomingIntro", "state") == {"move"}
    assert _assignments(intro, "IntroScheduler", "state") == set()


def test_an_answer_is_taken_once_and_only_after_the_offer() -> None:
    intros = IntroScheduler(PartyConfig())
    [needed] = intros.due(["bob"], now=0.0)
    assert not intros.answer_arrived("bob", needed.intro_id)  # before the offer: dropped
    assert intros.outgoing(needed.intro_id) is not None
    assert intros.offer_sent(needed.intro_id) is not None
    assert intros.offer_sent(needed.intro_id) is None  # the invite goes out once
    assert not intros.answer_arrived("carol", needed.intro_id)  # not the target
    assert intros.answer_arrived("bob", needed.intro_id)
    assert not intros.answer_arrived("bob", needed.intro_id)  # a second answer: dropped
    intro = intros.outgoing(needed.intro_id)
    assert intro is not None and intro.state is IntroState.ANSWERED
    intros.linked("bob")
    assert intros.outgoing(needed.intro_id) is None
    assert intro.state.value == "over"


def test_an_invitation_is_answered_once_and_ends_over() -> None:
    intros = IntroScheduler(PartyConfig())
    admitted, _ = intros.offer_received("alice", 3, now=0.0)
    assert admitted and intros.answerable("alice", 3)
    assert intros.answer_allowed("alice", 3)
    assert not intros.answer_allowed("alice", 3) and not intros.answerable("alice", 3)
    admitted, cancelled = intros.offer_received("alice", 4, now=1.0)  # supersedes 3
    assert admitted and [(c.origin, c.intro_id) for c in cancelled] == [("alice", 3)]
    assert not intros.answer_allowed("alice", 3)
    expired = intros.expire(now=1.0 + PartyConfig().intro_timeout)
    assert [(e.origin, e.intro_id) for e in expired] == [("alice", 4)]  # type: ignore[union-attr]
    assert not intros.pending("alice")


def test_a_move_records_the_event_for_people() -> None:
    move = Move(LinkState.NEW, "x", LinkState.GATHERING)
    assert Table("t", [move]).moves == (move,)
