"""Type an answer to the current question instead of saying it; nothing typed is lost."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from calm_voice.safe_text import for_markup

DISCARD_HINT = "Press Enter to save it, or Escape again to let it go."
HINT = "Press Enter to save it to your journal, or Escape to go back."


class TypedEntryScreen(ModalScreen[str | None]):
    """Dismisses with the typed text, or None when the person leaves without saving."""

    BINDINGS = [Binding("escape", "leave", "Back")]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt
        self.warned = False

    def compose(self) -> ComposeResult:
        with Vertical(id="typed-dialog", classes="dialog"):
            yield Static("Your answer", classes="dialog-title")
            yield Static(for_markup(self.prompt), id="typed-prompt")
            yield Input(placeholder="Type here…", id="typed-input")
            yield Static(HINT, id="typed-hint", classes="dialog-hint")
        yield Footer()

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    @on(Input.Changed)
    def typed(self) -> None:
        if self.warned:
            self.warned = False
            self.query_one("#typed-hint", Static).update(HINT)

    def action_leave(self) -> None:
        text = self.query_one("#typed-input", Input).value
        if text.strip() and not self.warned:
            self.warned = True
            self.query_one("#typed-hint", Static).update(DISCARD_HINT)
            return
        self.dismiss(None)
