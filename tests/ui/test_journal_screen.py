"""The journal screen through Textual's Pilot, on a real journal file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from calm_voice.events import Final, Word
from calm_voice.guide import Guide, load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from calm_voice.ui.screens.journal import ENTRY_DEBOUNCE, PAGE_SIZE, JournalScreen
from calm_voice.ui.screens.journal_messages import Done
from calm_voice.ui.widgets.journal_dialogs import (
    ConfirmDeleteDialog,
    EditUtteranceDialog,
    ExportDialog,
)
from calm_voice.ui.widgets.journal_transcript import CURSOR_STYLE, LOW_STYLE, JournalTranscript
from tests.ui.helpers import synchronous


class JournalApp(App[None]):
    def __init__(self, factory: Callable[[], JournalStore], guide: Guide,
                 output_device: str | None = None) -> None:
        super().__init__()
        self.factory, self.guide, self.output_device = factory, guide, output_device

    def on_mount(self) -> None:
        self.push_screen(JournalScreen(self.factory, self.guide,
                                       output_device=self.output_device))


@pytest.fixture
def guide() -> Guide:
    return load_guide(default_guide_path())


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def factory_for(data: Path) -> Callable[[], JournalStore]:
    return lambda: JournalStore(data / "journal.sqlite3", data / "audio")


def said(text: str, confs: tuple[float, ...] = ()) -> Final:
    words = tuple(Word(w, 0.5 * i, 0.5 * i + 0.4, confs[i] if i < len(confs) else 0.9)
                  for i, w in enumerate(text.split()))
    return Final(text, words, words[0].start, words[-1].end)


def seed(data: Path) -> list[int]:
    with factory_for(data)() as store:
        ids = []
        for step, prompt, text, confs in (
                ("reason-1", "reason-1-pressures", "work keeps him busy", (0.9, 0.3)),
                ("intro", "intro-how-feeling", "I feel a little lost", ()),
                ("reason-2", "reason-2-safe", "he opened up on holiday", ())):
            entry = store.open_entry("his-distance", step, prompt, "en", "m")
            store.add_utterance(entry, said(text, confs), b"\x10\x00" * 16000, 16000)
            store.close_entry(entry)
            ids.append(entry)
        return ids


async def settle(pilot: object) -> None:
    """Let debounce timers fire, then wait for every worker and the messages they posted."""
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.pause(2 * ENTRY_DEBOUNCE)  # type: ignore[attr-defined]
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def rows(app: App[None]) -> list[str]:
    table = app.screen.query_one("#journal-list", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


@synchronous
async def test_lists_newest_first_and_shows_the_transcript(data: Path, guide: Guide) -> None:
    seed(data)
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert rows(app) == ["he opened up on holiday", "I feel a little lost",
                             "work keeps him busy"]
        transcript = app.screen.query_one(JournalTranscript)
        assert transcript.entry is not None and transcript.entry.step == "reason-2"
        await pilot.press("down", "down")
        await settle(pilot)
        text = transcript.render_entry()
        assert "What pressures might your partner be carrying right now?" in text.plain
        assert "+0:00.0" in text.plain
        styled = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
        assert styled["keeps"] == LOW_STYLE  # conf 0.3
        assert "work keeps? him busy" in text.plain  # marked, not by colour alone
        assert styled["work"] == CURSOR_STYLE  # the word cursor starts on the first word
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert transcript.selected == (transcript.entry.utterances[0].id, 2)
        status = app.screen.query_one("#journal-status", Static)
        assert "3 entries, newest first" in str(status.render())
        await pilot.press("s")
        await settle(pilot)
        assert rows(app)[0] == "I feel a little lost"  # the introduction comes first by step


@synchronous
async def test_search_as_you_type_and_escape_clears(data: Path, guide: Guide) -> None:
    seed(data)
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"hol")
        assert app.screen.query_one("#journal-search", Input).value == "hol"
        await pilot.pause(0.4)
        await settle(pilot)
        assert rows(app) == ["he opened up on holiday"]
        await pilot.press("backspace", "backspace", "backspace", *'"(*')  # FTS syntax is inert
        await pilot.pause(0.4)
        await settle(pilot)
        assert rows(app) == []
        await pilot.press("escape")
        await pilot.pause(0.4)
        await settle(pilot)
        assert len(rows(app)) == 3


@synchronous
async def test_edit_keeps_the_original(data: Path, guide: Guide) -> None:
    ids = seed(data)
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditUtteranceDialog)
        app.screen.query_one(Input).value = "he opened up on our holiday"
        await pilot.press("enter")
        await settle(pilot)
        transcript = app.screen.query_one(JournalTranscript)
        assert "(corrected)" in transcript.render_entry().plain
        await pilot.press("e", "escape")  # cancelling changes nothing
        await settle(pilot)
    with factory_for(data)() as store:
        [utterance] = store.get_entry(ids[2]).utterances
    assert utterance.text == "he opened up on our holiday"
    assert utterance.original_text == "he opened up on holiday"


@synchronous
async def test_delete_asks_then_removes_entry_and_audio(data: Path, guide: Guide) -> None:
    ids = seed(data)
    [audio] = (data / "audio").glob(f"entry-{ids[2]}-*.wav")
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDeleteDialog)
        await pilot.press("n")
        await settle(pilot)
        assert audio.exists() and len(rows(app)) == 3
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert rows(app) == ["I feel a little lost", "work keeps him busy"]
        transcript = app.screen.query_one(JournalTranscript)
        assert transcript.entry is not None and transcript.entry.id == ids[1]
    assert not audio.exists()
    with factory_for(data)() as store:
        assert [e.id for e in store.list_entries()] == ids[1::-1]


@synchronous
async def test_export_writes_markdown_to_the_exports_folder(data: Path, guide: Guide) -> None:
    seed(data)
    seen: list[Message] = []
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("tab", "enter")  # to the folder box (empty: the default), then go
        await settle(pilot)
    [path] = (data / "exports").glob("journal-*.md")
    text = path.read_text(encoding="utf-8")
    assert "## Reasons Behind His Distance" in text and "work keeps him busy" in text
    assert any(isinstance(m, Done) and str(path) in m.text for m in seen)


@synchronous
async def test_a_damaged_journal_is_a_notice_not_a_crash(data: Path, guide: Guide) -> None:
    data.mkdir(parents=True)
    (data / "journal.sqlite3").write_bytes(b"not sqlite" * 500)
    seen: list[Message] = []
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, JournalScreen)
        problems = [m for m in seen if isinstance(m, Done)]
        assert problems and problems[0].severity == "error" and "damaged" in problems[0].text


@synchronous
async def test_ten_thousand_entries_load_a_page_at_a_time(data: Path, guide: Guide) -> None:
    with factory_for(data)() as store, store.batch():
        for i in range(10_000):
            entry = store.open_entry("his-distance", guide.steps[i % 5].id, "p", "en", "m")
            store.add_utterance(entry, said(f"entry {i} said something"))
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#journal-list", DataTable)
        assert table.row_count == PAGE_SIZE
        assert "10000 entries" in str(app.screen.query_one("#journal-status", Static).render())
        for _ in range(6):
            await pilot.press("pagedown")
            await settle(pilot)
        assert table.row_count >= 2 * PAGE_SIZE
        assert rows(app)[PAGE_SIZE] == f"entry {9999 - PAGE_SIZE} said something"


@synchronous
async def test_no_speaker_is_a_notice_not_a_crash(data: Path, guide: Guide) -> None:
    seed(data)
    seen: list[Message] = []
    app = JournalApp(factory_for(data), guide, output_device="no speaker called this")
    async with app.run_test(size=(140, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, JournalScreen)
    problems = [m for m in seen if isinstance(m, Done) and m.severity == "error"]
    assert problems and "speaker" in problems[0].text.lower()
