"""The speech models: which are here, which can be fetched, and a download with progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, ProgressBar, Static

from calm_voice.errors import CalmVoiceError
from calm_voice.safe_text import for_markup, for_terminal


@dataclass(frozen=True)
class ModelRow:
    name: str
    language: str
    size: str
    installed: bool
    active: bool = False


class ModelCatalog(Protocol):
    """What the dialog needs from the model store; downloads run in a worker thread."""

    def rows(self) -> list[ModelRow]: ...

    def look_online(self) -> None:
        """Fetch the current list of models, so rows() shows every model there is."""

    def download(self, name: str, progress: Callable[[int, int], None]) -> None:
        """Fetch and verify `name`; progress(done_bytes, total_bytes) as it goes."""


class ModelsScreen(ModalScreen[bool]):
    """Dismisses with True when a model was downloaded (it is used from the next start)."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("d", "download", "Download"),
        Binding("l", "look_online", "Look online"),
        Binding("enter", "download", "Download", show=False),
    ]

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ModelsScreen.Progress)

    class Listed(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    class Finished(Message):
        def __init__(self, name: str, error: str = "") -> None:
            super().__init__()
            self.name, self.error = name, error

    def __init__(self, catalog: ModelCatalog | None) -> None:
        super().__init__()
        self.catalog = catalog
        self.rows: list[ModelRow] = []
        self.downloading = ""
        self.downloaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="models-dialog", classes="dialog"):
            yield Static("Speech models", classes="dialog-title")
            yield DataTable(id="models-table", cursor_type="row")
            yield ProgressBar(id="models-progress", show_eta=False)
            yield Static("", id="models-status")
            yield Static("Choose one and press d to download it, or l to look online for "
                         "more. Escape to go back.", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Model", "Language", "Size", "Here?")
        self.query_one(ProgressBar).display = False
        if self.catalog is None:
            self.say("Model downloads are not available in this version. From a terminal: "
                     "calm-voice models download vosk-model-small-en-us-0.15")
            return
        self.refresh_rows()
        table.focus()

    def refresh_rows(self) -> None:
        assert self.catalog is not None
        try:
            self.rows = self.catalog.rows()
        except CalmVoiceError as error:
            self.say(str(error))
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            here = "in use" if row.active else ("yes" if row.installed else "—")
            table.add_row(Text(for_terminal(row.name)), Text(for_terminal(row.language)),
                          Text(for_terminal(row.size)), here, key=row.name)

    def say(self, text: str) -> None:
        self.query_one("#models-status", Static).update(for_markup(text))

    def action_download(self) -> None:
        table = self.query_one(DataTable)
        if self.catalog is None or self.downloading or not self.rows:
            return
        row = self.rows[table.cursor_row]
        if row.installed:
            self.say(f"{row.name} is already here.")
            return
        self.downloading = row.name
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.say(f"Downloading {row.name}… you can keep using calm-voice.")
        self.fetch(row.name)

    @work(thread=True, exclusive=True, group="model-download")
    def fetch(self, name: str) -> None:
        assert self.catalog is not None
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            self.catalog.download(name, progress)
        except CalmVoiceError as error:
            self.post_message(self.Finished(name, str(error)))
            return
        self.post_message(self.Finished(name))

    def action_look_online(self) -> None:
        if self.catalog is None or self.downloading:
            return
        self.say("Looking online for the list of models…")
        self.fetch_list()

    @work(thread=True, exclusive=True, group="model-list")
    def fetch_list(self) -> None:
        assert self.catalog is not None
        try:
            self.catalog.look_online()
        except CalmVoiceError as error:
            self.post_message(self.Listed(str(error)))
            return
        self.post_message(self.Listed())

    @on(Listed)
    def listed(self, message: Listed) -> None:
        if message.error:
            self.say(message.error)
            return
        self.refresh_rows()
        self.say(f"{len(self.rows)} models.")

    @on(Progress)
    def show_progress(self, message: Progress) -> None:
        self.query_one(ProgressBar).update(total=message.total or None, progress=message.done)

    @on(Finished)
    def finished(self, message: Finished) -> None:
        self.downloading = ""
        self.query_one(ProgressBar).display = False
        if message.error:
            self.say(message.error)
            return
        self.downloaded = True
        self.say(f"{message.name} is ready. It will be used the next time calm-voice starts.")
        self.refresh_rows()

    def action_close(self) -> None:
        self.dismiss(self.downloaded)
