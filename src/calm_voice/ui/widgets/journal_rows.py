"""Rows of the journal list: an entry, or a search hit with the matched words marked."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from calm_voice.journal.matching import match_spans
from calm_voice.safe_text import for_terminal

MATCH_STYLE = "bold reverse"
"""A search match in the list: shown by weight and inversion, not by colour alone."""
HIT_CONTEXT = 24
"""Characters shown before a search's first match in the list, so the match stays in view."""


@dataclass(frozen=True)
class Row:
    entry_id: int
    created: str
    step: str
    said: Text
    step_title: str | None = None


def hit_text(text: str, query: str) -> Text:
    """What was said, with the matched words marked; a long one starts a little before the
    first match (the whole utterance is in the transcript beside)."""
    shown = Text(for_terminal(text))  # Text: shown as is, never read as markup
    matches = match_spans(shown.plain, query)
    for start, end in matches:
        shown.stylize(MATCH_STYLE, start, end)
    first = matches[0][0] if matches else 0
    if first > HIT_CONTEXT:
        cut = shown.plain.rfind(" ", 0, first - HIT_CONTEXT // 2) + 1 or first - HIT_CONTEXT // 2
        shown = Text("…") + shown[cut:]
    return shown
