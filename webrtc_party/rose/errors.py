"""Errors of the party service, written for the person who reads them in the panel."""

from __future__ import annotations

from webrtc_party.errors import LocalError

__all__ = ["NoLeagueClientError", "NotEnabledError", "PartyTimeoutError", "ServiceClosedError"]


class NoLeagueClientError(LocalError):
    """The party cannot start: the League client has not told us who we are yet."""

    code = "no-league-client"


class NotEnabledError(LocalError):
    """The party is off; turn it on first."""

    code = "not-enabled"


class ServiceClosedError(LocalError):
    """The party service has stopped."""

    code = "closed"


class PartyTimeoutError(LocalError):
    """The party's thread did not answer in time."""

    code = "timeout"
