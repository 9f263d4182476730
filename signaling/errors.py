"""The root of webrtc-party's one error tree, and the signaling package's errors.

Every error the package raises on purpose descends from ``PartyModeError``. It lives
here, not in ``webrtc_party``, because ``signaling`` imports nothing of ``webrtc_party``;
``webrtc_party.errors`` re-exports it (and ``PartyError``, its older name) and builds
the rest of the tree on it. docs/errors.md draws the whole tree.

Two branches say whose fault it is:

- ``LocalError``: this side did something wrong: a caller misused an API, a setting
  is bad, this machine's environment is not what we need.
- ``RemoteError``: something that came from outside cannot be used: a pasted token,
  a peer's message, the network, the League client.

Each class owns the sentence its user reads, ``user_message``: ``str(exc)`` is that
sentence when the code raising it gives no more specific one. ``code`` on token
errors is stable and machine-readable (the CLI's ``--json`` and the panel use it).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "DamagedTokenError",
    "ExpiredTokenError",
    "FutureTokenError",
    "LocalError",
    "NoUsableCandidatesError",
    "NotATokenError",
    "OwnTokenError",
    "PartyModeError",
    "RemoteError",
    "SignalingError",
    "TokenError",
    "TooManyCandidatesError",
    "UnknownInviteError",
    "UnsupportedTokenVersionError",
    "WrongKindError",
]


class PartyModeError(Exception):
    """Root of every error webrtc-party raises on purpose."""

    user_message: ClassVar[str] = "Party mode could not do that."

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or (self.user_message,)))


class LocalError(PartyModeError):
    """Something on this side is wrong: a caller's misuse, a setting, the environment."""

    user_message = "Something on this computer is not set up the way party mode needs."


class RemoteError(PartyModeError):
    """Something from outside (a token, a peer, the network) could not be used."""

    user_message = "The other side or the network did something party mode could not use."


class SignalingError(PartyModeError):
    """Base of the signaling package's errors (tokens in, our own SDP out)."""

    user_message = "The connection details could not be exchanged."


class TokenError(SignalingError, RemoteError, ValueError):
    """A pasted token cannot be used: it came from outside (even our own, pasted back)."""

    code = "token"
    user_message = "This token cannot be used; ask your friend for a new one."


class NotATokenError(TokenError):
    """The text pasted is not a party token at all."""

    code = "not-a-token"
    user_message = (
        "This is not a party token: a token starts with 'wpi' (invite) or 'wpa' (answer)."
    )


class DamagedTokenError(TokenError):
    """The token was cut short or changed on the way."""

    code = "damaged"
    user_message = "This token is damaged (part of it is missing or changed): copy it again, whole."


class UnsupportedTokenVersionError(TokenError):
    """The token's format is older or newer than the one this release reads."""

    code = "unsupported-version"
    user_message = (
        "This token was made by another version of webrtc-party; both sides need the same one."
    )


class ExpiredTokenError(TokenError):
    """The token is older than its lifetime."""

    code = "expired"
    user_message = "This token has expired; ask for a new one."


class FutureTokenError(TokenError):
    """The token claims to be made later than now: a clock is wrong."""

    code = "from-the-future"
    user_message = (
        "This token was made in the future. The clock on this computer or on your friend's "
        "is wrong; fix it and make a new token."
    )


class WrongKindError(TokenError):
    """An answer where an invite belongs, or the other way round."""

    code = "wrong-kind"
    user_message = "This is the wrong kind of token here (an invite where an answer belongs)."


_OWN = "This is your own {}. Send it to your friend and paste what they send back."


class OwnTokenError(TokenError):
    """A token this app made was pasted back into it.

    ``what`` names the token ("invite" or "answer") in the sentence.
    """

    code = "own-token"
    user_message = _OWN.format("token")

    def __init__(self, *args: object, what: str = "token") -> None:
        super().__init__(*(args or (_OWN.format(what),)))


class TooManyCandidatesError(TokenError):
    """The token lists more network addresses than a token may carry."""

    code = "too-many-candidates"
    user_message = "This token lists more network addresses than a token may carry."


class NoUsableCandidatesError(TokenError):
    """No network address in the token is one we could or may try."""

    code = "no-usable-candidates"
    user_message = (
        "This token has no network address anyone could connect to. The other side "
        "should check its network (webrtc-party doctor) and make a new token."
    )


class UnknownInviteError(TokenError):
    """An answer that completes none of the invites this app is waiting on."""

    code = "unknown-invite"
    user_message = (
        "This answer is for an invite this app is not waiting on (it expired, was already "
        "used, is for another invite, or came from another computer). Make a new invite."
    )
