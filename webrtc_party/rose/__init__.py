"""Rose adapter: the party manager Rose calls, its injection hook and the UI bridge.

``PartyManager`` is the drop-in for Rose's party manager, ``PartyInjectionHook`` feeds
Rose's injection, ``BridgeServer``/``handle_ui_message`` serve the in-client panel.
"""

from webrtc_party.rose.archive import ArchiveLimits, ArchiveRejectedError
from webrtc_party.rose.bridge_handler import handle_ui_message
from webrtc_party.rose.bridge_server import BridgeServer
from webrtc_party.rose.injection import PartyInjectionHook, RoseInjector
from webrtc_party.rose.manager import AddPeerResult, PartyManager
from webrtc_party.rose.modindex import CustomModIndex, content_hash
from webrtc_party.rose.records import (
    CustomModRef,
    InjectionReport,
    MemberOutcome,
    MemberStatus,
    PartySkin,
    RecordError,
    Teammate,
    TeamView,
)
from webrtc_party.rose.service import PartyService

__all__ = [
    "AddPeerResult",
    "ArchiveLimits",
    "ArchiveRejectedError",
    "BridgeServer",
    "CustomModIndex",
    "CustomModRef",
    "InjectionReport",
    "MemberOutcome",
    "MemberStatus",
    "PartyInjectionHook",
    "PartyManager",
    "PartyService",
    "PartySkin",
    "RecordError",
    "RoseInjector",
    "TeamView",
    "Teammate",
    "content_hash",
    "handle_ui_message",
]
