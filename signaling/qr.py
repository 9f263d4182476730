"""QR codes for tokens: terminal text for the CLI, SVG for the party panel (segno)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg", "qr_terminal"]


def _make(text: str) -> segno.QRCode:
    # Tokens are alphanumeric ASCII; error level M survives a phone camera at an angle.
    return segno.make(text, error="m", boost_error=False)


def qr_terminal(text: str) -> str:
    """The QR as text (block characters, two rows per line) for a terminal."""
    out = io.StringIO()
    _make(text).terminal(out=out, compact=True)
    return out.getvalue()


def qr_svg(text: str, *, scale: int = 4) -> str:
    """The QR as a standalone SVG document."""
    out = io.BytesIO()
    _make(text).save(out, kind="svg", scale=scale, border=2, dark="#0a1428", light="#f0e6d2")
    return out.getvalue().decode("utf-8")
