"""State machines as data: a table of legal moves, checked on every move.

A ``Table`` lists every ``(from, to)`` move with the event that makes it, as in
the diagrams of docs/link.md and docs/protocol.md (a test checks that they agree).
``check`` raises ``TransitionError`` on a move the table does not list: that is a
bug on this side, never something a peer can cause (peer input is checked with
``allows`` and dropped).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from webrtc_party.errors import LocalError

__all__ = ["Move", "Table", "TransitionError"]

S = TypeVar("S", bound=enum.Enum)


class TransitionError(LocalError):
    """A state change the state machine does not allow (a bug in this program)."""

    user_message = "Internal error: a state change this program does not allow; please report it."


@dataclass(frozen=True)
class Move(Generic[S]):
    source: S
    event: str  # for people: what makes the move
    target: S


class Table(Generic[S]):
    def __init__(self, name: str, moves: Iterable[Move[S]]) -> None:
        self.name = name
        self.moves: tuple[Move[S], ...] = tuple(moves)
        self._next: dict[S, frozenset[S]] = {}
        for move in self.moves:
            self._next[move.source] = self._next.get(move.source, frozenset()) | {move.target}

    def pairs(self) -> frozenset[tuple[S, S]]:
        """Every legal ``(from, to)``."""
        return frozenset((m.source, m.target) for m in self.moves)

    def allows(self, source: S, target: S) -> bool:
        return target in self._next.get(source, frozenset())

    def check(self, source: S, target: S) -> S:
        """``target`` if the table allows the move; else ``TransitionError``."""
        if not self.allows(source, target):
            raise TransitionError(
                f"{self.name}: no move from {source.name} to {target.name}"
            )
        return target
