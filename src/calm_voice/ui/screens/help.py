"""The keys and the spoken commands, in plain words; it scrolls on a small terminal, and the
way out stays in view."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from calm_voice.session.script import help_text
from calm_voice.session.spoken_words import SpokenWords
from calm_voice.ui.keys import KEYS, voice_for


def keys_table(spoken: SpokenWords) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=3)
    table.add_column(ratio=2, style="italic")
    table.add_row(Text("Key", style="dim"), Text("What it does", style="dim"),
                  Text("Or say", style="dim"))
    for key in KEYS:
        said = voice_for(key, spoken)
        table.add_row(key.shown, key.meaning, f"“{said}”" if said else "")
    table.add_row("ctrl+p", "find any of these by name", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, spoken: SpokenWords | None = None) -> None:
        super().__init__()
        self.spoken = spoken or SpokenWords()
        """The words of the language listened for, so "Or say" names what is really heard."""

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Help", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(keys_table(self.spoken), id="help-keys")
                yield Static(Text("\nHands-free\n", style="bold"))
                yield Static(help_text(self.spoken), id="help-voice")
            yield Static("Press Escape to go back.", classes="dialog-hint", id="help-hint")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # Title, hint, borders, padding and footer around the part that scrolls.
        self.query_one("#help-body").styles.max_height = max(3, event.size.height - 10)

    def action_close(self) -> None:
        self.dismiss(None)
