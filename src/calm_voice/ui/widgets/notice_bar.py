"""Lasting notices (keyboard mode, a missing device): calm words, shown until they stop applying."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.safe_text import for_terminal

SHOWN = 3


class NoticeBar(Static):
    notices: reactive[tuple[str, ...]] = reactive(tuple, layout=True)

    def add(self, text: str) -> None:
        """Keep each distinct notice once, newest last."""
        text = " ".join(text.split())
        kept = tuple(n for n in self.notices if n != text)
        self.notices = (*kept, text)[-SHOWN:]

    def watch_notices(self, notices: tuple[str, ...]) -> None:
        self.display = bool(notices)

    def render(self) -> Text:
        return Text("\n").join(Text(f"• {for_terminal(notice)}") for notice in self.notices)
