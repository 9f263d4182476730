"""Errors of the party service, written for the person who reads them in the panel."""

from __future__ import annotations

from webrtc_party.errors import LocalError
from webrtc_party.lcu.errors import LcuTlsError

__all__ = [
    "NoLeagueClientError",
    "NotEnabledError",
    "PartyTimeoutError",
    "ServiceClosedError",
    "league_problem",
]


class NoLeagueClientError(LocalError):
    """The party cannot start: the League client has not told us who we are yet."""

    code = "no-league-client"
    user_message = (
        "The party cannot start: the League client has not told us who you are yet. "
        "Start League and log in."
    )


class NotEnabledError(LocalError):
    """The party is off; turn it on first."""

    code = "not-enabled"
    user_message = "The party is off; turn it on first."


class ServiceClosedError(LocalError):
    """The party service has stopped."""

    code = "closed"
    user_message = "The party service has stopped."


class PartyTimeoutError(LocalError):
    """The party's thread did not answer in time."""

    code = "timeout"
    user_message = "The party did not answer in time."


def league_problem(exc: Exception) -> str:
    """The warning the panel shows while the League client cannot be reached."""
    if isinstance(exc, LcuTlsError):
        return f"The League client's certificate was not accepted: {exc}"
    return f"No League client: {exc}. Start League and log in."
