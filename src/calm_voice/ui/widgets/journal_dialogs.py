"""Small modal dialogs of the journal screen: correct an utterance, confirm a deletion."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from calm_voice.safe_text import for_markup


class EditUtteranceDialog(ModalScreen[str | None]):
    """Returns the corrected text, or None if the person changed their mind."""

    DEFAULT_CSS = """
    EditUtteranceDialog { align: center middle; }
    EditUtteranceDialog > Vertical {
        width: 80%; height: auto; padding: 1 2; border: round $accent; background: $surface;
    }
    EditUtteranceDialog Label { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str, heard: str) -> None:
        super().__init__()
        self._text = text
        self._heard = heard

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Correct what was written. Enter saves, Escape leaves it as it was.")
            if self._heard != self._text:
                yield Label(f"First heard as: {for_markup(self._heard)}", id="edit-heard")
            yield Input(value=self._text, id="edit-text")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDeleteDialog(ModalScreen[bool]):
    """Returns True only when the person chose to delete."""

    DEFAULT_CSS = """
    ConfirmDeleteDialog { align: center middle; }
    ConfirmDeleteDialog > Vertical {
        width: 70%; height: auto; padding: 1 2; border: round $error; background: $surface;
    }
    ConfirmDeleteDialog Horizontal { height: auto; margin-top: 1; }
    ConfirmDeleteDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape,n", "keep", "Keep it"), Binding("y", "delete", "Delete")]

    def __init__(self, description: str) -> None:
        super().__init__()
        self._description = description

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Delete {for_markup(self._description)} and its recording? This cannot "
                        "be undone.")
            with Horizontal():
                yield Button("Keep it (n)", id="keep", variant="primary")
                yield Button("Delete (y)", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")

    def action_keep(self) -> None:
        self.dismiss(False)

    def action_delete(self) -> None:
        self.dismiss(True)
