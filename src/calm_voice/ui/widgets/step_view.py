"""The current step: its title, its text with the sentence being read marked, and its prompts."""

from __future__ import annotations

from typing import ClassVar

from rich._wrap import divide_line
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.guide import Guide
from calm_voice.safe_text import for_terminal
from calm_voice.session.state import Mode, SessionState


def highlighted_sentence(state: SessionState) -> int | None:
    """Which sentence to mark: only while a step is being read or is paused mid-way."""
    if state.mode in (Mode.PLAYING, Mode.PAUSED):
        return state.sentence
    return None


class StepView(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "step--where", "step--title", "step--reading", "step--heading", "step--prompt",
        "step--asked",
    }
    state: reactive[SessionState] = reactive(SessionState, layout=True)

    def __init__(self, guide: Guide, state: SessionState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guide = guide
        self.marked_span: tuple[int, int] | None = None
        self.set_reactive(StepView.state, state)

    def render(self) -> Text:
        style = self.get_component_rich_style
        state = self.state
        step = self.guide.steps[state.step]
        part = self.guide.part_of(step)
        text = Text()
        text.append(f"{for_terminal(part.title)} · step {state.step + 1} of "
                    f"{len(self.guide.steps)}\n",
                    style=style("step--where"))
        text.append(f"{for_terminal(step.title)}\n\n", style=style("step--title"))
        marked = highlighted_sentence(state)
        self.marked_span = None
        for index, sentence in enumerate(step.sentences):
            if index:
                text.append(" ")
            start = len(text)
            reading = style("step--reading") if index == marked else ""
            text.append(for_terminal(sentence), style=reading)
            if index == marked:
                self.marked_span = (start, len(text))
        heading = len(text) + 2
        text.append("\n\nQuestions for you\n", style=style("step--heading"))
        asking = state.prompt if state.mode is Mode.REFLECTING else None
        for index, prompt in enumerate(step.prompts):
            asked = index == asking % len(step.prompts) if asking is not None else False
            start = len(text)
            text.append(f"{'▸' if asked else '•'} {for_terminal(prompt.text)}\n",
                        style=style("step--asked") if asked else style("step--prompt"))
            if asked:  # the heading too, so the person sees what this is
                self.marked_span = (heading, len(text) - 1)
        text.rstrip()
        return text

    def marked_lines(self) -> tuple[int, int] | None:
        """The first and last screen line (within this widget) of the sentence being read or
        the question asked, at the current width; None when nothing is marked."""
        plain = self.render().plain  # also finds the marked span at this state
        if self.marked_span is None or self.content_size.width <= 0:
            return None
        start, end = self.marked_span
        return (line_of(plain, start, self.content_size.width),
                line_of(plain, max(start, end - 1), self.content_size.width))


def line_of(plain: str, offset: int, width: int) -> int:
    """The wrapped line that character `offset` of `plain` falls on, at `width` columns."""
    line = 0
    position = 0
    for paragraph in plain.split("\n"):
        if offset <= position + len(paragraph):
            breaks = divide_line(paragraph, width, fold=True)
            return line + sum(1 for b in breaks if b <= offset - position)
        line += len(divide_line(paragraph, width, fold=True)) + 1
        position += len(paragraph) + 1
    return line
