"""Rose adapter: the party manager Rose calls, its injection hook and the UI bridge.

``PartyManager`` is the drop-in for Rose's party manager, ``PartyInjectionHook`` feeds
Rose's injection, ``BridgeServer``/``handle_ui_message`` serve the in-client panel.

Every name is imported on first use (module ``__getattr__``): Rose imports this package at
startup, and aiortc, PyAV and aiohttp's server (half a second, tens of megabytes) must load
only when a party is first enabled, not for every user who never uses party mode.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers (and PyInstaller's import scan): the real imports
    from webrtc_party.rose.archive import ArchiveLimits, ArchiveRejectedError
    from webrtc_party.rose.bridge_handler import handle_ui_message
    from webrtc_party.rose.bridge_server import BridgeServer
    from webrtc_party.rose.injection import PartyInjectionHook, RoseInjector
    from webrtc_party.rose.manager import AddPeerResult, PartyManager
    from webrtc_party.rose.modindex import CustomModIndex, content_hash
    from webrtc_party.rose.records import (
        CustomModRef,
        InjectionReport,
        InjectionStatus,
        MemberOutcome,
        PartySkin,
        RecordError,
        Teammate,
        TeamView,
    )
    from webrtc_party.rose.records import InjectionStatus as MemberStatus  # deprecated
    from webrtc_party.rose.service import PartyService

__all__ = [
    "AddPeerResult",
    "ArchiveLimits",
    "ArchiveRejectedError",
    "BridgeServer",
    "CustomModIndex",
    "CustomModRef",
    "InjectionReport",
    "InjectionStatus",
    "MemberOutcome",
    "MemberStatus",  # deprecated alias of InjectionStatus
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

_HOME = {
    "AddPeerResult": "manager",
    "ArchiveLimits": "archive",
    "ArchiveRejectedError": "archive",
    "BridgeServer": "bridge_server",
    "CustomModIndex": "modindex",
    "CustomModRef": "records",
    "InjectionReport": "records",
    "MemberOutcome": "records",
    "InjectionStatus": "records",
    "PartyInjectionHook": "injection",
    "PartyManager": "manager",
    "PartyService": "service",
    "PartySkin": "records",
    "RecordError": "records",
    "RoseInjector": "injection",
    "TeamView": "records",
    "Teammate": "records",
    "content_hash": "modindex",
    "handle_ui_message": "bridge_handler",
}

# Deprecated names, kept because Rose-side code may import them from this package:
# ``MemberStatus`` was renamed ``InjectionStatus`` (the party's ``Reachability`` is the other
# status, how a member is reached). Same object, so old comparisons keep working.
_DEPRECATED = {"MemberStatus": ("records", "InjectionStatus")}


if not TYPE_CHECKING:  # hidden from type checkers: a misspelt name stays an error there

    def __getattr__(name: str) -> object:
        home, real = _HOME.get(name), name
        if home is None and name in _DEPRECATED:
            home, real = _DEPRECATED[name]
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{home}"), real)
        globals()[name] = value  # the next access skips this function
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
