"""One journal entry's transcript: times, each word (low-confidence ones dimmed, underlined and
marked with "?", so not by colour alone), edits beside what was first heard, the words a search
matched, and a word cursor for replaying one word."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.guide import Guide
from calm_voice.journal.matching import match_spans
from calm_voice.journal.records import (
    EntryDetail,
    is_low_confidence,
    local_time,
    prompt_text_of,
    short_time,
    step_title_of,
)
from calm_voice.safe_text import for_terminal

LOW_STYLE = "dim underline"
LOW_MARK = "?"
"""Follows an unsure word, so it is told apart without seeing colour or underline."""
CURSOR_STYLE = "reverse"
MATCH_STYLE = "bold underline"


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


class JournalTranscript(Static, can_focus=True):
    """Shows `entry`; `cursor` is a position in the entry's words, in order."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous word", show=False),
        Binding("right", "move(1)", "Next word", show=False),
    ]

    entry: reactive[EntryDetail | None] = reactive(None, always_update=True)
    cursor: reactive[int] = reactive(0)
    search: reactive[str] = reactive("")
    """The words being searched for, marked wherever they occur."""

    def __init__(self, guide: Guide, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.guide = guide

    @property
    def positions(self) -> list[tuple[int, int]]:
        """(utterance index, word index) of every word of the entry, in order."""
        if self.entry is None:
            return []
        return [(u, w) for u, utterance in enumerate(self.entry.utterances)
                for w in range(len(utterance.words))]

    @property
    def selected(self) -> tuple[int, int] | None:
        """Utterance id and word index under the cursor."""
        positions = self.positions
        if self.entry is None or not positions:
            return None
        u, w = positions[min(self.cursor, len(positions) - 1)]
        return self.entry.utterances[u].id, w

    @property
    def selected_utterance(self) -> int | None:
        """Index in entry.utterances of the utterance under the cursor (first if no words)."""
        if self.entry is None or not self.entry.utterances:
            return None
        positions = self.positions
        return positions[min(self.cursor, len(positions) - 1)][0] if positions else 0

    def action_move(self, step: int) -> None:
        count = len(self.positions)
        if count:
            self.cursor = (self.cursor + step) % count

    def watch_entry(self) -> None:
        self.cursor = 0
        self.refresh_text()

    def watch_cursor(self) -> None:
        self.refresh_text()

    def watch_search(self) -> None:
        self.refresh_text()

    def _matched(self, text: str) -> Text:
        """`text` shown safely, the words being searched for marked."""
        shown = Text(for_terminal(text))
        for start, end in match_spans(shown.plain, self.search) if self.search else ():
            shown.stylize(MATCH_STYLE, start, end)
        return shown

    def refresh_text(self) -> None:
        self.update(self.render_entry())

    def render_entry(self) -> Text:
        entry = self.entry
        if entry is None:
            return Text("Choose an entry to read it here.", style="dim")
        asked = prompt_text_of(entry, self.guide)
        step_title = step_title_of(entry.step, entry.step_title, self.guide) or entry.step
        out = Text()
        out.append(f"{short_time(entry.created)}  ·  {for_terminal(step_title)}\n", style="bold")
        if asked is not None:
            out.append(f"{for_terminal(asked)}\n", style="italic")
        out.append("\n")
        if not entry.utterances:
            out.append("(nothing was said)", style="dim")
        first = entry.utterances[0].start if entry.utterances else 0.0
        selected = self.positions[self.cursor] if self.positions else None
        for u, utterance in enumerate(entry.utterances):
            wall = local_time(utterance.created).strftime("%H:%M:%S")
            out.append(f"{wall}  +{_clock(utterance.start - first)}  ", style="dim")
            if utterance.original_text is not None:
                out.append(self._matched(utterance.text))
                out.append("  (corrected)\n", style="italic dim")
                out.append("          heard: ", style="dim")
            for w, word in enumerate(utterance.words):
                low = is_low_confidence(word)
                style = LOW_STYLE if low else ""
                if selected == (u, w):
                    style = f"{style} {CURSOR_STYLE}".strip()
                shown = self._matched(word.word)
                shown.stylize(style)
                out.append(shown)
                out.append(f"{LOW_MARK} " if low else " ", style="dim" if low else "")
            if not utterance.words:
                out.append(self._matched(utterance.heard_text))
            out.append("\n")
        return out
