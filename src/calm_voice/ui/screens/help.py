"""The keys and the spoken commands, in plain words."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from calm_voice.session.script import HELP_TEXT

KEYS: tuple[tuple[str, str], ...] = (
    ("space", "play or pause the reading"),
    ("n / p", "next or previous step"),
    ("r", "read this step again from the start"),
    ("s", "stop reading"),
    ("t", "type an answer to the question instead of saying it"),
    ("j", "look back at your journal"),
    ("m", "speech models: see them and get one"),
    ("?", "this help"),
    ("q", "quit (your place is remembered)"),
)


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, meaning in KEYS:
        table.add_row(key, meaning)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Help", classes="dialog-title")
            yield Static(keys_table(), id="help-keys")
            yield Static(Text("\nHands-free\n", style="bold"))
            yield Static(HELP_TEXT, id="help-voice")
            yield Static("\nPress Escape to go back.", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
