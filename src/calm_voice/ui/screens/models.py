"""The speech models: which are here, which can be fetched (a download with progress), one
brought on a USB stick installed from its path, and which one to use."""

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
from textual.widgets import DataTable, Input, ProgressBar, Static

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

    def install(self, source: str) -> str:
        """Install the model in a zip file or folder (with the download's checks); its name."""

    def use(self, name: str) -> None:
        """Remember an installed model as the one to use from the next start."""


RESTART = "quit with q and open calm-voice again to use it."


class ModelsScreen(ModalScreen[bool]):
    """Dismisses with True when a model was downloaded, installed or chosen: the recogniser
    takes it up at the next start."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("u", "use", "Use"),
        Binding("d", "download", "Download"),
        Binding("i", "install", "Install from a file"),
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
        """A download, an install or a choice is over; error is empty when it worked."""

        def __init__(self, name: str, error: str = "", chosen: bool = False) -> None:
            super().__init__()
            self.name, self.error, self.chosen = name, error, chosen

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
            yield Input(id="models-path", placeholder="The model's .zip file or folder, e.g. "
                        "/media/usb/vosk-model-small-en-us-0.15.zip")
            yield Static("", id="models-status")
            yield Static("Choose one: u to use it, d to download it. i installs one from a "
                         "file (a USB stick), l looks online for more. Escape to go back.",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Model", "Language", "Size", "Here?")
        self.query_one(ProgressBar).display = False
        self.query_one(Input).display = False
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
            self.say(f"{row.name} is already here; press u to use it.")
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

    def action_use(self) -> None:
        if self.catalog is None or not self.rows:
            return
        row = self.rows[self.query_one(DataTable).cursor_row]
        if row.active:
            self.say(f"{row.name} is the one in use.")
        elif not row.installed:
            self.say(f"{row.name} is not here yet; press d to download it first.")
        else:
            self.choose(row.name)

    @work(thread=True, exclusive=True, group="model-use")
    def choose(self, name: str) -> None:
        assert self.catalog is not None
        try:
            self.catalog.use(name)
        except CalmVoiceError as error:
            self.post_message(self.Finished(name, str(error)))
            return
        self.post_message(self.Finished(name, chosen=True))

    def action_install(self) -> None:
        if self.catalog is None or self.downloading:
            return
        path = self.query_one(Input)
        path.display = True
        path.focus()
        self.say("Type the path of the model's .zip file or folder and press Enter.")

    @on(Input.Submitted, "#models-path")
    def install_submitted(self, event: Input.Submitted) -> None:
        source = event.value.strip()
        if not source or self.downloading:
            return
        self.downloading = source
        event.input.display = False
        self.query_one(DataTable).focus()
        self.say("Installing and checking the model… you can keep using calm-voice.")
        self.install_from(source)

    @work(thread=True, exclusive=True, group="model-download")
    def install_from(self, source: str) -> None:
        assert self.catalog is not None
        try:
            name = self.catalog.install(source)
        except CalmVoiceError as error:
            self.post_message(self.Finished(source, str(error)))
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
        if not message.chosen:
            self.downloading = ""
        self.query_one(ProgressBar).display = False
        if message.error:
            self.say(message.error)
            return
        self.downloaded = True
        self.refresh_rows()
        if message.chosen:
            self.say(f"{message.name} is chosen: {RESTART}")
            return
        self.say(f"{message.name} is ready. Press u to choose it, then {RESTART}")
        names = [row.name for row in self.rows]
        if message.name in names:
            self.query_one(DataTable).move_cursor(row=names.index(message.name))

    def action_close(self) -> None:
        self.dismiss(self.downloaded)
