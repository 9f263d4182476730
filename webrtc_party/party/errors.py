"""Errors of the party protocol core.

``ProtocolError`` is what a peer did wrong on the wire: the core catches it,
drops the message and counts it against the link that sent it. ``FieldError``
is a value built on this side that breaks a limit (a bad champion id, a name
that is too long); the codec turns it into a ``ProtocolError`` when the value
came from a peer.
"""

from __future__ import annotations

from webrtc_party.errors import LocalError, RemoteError

__all__ = [
    "FieldError",
    "IntroError",
    "MessageTooLargeError",
    "ProtocolError",
    "UnsupportedProtocolVersionError",
]


class ProtocolError(RemoteError):
    """A party member sent a message that does not follow the party protocol."""

    user_message = "A party member sent a message that does not follow the party protocol."


class MessageTooLargeError(ProtocolError):
    """A party message was larger than the protocol allows."""

    user_message = "A party member sent a message larger than the protocol allows."


class UnsupportedProtocolVersionError(ProtocolError):
    """A party member speaks a protocol version this release does not understand."""

    user_message = (
        "A party member speaks a protocol version this release does not understand; update both."
    )


class FieldError(LocalError, ValueError):
    """A party value is out of range (for example a champion id or a display name)."""

    user_message = "A party value is out of range (for example a champion id or a display name)."


class IntroError(LocalError):
    """An introduction was answered that this member never received or that expired."""

    user_message = "This introduction was never received here, or it has expired."
