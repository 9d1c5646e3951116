"""A small bar for the microphone level, so a person can see they are being heard."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

FLOOR_DB = -60.0
WIDTH = 20


def bar_cells(dbfs: float | None, width: int = WIDTH) -> int:
    """How many cells to fill for a level between FLOOR_DB (none) and 0 dBFS (all)."""
    if dbfs is None or dbfs <= FLOOR_DB:
        return 0
    return min(width, round((dbfs - FLOOR_DB) / -FLOOR_DB * width))


class LevelMeter(Static):
    dbfs: reactive[float | None] = reactive(None)

    def render(self) -> Text:
        width = max(4, min(WIDTH, self.size.width - 12))
        filled = bar_cells(self.dbfs, width)
        text = Text("mic ")
        text.append("█" * filled, style="#7fb77e")
        text.append("░" * (width - filled), style="dim")
        text.append("   --" if self.dbfs is None else f" {max(self.dbfs, FLOOR_DB):4.0f} dB")
        return text
