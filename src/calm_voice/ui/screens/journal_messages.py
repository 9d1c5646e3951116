"""What the journal screen's thread workers post back; the screen's handlers own the widgets."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.notifications import SeverityLevel

from calm_voice.journal.export_choice import ExportChoice
from calm_voice.journal.records import EntryDetail
from calm_voice.ui.widgets.journal_rows import Row


class RowsLoaded(Message):
    """A page of the list (or the search hits) for the list as it was at `generation`."""

    def __init__(self, generation: int, rows: list[Row], total: int) -> None:
        super().__init__()
        self.generation, self.rows, self.total = generation, rows, total


class EntryLoaded(Message):
    def __init__(self, entry: EntryDetail) -> None:
        super().__init__()
        self.entry = entry


class EntryDeleted(Message):
    def __init__(self, entry_id: int) -> None:
        super().__init__()
        self.entry_id = entry_id


class ExportOffered(Message):
    def __init__(self, choice: ExportChoice, data_dir: Path) -> None:
        super().__init__()
        self.choice, self.data_dir = choice, data_dir


class Done(Message):
    """A background job finished with something to tell the person."""

    def __init__(self, text: str, severity: SeverityLevel = "information") -> None:
        super().__init__()
        self.text, self.severity = text, severity
