"""Lasting notices (keyboard mode, a missing device): calm words, shown until they stop applying.

Each notice takes one line (its first sentence), so a small terminal keeps room for the guide;
the whole text, with what to do, is one key (or a click) away."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.safe_text import for_terminal

SHOWN = 3
DETAILS = "i: what to do"


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


class NoticeBar(Static):
    notices: reactive[tuple[str, ...]] = reactive(tuple, layout=True)

    def add(self, text: str) -> None:
        """Keep each distinct notice once, newest last."""
        text = " ".join(text.split())
        kept = tuple(n for n in self.notices if n != text)
        self.notices = (*kept, text)[-SHOWN:]

    def watch_notices(self, notices: tuple[str, ...]) -> None:
        self.display = bool(notices)

    def render(self) -> RenderableType:
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        for row, notice in enumerate(self.notices):
            grid.add_row(Text(f"• {for_terminal(first_sentence(notice))}"),
                         Text(f"  {DETAILS}", style="bold") if row == 0 else "")
        return grid

    async def on_click(self, event: events.Click) -> None:
        await self.run_action("app.notices")
