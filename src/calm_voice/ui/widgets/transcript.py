"""What was heard and done, newest at the bottom: partials dim, finals solid, each with its time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.safe_text import for_terminal

KEEP = 200  # lines kept on screen; the journal keeps everything that matters


@dataclass(frozen=True)
class Line:
    at: datetime
    text: str
    kind: str  # "final", "command", "ignored" or "said"


class TranscriptPane(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--time", "transcript--partial", "transcript--final", "transcript--command",
        "transcript--ignored", "transcript--said", "transcript--empty",
    }
    lines: reactive[tuple[Line, ...]] = reactive(tuple, layout=True)
    partial: reactive[tuple[datetime, str] | None] = reactive(None, layout=True)

    def add(self, line: Line) -> None:
        if line.kind == "final":
            self.partial = None
        self.lines = (*self.lines, line)[-KEEP:]

    def show_partial(self, at: datetime, text: str) -> None:
        self.partial = (at, text) if text.strip() else None

    def render(self) -> Text:
        style = self.get_component_rich_style
        if not self.lines and self.partial is None:
            return Text("What you say will appear here.", style=style("transcript--empty"))
        rows: list[Text] = []
        for line in self.lines:
            row = Text(f"{line.at:%H:%M:%S} ", style=style("transcript--time"))
            row.append(for_terminal(line.text), style=style(f"transcript--{line.kind}"))
            rows.append(row)
        if self.partial is not None:
            at, words = self.partial
            row = Text(f"{at:%H:%M:%S} ", style=style("transcript--time"))
            row.append(f"{for_terminal(words)} …", style=style("transcript--partial"))
            rows.append(row)
        return Text("\n").join(rows)
