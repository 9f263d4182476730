"""Recover a token from what chat apps and people do to pasted text.

People paste tokens inside code fences, between quotes, after a label such as
``invite:``, wrapped over several lines, with trailing chatter. ``candidate_bodies``
finds where a token starts (its prefix) and offers the whitespace-joined runs
that might be the token, longest first; the codec keeps the first that passes
its checksum.
"""

from __future__ import annotations

import itertools
import re

__all__ = ["MAX_BODY_CHARS", "PREFIXES", "candidate_bodies"]

PREFIXES = ("wpi", "wpa")
MAX_INPUT_CHARS = 20_000  # a Discord message is 2,000; anything far larger is not a paste
MAX_STARTS = 4  # places a prefix appears that are tried; bounds the work on hostile text
MAX_BODY_CHARS = 340  # the largest token (8 IPv6 candidates, an answer) is about 315 characters

# Characters chat formatting wraps a token in; removed everywhere.
_FORMATTING = re.compile("[`\"'\u2018\u2019\u201c\u201d\u00ab\u00bb*_~|<>\\[\\]()]")
# A line break may fall right after the prefix (found by fuzzing): white space may follow it.
_PREFIX = re.compile(r"(?<![0-9A-Za-z])(wp[ia])(?=\s*[0-9A-Za-z])")
_GROUP = re.compile(r"[0-9A-Za-z]+|\s+|[^\s0-9A-Za-z]")


def candidate_bodies(text: str) -> list[tuple[str, str]]:
    """Return ``(prefix, body)`` guesses, most likely first. Empty if no prefix is found.

    A token may be broken over lines or spaces; trailing words may follow it. For
    each place a prefix appears, the guesses are: the whole alphanumeric run after
    it joined across whitespace, then with the last group dropped, and so on.
    """
    cleaned = _FORMATTING.sub(" ", text[:MAX_INPUT_CHARS])
    guesses: list[tuple[str, str]] = []
    for match in itertools.islice(_PREFIX.finditer(cleaned), MAX_STARTS):
        prefix = match.group(1)
        groups: list[str] = []
        length = 0
        for piece in _GROUP.finditer(cleaned, match.end()):
            text = piece.group()
            if text.isspace():
                continue
            if not text.isalnum() or not text.isascii():
                break  # punctuation ends the token
            length += len(text)
            if length > MAX_BODY_CHARS:
                break  # longer than any token: what follows is not part of it
            groups.append(text)
        for end in range(len(groups), 0, -1):
            guesses.append((prefix, "".join(groups[:end])))
    return guesses
