"""Small modal dialogs of the journal screen: correct an utterance, confirm a deletion, choose
how and where to export. Each fits an 80x24 terminal: its text wraps and its box scrolls."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from calm_voice.journal.export_choice import FORMATS, MAX_FOLDER_CHARS, ExportChoice
from calm_voice.safe_text import for_markup


class EditUtteranceDialog(ModalScreen[str | None]):
    """Returns the corrected text, or None if the person changed their mind."""

    DEFAULT_CSS = """
    EditUtteranceDialog { align: center middle; }
    EditUtteranceDialog > VerticalScroll {
        width: 80%; max-width: 100; height: auto; max-height: 100%; padding: 1 2;
        border: round $accent; background: $surface;
    }
    EditUtteranceDialog Label { width: 100%; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str, heard: str) -> None:
        super().__init__()
        self._text = text
        self._heard = heard

    def compose(self) -> ComposeResult:
        with VerticalScroll():
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
    ConfirmDeleteDialog > VerticalScroll {
        width: 70%; min-width: 40; max-width: 90; height: auto; max-height: 100%; padding: 1 2;
        border: round $error; background: $surface;
    }
    ConfirmDeleteDialog Label { width: 100%; }
    ConfirmDeleteDialog Horizontal { height: auto; margin-top: 1; }
    ConfirmDeleteDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape,n", "keep", "Keep it"), Binding("y", "delete", "Delete")]

    def __init__(self, description: str) -> None:
        super().__init__()
        self._description = description

    def compose(self) -> ComposeResult:
        with VerticalScroll():
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


class MarkedRadioButton(RadioButton):
    """A radio button whose choice reads without colour: a dot only in the chosen one, and the
    word "chosen" after its label."""

    def __init__(self, words: str, value: bool = False, *, name: str | None = None) -> None:
        self.words = words
        super().__init__(self._label_for(value), value, name=name)
        self.BUTTON_INNER = "●" if value else " "

    def _label_for(self, value: bool) -> str:
        return f"{self.words}  (chosen)" if value else self.words

    def watch_value(self) -> None:
        super().watch_value()
        self.BUTTON_INNER = "●" if self.value else " "
        self.label = self._label_for(self.value)


class ExportDialog(ModalScreen[ExportChoice | None]):
    """Asks the format and the folder, starting from `choice` (the last one); returns the new
    choice, or None if the person changed their mind."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > VerticalScroll {
        width: 80%; min-width: 50; max-width: 90; height: auto; max-height: 100%; padding: 0 2;
        border: round $accent; background: $surface;
    }
    ExportDialog Label { width: 100%; margin-top: 1; }
    ExportDialog RadioSet { width: 100%; }
    ExportDialog Horizontal { height: auto; margin-top: 1; }
    ExportDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choice: ExportChoice, default_folder: str) -> None:
        super().__init__()
        self._choice = choice
        self._default_folder = default_folder

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Export the whole journal as:")
            with RadioSet(id="export-format"):
                for key, label in FORMATS.items():
                    yield MarkedRadioButton(label, value=key == self._choice.format, name=key)
            yield Label("Into the folder (leave it empty for the exports folder beside the "
                        "journal, shown greyed):")
            yield Input(value=self._choice.folder, placeholder=self._default_folder,
                        max_length=MAX_FOLDER_CHARS, id="export-folder")
            with Horizontal():
                yield Button("Export (Enter)", id="export", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    def chosen(self) -> ExportChoice:
        pressed = self.query_one(RadioSet).pressed_button
        fmt = pressed.name if pressed is not None and pressed.name in FORMATS else "md"
        return ExportChoice(fmt, self.query_one("#export-folder", Input).value.strip())

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.chosen() if event.button.id == "export" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
