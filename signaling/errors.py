"""Token errors. Each message is what the person who pasted the token reads."""

from __future__ import annotations

__all__ = [
    "DamagedTokenError",
    "ExpiredTokenError",
    "FutureTokenError",
    "NoUsableCandidatesError",
    "NotATokenError",
    "OwnTokenError",
    "SignalingError",
    "TokenError",
    "TooManyCandidatesError",
    "UnknownInviteError",
    "UnsupportedVersionError",
    "WrongKindError",
]


class SignalingError(Exception):
    """Base class of the signaling package's errors."""


class TokenError(SignalingError, ValueError):
    """A pasted token cannot be used. ``code`` is stable and machine-readable."""

    code = "token"


class NotATokenError(TokenError):
    code = "not-a-token"


class DamagedTokenError(TokenError):
    code = "damaged"


class UnsupportedVersionError(TokenError):
    code = "unsupported-version"


class ExpiredTokenError(TokenError):
    code = "expired"


class FutureTokenError(TokenError):
    code = "from-the-future"


class WrongKindError(TokenError):
    code = "wrong-kind"


class OwnTokenError(TokenError):
    code = "own-token"


class TooManyCandidatesError(TokenError):
    code = "too-many-candidates"


class NoUsableCandidatesError(TokenError):
    code = "no-usable-candidates"


class UnknownInviteError(TokenError):
    code = "unknown-invite"
