"""The party's pure protocol core: messages, signatures, gossip, introductions.

Nothing here does I/O or reads a clock: every call takes ``now`` from the
shell (``PartyNode``), which owns the data channels and the timers.
"""

from __future__ import annotations

from webrtc_party.party.coalesce import Coalescer
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.core import PartyCore
from webrtc_party.party.errors import (
    FieldError,
    IntroError,
    MessageTooLargeError,
    ProtocolError,
    UnsupportedProtocolVersionError,
)
from webrtc_party.party.events import (
    CloseLink,
    CloseReason,
    IntroAnswerReceived,
    IntroCancelled,
    IntroExpired,
    IntroNeeded,
    IntroOfferReceived,
    LinkIdentified,
    LinkView,
    MemberChange,
    MemberChanged,
    MemberView,
    PartyEvent,
    Reachability,
)
from webrtc_party.party.gossip import CAPABILITIES
from webrtc_party.party.messages import (
    MAX_MESSAGE_SIZE,
    PROTOCOL_VERSION,
    Message,
    decode_message,
    encode_message,
)
from webrtc_party.party.model import (
    MAX_SELECTIONS,
    CustomMod,
    GamePhase,
    MemberId,
    MemberIdentity,
    MemberState,
    Selection,
    Source,
)

__all__ = [
    "CAPABILITIES",
    "MAX_MESSAGE_SIZE",
    "MAX_SELECTIONS",
    "PROTOCOL_VERSION",
    "CloseLink",
    "CloseReason",
    "Coalescer",
    "CustomMod",
    "FieldError",
    "GamePhase",
    "IntroAnswerReceived",
    "IntroCancelled",
    "IntroError",
    "IntroExpired",
    "IntroNeeded",
    "IntroOfferReceived",
    "LinkIdentified",
    "LinkView",
    "MemberChange",
    "MemberChanged",
    "MemberId",
    "MemberIdentity",
    "MemberState",
    "MemberView",
    "Message",
    "MessageTooLargeError",
    "PartyConfig",
    "PartyCore",
    "PartyEvent",
    "ProtocolError",
    "Reachability",
    "Selection",
    "Source",
    "UnsupportedProtocolVersionError",
    "decode_message",
    "encode_message",
]
