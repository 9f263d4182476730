"""Copy a token to the system clipboard when there is one (pyperclip)."""

from __future__ import annotations

import logging

import pyperclip

__all__ = ["copy_to_clipboard"]

logger = logging.getLogger(__name__)


def copy_to_clipboard(text: str) -> bool:
    """True if the text is now on the clipboard; False on a machine without one."""
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as exc:
        logger.info("no clipboard: %s", exc)
        return False
    return True
