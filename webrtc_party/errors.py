"""The party's error tree.

Every error message is written for the person reading it. ``LocalError`` is a
mistake on this side (bad configuration, bad input), ``RemoteError`` is
something the other side or the network did.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConnectError",
    "LinkClosedError",
    "LocalError",
    "PartyError",
    "RemoteError",
    "UnsupportedDependencyError",
]


class PartyError(Exception):
    """Base class of every error the party raises on purpose."""


class LocalError(PartyError):
    """Something on this side is wrong: configuration, input or environment."""


class RemoteError(PartyError):
    """The peer or the network did something we could not work with."""


class ConfigError(LocalError):
    """A setting (STUN/TURN URL, option value) is invalid."""


class UnsupportedDependencyError(LocalError):
    """An installed library version is not one this release was tested with."""


class ConnectError(RemoteError):
    """A link could not be established before its deadline."""


class LinkClosedError(RemoteError):
    """The link is closed; nothing more can be sent on it."""
