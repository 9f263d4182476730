"""The states of one introduction, as data (drawn in docs/protocol.md, section 7).

An outgoing introduction (this member invites) and an incoming one (this member
was invited) each move only as their table allows; ``IntroScheduler`` checks every
move with ``Table.check`` (a bug raises ``TransitionError``) and drops a peer's
message that would make an illegal one (``Table.allows``).
"""

from __future__ import annotations

import enum

from webrtc_party.machine import Move, Table

__all__ = ["INCOMING_TABLE", "OUTGOING_TABLE", "IntroState"]


class IntroState(enum.Enum):
    NEEDED = "needed"  # outgoing: IntroNeeded emitted, the shell makes the invite
    OFFERED = "offered"  # outgoing: the invite travels to the target
    RECEIVED = "received"  # incoming: IntroOfferReceived emitted, the shell makes the answer
    ANSWERED = "answered"  # the answer travels (incoming) or arrived (outgoing)
    OVER = "over"  # linked, expired, superseded, or the member left or was removed


_S = IntroState
_OVER = "linked, expired, superseded, or the member left"

OUTGOING_TABLE: Table[IntroState] = Table(
    "outgoing introduction",
    [
        Move(_S.NEEDED, "send_intro_offer()", _S.OFFERED),
        Move(_S.OFFERED, "the target's intro-answer arrives", _S.ANSWERED),
        *(Move(state, _OVER, _S.OVER) for state in (_S.NEEDED, _S.OFFERED, _S.ANSWERED)),
    ],
)

INCOMING_TABLE: Table[IntroState] = Table(
    "incoming introduction",
    [
        Move(_S.RECEIVED, "send_intro_answer()", _S.ANSWERED),
        *(Move(state, _OVER, _S.OVER) for state in (_S.RECEIVED, _S.ANSWERED)),
    ],
)
