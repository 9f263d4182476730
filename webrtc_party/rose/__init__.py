"""Rose adapter: the party's side of Rose's injection (and, later, its UI bridge).

Import the hook with ``from webrtc_party.rose import PartyInjectionHook``; the records it reads
are in :mod:`webrtc_party.rose.records`.
"""

from webrtc_party.rose.archive import ArchiveLimits, ArchiveRejectedError
from webrtc_party.rose.injection import PartyInjectionHook, RoseInjector
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

__all__ = [
    "ArchiveLimits",
    "ArchiveRejectedError",
    "CustomModIndex",
    "CustomModRef",
    "InjectionReport",
    "MemberOutcome",
    "MemberStatus",
    "PartyInjectionHook",
    "PartySkin",
    "RecordError",
    "RoseInjector",
    "TeamView",
    "Teammate",
    "content_hash",
]
