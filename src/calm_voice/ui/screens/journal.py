"""The journal review screen: entries by date or step, search as you type, the transcript with
times and unsure words, replay of an entry or one word, corrections, deletion and export.

All SQLite and audio work runs in thread workers, each with its own store from `store_factory`;
workers only post the messages of `journal_messages`, and the handlers here own the widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from calm_voice.errors import CalmVoiceError
from calm_voice.guide import Guide
from calm_voice.journal import JournalStore
from calm_voice.journal.export import write_private
from calm_voice.journal.export_choice import (
    ExportChoice,
    export_file_name,
    export_folder,
    load_choice,
    save_choice,
)
from calm_voice.journal.player import ClipPlayer
from calm_voice.journal.records import Clip, EntryDetail, short_time
from calm_voice.safe_text import for_markup, for_terminal
from calm_voice.ui.screens.journal_messages import (
    Done,
    EntryDeleted,
    EntryLoaded,
    ExportOffered,
    RowsLoaded,
)
from calm_voice.ui.widgets.journal_dialogs import (
    ConfirmDeleteDialog,
    EditUtteranceDialog,
    ExportDialog,
)
from calm_voice.ui.widgets.journal_rows import Row, hit_text
from calm_voice.ui.widgets.journal_transcript import JournalTranscript

PAGE_SIZE = 200
"""Rows fetched at a time; the next page loads as the cursor nears the end of what is shown."""
PAGE_AHEAD = 50
SEARCH_DEBOUNCE = 0.25
ENTRY_DEBOUNCE = 0.08
SEARCH_LIMIT = 500


class JournalScreen(Screen[None]):
    DEFAULT_CSS = """
    JournalScreen #journal-search { dock: top; margin: 0 1; }
    JournalScreen #journal-body { height: 1fr; }
    JournalScreen #journal-list { width: 3fr; height: 1fr; }
    JournalScreen #journal-side { width: 2fr; border-left: solid $primary; padding: 0 1; }
    JournalScreen #journal-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("s", "toggle_order", "Order"),
        Binding("p", "play_entry", "Play"),
        Binding("w", "play_word", "Play word", show=False),  # 80 columns fit the rest
        Binding("left_square_bracket", "word(-1)", "◂ word", show=False),
        Binding("right_square_bracket", "word(1)", "word ▸", show=False),
        Binding("space", "stop", "Stop", show=False),
        Binding("e", "edit", "Correct"),
        Binding("d", "delete", "Delete"),
        Binding("x", "export", "Export"),
    ]

    def __init__(self, store_factory: Callable[[], JournalStore], guide: Guide, *,
                 output_device: str | int | None = None,
                 say: Callable[[str, str], None] | None = None) -> None:
        super().__init__()
        self.say = say
        """Hands a notice on to be said aloud too; it must only enqueue."""
        self.store_factory = store_factory
        self.guide = guide
        self.player = ClipPlayer(output_device)
        self.by_step = False
        self.query_text = ""
        self.generation = 0
        self.loaded = 0
        self.total = 0
        self.fetching = False
        """A page of rows is being read (not `loading`: that is Textual's own, and covers the
        screen with a spinner that takes the focus away)."""
        self._search_timer: Timer | None = None
        self._entry_timer: Timer | None = None
        self._titles = {step.id: step.title for step in guide.steps}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search what you said (press / to come back here)",
                    id="journal-search")
        with Horizontal(id="journal-body"):
            yield DataTable(id="journal-list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="journal-side"):
                yield JournalTranscript(self.guide, id="journal-transcript")
        yield Static("", id="journal-status")
        yield Footer()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#journal-list", DataTable)

    @property
    def transcript(self) -> JournalTranscript:
        return self.query_one(JournalTranscript)

    def on_mount(self) -> None:
        # What was said comes before the step, so a narrow terminal still shows it.
        self.table.add_column("When", key="when")
        self.table.add_column("What you said", key="said")
        self.table.add_column("Step", key="step")
        self.table.focus()
        self.reload()

    def on_unmount(self) -> None:
        self.player.stop()

    # -- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        self.generation += 1
        self.loaded = self.total = 0
        self.table.clear()
        self.transcript.entry = None
        self.fetching = True
        self.fetch_rows(self.generation, 0, self.query_text, self.by_step)

    @work(thread=True, group="journal-list")
    def fetch_rows(self, generation: int, offset: int, query: str, by_step: bool) -> None:
        try:
            with self.store_factory() as store:
                if query:
                    rows, seen = [], set()
                    for hit in store.search(query, SEARCH_LIMIT):
                        if hit.entry_id not in seen:
                            seen.add(hit.entry_id)
                            rows.append(Row(hit.entry_id, hit.created, hit.step,
                                            hit_text(hit.text, query), hit.step_title))
                    total = len(rows)
                else:
                    order = [step.id for step in self.guide.steps] if by_step else None
                    rows = [Row(e.id, e.created, e.step, Text(for_terminal(e.preview)),
                                e.step_title)
                            for e in store.list_entries(offset, PAGE_SIZE, step_order=order)]
                    total = store.count_entries()
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))
            rows, total = [], 0
        self.post_message(RowsLoaded(generation, rows, total))

    @on(RowsLoaded)
    def show_rows(self, message: RowsLoaded) -> None:
        if message.generation != self.generation:
            return
        self.fetching = False
        first_page = self.loaded == 0
        for row in message.rows:
            title = row.step_title or self._titles.get(row.step, row.step)
            self.table.add_row(short_time(row.created), row.said,  # Text: never read as markup
                               Text(for_terminal(title)), key=str(row.entry_id))
        self.loaded += len(message.rows)
        self.total = message.total
        self.show_status()
        if first_page and message.rows:
            self.table.move_cursor(row=0)
            self.fetch_entry(message.rows[0].entry_id)

    def show_status(self, extra: str = "") -> None:
        what = f"“{self.query_text}”: {self.total} found" if self.query_text else (
            f"{self.total} entr{'y' if self.total == 1 else 'ies'}, "
            f"{'by step' if self.by_step else 'newest first'}")
        self.query_one("#journal-status", Static).update(for_markup(f"{what}  {extra}".rstrip()))

    @on(DataTable.RowHighlighted, "#journal-list")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._entry_timer is not None:
            self._entry_timer.stop()
        if event.row_key.value is not None:
            # While the cursor races through the list, only the row it stops on is read.
            entry_id = int(event.row_key.value)
            self._entry_timer = self.set_timer(ENTRY_DEBOUNCE,
                                               lambda: self.fetch_entry(entry_id))
        near_end = event.cursor_row >= self.loaded - PAGE_AHEAD
        if near_end and not self.fetching and not self.query_text and self.loaded < self.total:
            self.fetching = True
            self.fetch_rows(self.generation, self.loaded, "", self.by_step)

    @on(Input.Changed, "#journal-search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self.run_search(value))

    def run_search(self, value: str) -> None:
        if value != self.query_text:
            self.query_text = value
            self.transcript.search = value
            self.reload()

    # -- one entry ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="journal-entry")
    def fetch_entry(self, entry_id: int) -> None:
        try:
            with self.store_factory() as store:
                self.post_message(EntryLoaded(store.get_entry(entry_id)))
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))

    @on(EntryLoaded)
    def show_entry(self, message: EntryLoaded) -> None:
        if self.current_entry_id() == message.entry.id:
            keep = self.transcript.cursor if self._same_entry(message.entry) else 0
            self.transcript.entry = message.entry
            self.transcript.cursor = keep

    def _same_entry(self, entry: EntryDetail) -> bool:
        shown = self.transcript.entry
        return shown is not None and shown.id == entry.id

    def current_entry_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    # -- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        search = self.query_one("#journal-search", Input)
        if search.value:
            search.value = ""
            self.run_search("")
            self.table.focus()
        else:
            self.player.stop()
            self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#journal-search", Input).focus()

    def action_toggle_order(self) -> None:
        self.by_step = not self.by_step
        self.reload()

    def action_word(self, step: int) -> None:
        self.transcript.action_move(step)

    def action_stop(self) -> None:
        self.player.stop()

    def action_play_entry(self) -> None:
        entry_id = self.current_entry_id()
        if entry_id is not None:
            self.play(lambda store: store.entry_audio(entry_id))

    def action_play_word(self) -> None:
        selected = self.transcript.selected
        if selected is not None:
            utterance_id, index = selected
            self.play(lambda store: store.word_audio(utterance_id, index))

    @work(thread=True, exclusive=True, group="journal-play")
    def play(self, fetch: Callable[[JournalStore], Clip | None]) -> None:
        try:
            with self.store_factory() as store:
                clip = fetch(store)
            if clip is None:
                self.post_message(Done("No recording was kept for this.", "warning"))
                return
            self.player.play(clip)
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))

    def action_edit(self) -> None:
        entry, index = self.transcript.entry, self.transcript.selected_utterance
        if entry is None or index is None:
            return
        utterance = entry.utterances[index]

        def save(text: str | None) -> None:
            if text is not None and text.strip() and text.strip() != utterance.text:
                self.save_edit(entry.id, utterance.id, text)

        self.app.push_screen(EditUtteranceDialog(utterance.text, utterance.heard_text), save)

    @work(thread=True, group="journal-write")
    def save_edit(self, entry_id: int, utterance_id: int, text: str) -> None:
        try:
            with self.store_factory() as store:
                store.edit_utterance(utterance_id, text)
                entry = store.get_entry(entry_id)
            self.post_message(EntryLoaded(entry))
            self.post_message(Done("Your correction is saved; what was heard is kept too."))
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))

    def action_delete(self) -> None:
        entry = self.transcript.entry
        if entry is None or entry.id != self.current_entry_id():
            return

        def answer(delete: bool | None) -> None:
            if delete:
                self.delete_entry(entry.id)

        self.app.push_screen(ConfirmDeleteDialog(f"the entry from {short_time(entry.created)}"),
                             answer)

    @work(thread=True, group="journal-write")
    def delete_entry(self, entry_id: int) -> None:
        try:
            with self.store_factory() as store:
                store.delete_entry(entry_id)
            self.post_message(EntryDeleted(entry_id))
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))

    @on(EntryDeleted)
    def entry_deleted(self, message: EntryDeleted) -> None:
        self.table.remove_row(str(message.entry_id))
        self.loaded -= 1
        self.total -= 1
        self.transcript.entry = None
        self.show_status()
        self.notify("The entry and its recording were deleted.")
        current = self.current_entry_id()
        if current is not None:
            self.fetch_entry(current)

    def action_export(self) -> None:
        self.offer_export()

    @work(thread=True, group="journal-write")
    def offer_export(self) -> None:
        """Read the last choice off the event loop, then ask."""
        try:
            with self.store_factory() as store:
                data_dir = store.db_path.parent
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))
            return
        self.post_message(ExportOffered(load_choice(data_dir), data_dir))

    @on(ExportOffered)
    def ask_export(self, message: ExportOffered) -> None:
        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export_journal(choice, message.data_dir)

        self.app.push_screen(ExportDialog(message.choice, str(message.data_dir / "exports")),
                             chosen)

    @work(thread=True, group="journal-write")
    def export_journal(self, choice: ExportChoice, data_dir: Path) -> None:
        try:
            folder = export_folder(choice, data_dir)
            with self.store_factory() as store:
                text = store.export(choice.format, self.guide)
            path = folder / export_file_name(choice, datetime.now())
            write_private(path, text, "Choose another folder, or free some space, and try again.")
            save_choice(data_dir, choice)
            self.post_message(Done(f"The journal was exported to {path}"))
        except CalmVoiceError as exc:
            self.post_message(Done(str(exc), "error"))

    @on(Done)
    def tell(self, message: Done) -> None:
        self.notify(for_markup(message.text), severity=message.severity,
                    timeout=8 if message.severity == "error" else 4)
        if self.say is not None:
            self.say(message.text, message.severity)
