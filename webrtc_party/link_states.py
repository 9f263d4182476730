"""The link's state machine as data (drawn in docs/link.md, "States").

``Link`` moves only through ``LINK_TABLE.check``: a move not listed here raises
``TransitionError``.
"""

from __future__ import annotations

from webrtc_party.link_events import LinkState
from webrtc_party.machine import Move, Table

__all__ = ["LINK_TABLE"]

_S = LinkState

LINK_TABLE: Table[LinkState] = Table(
    "link",
    [
        Move(_S.NEW, "create_invite() or accept_invite() starts gathering", _S.GATHERING),
        Move(_S.GATHERING, "the invite is made", _S.WAITING),
        Move(_S.GATHERING, "the answer is made (accept_invite)", _S.CONNECTING),
        Move(_S.WAITING, "accept_answer()", _S.CONNECTING),
        Move(_S.CONNECTING, "the data channel opens", _S.OPEN),
        *(
            Move(state, "close(), a failure, a deadline or the peer (table below)", _S.CLOSED)
            for state in (_S.NEW, _S.GATHERING, _S.WAITING, _S.CONNECTING, _S.OPEN)
        ),
    ],
)
