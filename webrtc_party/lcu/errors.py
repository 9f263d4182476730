"""Errors of the League client adapter.

Messages are written for the person running the party: they say what is wrong
and what to do about it. Lockfile problems are local (this machine's setup);
anything the League client answers or fails to answer is remote.
"""

from __future__ import annotations

from webrtc_party.errors import LocalError, PartyModeError, RemoteError

__all__ = [
    "LcuAuthError",
    "LcuConnectionError",
    "LcuError",
    "LcuProtocolError",
    "LcuRequestError",
    "LcuTlsError",
    "LockfileError",
    "LockfileMalformedError",
    "LockfileNotFoundError",
    "LockfileStaleError",
]


class LcuError(PartyModeError):
    """Marker base of every League client adapter error."""

    user_message = "Something went wrong with the League client."


class LockfileError(LcuError, LocalError):
    """The League client's lockfile could not be used."""

    user_message = "The League client's lockfile could not be used."


class LockfileNotFoundError(LockfileError):
    """No lockfile was found: the League client is not running, or it is installed elsewhere."""

    user_message = (
        "No League client lockfile was found: start League, or point --lockfile at its "
        "install folder."
    )


class LockfileMalformedError(LockfileError):
    """The lockfile exists but is not ``name:pid:port:password:protocol``."""

    user_message = "The League client's lockfile is not in the expected format."


class LockfileStaleError(LockfileError):
    """The lockfile names a port where no League client answers (left over from a closed client)."""

    user_message = (
        "The lockfile is left over from a closed League client: start League, or wait "
        "until it has started."
    )


class LcuConnectionError(LcuError, RemoteError):
    """The League client could not be reached, or the connection to it was lost."""

    user_message = "The League client could not be reached, or the connection to it was lost."


class LcuTlsError(LcuConnectionError):
    """The League client's TLS certificate was not signed by the expected authority."""

    user_message = "The League client's certificate was not signed by the expected authority."


class LcuProtocolError(LcuError, RemoteError):
    """The League client sent something that is not valid for its API (bad JSON or WAMP frame)."""

    user_message = "The League client sent something its API does not allow."


class LcuRequestError(LcuError, RemoteError):
    """A League client request failed with an HTTP status other than "not in this phase"."""

    user_message = "A request to the League client failed."

    def __init__(
        self, method: str, uri: str, status: int, message: str, text: str | None = None
    ) -> None:
        self.method = method
        self.uri = uri
        self.status = status
        self.message = message
        super().__init__(
            text or f"League client: {method} {uri} failed with HTTP {status}: {message}"
        )


class LcuAuthError(LcuRequestError):
    """The League client refused our password (HTTP 401): the lockfile is from another run."""

    user_message = (
        "The League client refused the password from the lockfile: restart the client or "
        "point --lockfile at the current one."
    )

    def __init__(self, method: str, uri: str, message: str = "Unauthorized") -> None:
        super().__init__(
            method,
            uri,
            401,
            message,
            "League client refused the password from the lockfile (HTTP 401): the lockfile is "
            "probably from an earlier run of the client; restart the client or point --lockfile "
            "at the current one",
        )
