"""The guide as an outline of parts and steps, with the current step marked. It takes focus:
up/down move a cursor, Enter (or a click on a step) asks to go there."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from calm_voice.guide import Guide
from calm_voice.safe_text import for_terminal


def outline_lines(guide: Guide) -> list[tuple[str, int | None]]:
    """Each line's text and the step it stands for (None: a part title or a blank line)."""
    lines: list[tuple[str, int | None]] = []
    number = 0
    for part in guide.parts:
        if lines:
            lines.append(("", None))
        lines.append((for_terminal(part.title), None))
        for step in part.steps:
            lines.append((f"{number + 1:>2}. {for_terminal(step.title)}", number))
            number += 1
    return lines


class GuideOutline(Widget, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "outline--part", "outline--current", "outline--cursor",
    }
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "choose", "Go there", show=False),
    ]
    current: reactive[int] = reactive(0)
    cursor: reactive[int] = reactive(0)

    class StepChosen(Message):
        """The person chose a step (Enter or a click); `index` counts from 0."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, guide: Guide, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guide = guide
        self.lines = outline_lines(guide)

    def render(self) -> Text:
        part_style = self.get_component_rich_style("outline--part")
        current_style = self.get_component_rich_style("outline--current")
        cursor_style = self.get_component_rich_style("outline--cursor")
        rows: list[Text] = []
        for text, step in self.lines:
            if step is None:
                rows.append(Text(text, style=part_style if text else ""))
                continue
            here = step == self.current
            row = Text(f"{'▶' if here else ' '} {text}", style=current_style if here else "")
            if self.has_focus and step == self.cursor:
                row.stylize(cursor_style)
            rows.append(row)
        return Text("\n").join(rows)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.lines)

    def watch_current(self, current: int) -> None:
        if not self.has_focus:
            self.cursor = current

    def watch_cursor(self, cursor: int) -> None:
        line = self._line_of(cursor)
        if self.parent is not None and isinstance(self.parent, Widget):
            self.parent.scroll_to_region(Region(0, self.virtual_region.y + line, 1, 1),
                                         animate=False, immediate=False)

    def on_focus(self) -> None:
        self.cursor = self.current
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.guide.steps) - 1, self.cursor + delta))

    def action_move_to(self, index: int) -> None:
        self.cursor = index % len(self.guide.steps)

    def action_choose(self) -> None:
        self.post_message(self.StepChosen(self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < len(self.lines):
            return
        step = self.lines[offset.y][1]
        if step is not None:
            self.cursor = step
            self.post_message(self.StepChosen(step))

    def _line_of(self, step: int) -> int:
        return next(i for i, (_, s) in enumerate(self.lines) if s == step)
