"""The guide as an outline of parts and steps, with the current step marked."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.guide import Guide
from calm_voice.safe_text import for_terminal


class GuideOutline(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"outline--part", "outline--current"}
    current: reactive[int] = reactive(0)

    def __init__(self, guide: Guide, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guide = guide

    def render(self) -> Text:
        part_style = self.get_component_rich_style("outline--part")
        current_style = self.get_component_rich_style("outline--current")
        lines: list[Text] = []
        number = 0
        for part in self.guide.parts:
            if lines:
                lines.append(Text(""))
            lines.append(Text(for_terminal(part.title), style=part_style))
            for step in part.steps:
                here = number == self.current
                label = f"{'▶' if here else ' '} {number + 1:>2}. {for_terminal(step.title)}"
                lines.append(Text(label, style=current_style if here else ""))
                number += 1
        return Text("\n").join(lines)
