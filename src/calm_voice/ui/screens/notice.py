"""A calm dialog for something that went wrong, with what to do about it."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

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
            with VerticalScroll(id="notice-body"):
                yield Static(for_markup(self.text, keep_newlines=True), id="notice-text")
            yield Button("OK", id="notice-ok", variant="primary")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # A long explanation scrolls; the title and OK stay in view.
        self.query_one("#notice-body").styles.max_height = max(3, event.size.height - 12)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
