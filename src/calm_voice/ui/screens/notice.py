"""A calm dialog for something that went wrong, with what to do about it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from calm_voice.safe_text import for_markup


class NoticeScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-dialog", classes="dialog"):
            yield Static(for_markup(self.title_text), classes="dialog-title")
            yield Static(for_markup(self.text, keep_newlines=True), id="notice-text")
            yield Button("OK", id="notice-ok", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
