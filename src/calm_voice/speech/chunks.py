"""Long text cut into pieces espeak can take: at sentence ends, else clauses, else spaces.

espeak-ng crashed (SIGSEGV) on a 50,000-character sentence and slowed down more than linearly
well before that; pieces of at most MAX_CHUNK_CHARS keep time and memory linear in the length.
"""

from __future__ import annotations

import re

MAX_CHUNK_CHARS = 400
"""A long spoken sentence is ~250 characters; a piece this size takes espeak well under a second."""

_BOUNDARIES = (
    re.compile(r"[.!?…。！？][\"'”’)\]]*\s+"),  # the end of a sentence
    re.compile(r"[,;:，；：—–]\s*|\s[-–—]\s"),  # the end of a clause
    re.compile(r"\s+"),  # between words
)


def _cut_at(window: str) -> int:
    """Where to end a piece taken from `window`: after its last, strongest boundary."""
    for boundary in _BOUNDARIES:
        ends = [match.end() for match in boundary.finditer(window) if match.end() < len(window)]
        ends = [end for end in ends if end > len(window) // 4]  # no tiny first pieces
        if ends:
            return ends[-1]
    return len(window)  # one long "word": cut it where the limit falls


def split_for_speech(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Pieces of at most `limit` characters that join back to exactly `text`."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        end = _cut_at(rest[: limit + 1])
        end = min(end, limit)
        pieces.append(rest[:end])
        rest = rest[end:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces
