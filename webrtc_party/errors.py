"""The party's error tree, built on the root that ``signaling.errors`` defines.

``PartyModeError`` is the root of every error webrtc-party raises on purpose;
``PartyError`` is the same class under its older name. ``LocalError`` is a mistake
on this side (a caller's misuse, a bad setting, the environment), ``RemoteError``
something from outside (a token, a peer, the network, the League client). Each class
owns the sentence its user reads, ``user_message`` (docs/errors.md lists the tree).
"""

from __future__ import annotations

from signaling.errors import LocalError, PartyModeError, RemoteError

__all__ = [
    "ConfigError",
    "ConnectError",
    "LinkClosedError",
    "LocalError",
    "PartyError",
    "PartyModeError",
    "RemoteError",
    "UnsupportedDependencyError",
]

PartyError = PartyModeError
"""The root's older name: ``except PartyError`` catches every error, tokens' included."""


class ConfigError(LocalError):
    """A setting (STUN/TURN URL, option value) is invalid."""

    user_message = "A setting is invalid; check the STUN/TURN servers and the options given."


class UnsupportedDependencyError(LocalError):
    """An installed library version is not one this release was tested with."""

    user_message = (
        "An installed library is a version this release of webrtc-party does not support."
    )


class ConnectError(RemoteError):
    """A link could not be established before its deadline."""

    user_message = "The connection to your friend could not be made in time."


class LinkClosedError(RemoteError):
    """The link is closed; nothing more can be sent on it."""

    user_message = "The connection is closed; nothing more can be sent on it."
