"""Reading the journal back: search hits whole and marked, the keys after `s`, the export choice,
and dialogs that fit 80x24; on a real journal file, through Pilot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, RadioSet

from calm_voice.guide import Guide, load_guide
from calm_voice.journal.export_choice import CHOICE_FILE
from calm_voice.paths import default_guide_path
from calm_voice.ui.screens.journal_messages import Done
from calm_voice.ui.widgets.journal_dialogs import ConfirmDeleteDialog, ExportDialog
from calm_voice.ui.widgets.journal_rows import MATCH_STYLE
from calm_voice.ui.widgets.journal_transcript import MATCH_STYLE as WORD_MATCH_STYLE
from calm_voice.ui.widgets.journal_transcript import JournalTranscript
from tests.ui.helpers import press_and_settle, screen_text, settle, settled_run, synchronous
from tests.ui.test_journal_screen import JournalApp, factory_for, said

GUIDE = load_guide(default_guide_path())
SAYINGS = (
    ("reason-1", "reason-1-pressures", "I never told him how lonely I felt at night"),
    ("intro", "intro-how-feeling", "그는 요즘 바빠요"),
    ("reason-2", "reason-2-safe", "[bold]never[/bold] is a word I use too much"),
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def seed_sayings(data: Path, guide: Guide) -> None:
    """A journal file that holds SAYINGS, under `guide`."""
    with factory_for(data)() as store:
        for step, prompt, text in SAYINGS:
            entry = store.open_entry(guide.id, step, prompt, "en", "m")
            store.add_utterance(entry, said(text))
            store.close_entry(entry)


def journal_of_sayings(data: Path) -> JournalApp:
    """The journal screen on a journal file that holds SAYINGS."""
    seed_sayings(data, GUIDE)
    return JournalApp(factory_for(data), GUIDE)


def said_cells(app: JournalApp) -> list[Text]:
    table = app.screen.query_one("#journal-list", DataTable)
    cells = [table.get_row_at(i)[1] for i in range(table.row_count)]
    assert all(isinstance(cell, Text) for cell in cells)
    return cells


def marked(cell: Text) -> list[str]:
    return [cell.plain[s.start:s.end] for s in cell.spans if str(s.style) == MATCH_STYLE]


async def search(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.pause(0.4)
    await settle(pilot)


async def open_export(pilot: Pilot[Any]) -> ExportDialog:
    await press_and_settle(pilot, "x")
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


@synchronous
async def test_english_and_korean_hits_show_every_word_with_the_match_marked(data: Path) -> None:
    app = journal_of_sayings(data)
    async with settled_run(app, (120, 36)) as pilot:
        await search(pilot, "never")
        cells = said_cells(app)
        assert [c.plain for c in cells] == [SAYINGS[2][2], SAYINGS[0][2]]  # newest first
        assert [marked(c) for c in cells] == [["never"], ["never"]]
        transcript = app.screen.query_one(JournalTranscript)
        words = transcript.render_entry()
        assert [words.plain[s.start:s.end] for s in words.spans
                if WORD_MATCH_STYLE in str(s.style)] == ["never"]
        await press_and_settle(pilot, "escape")
        await search(pilot, "요즘")
        [korean] = said_cells(app)
        assert korean.plain == "그는 요즘 바빠요" and marked(korean) == ["요즘"]


@synchronous
async def test_after_s_the_slash_opens_the_search_without_typing_into_it(data: Path) -> None:
    app = journal_of_sayings(data)
    async with settled_run(app, (80, 24)) as pilot:
        await press_and_settle(pilot, "s")
        assert isinstance(app.focused, DataTable)
        await pilot.press("slash")
        await pilot.pause()
        search_box = app.screen.query_one("#journal-search", Input)
        assert app.focused is search_box and search_box.value == ""


@synchronous
async def test_export_asks_format_and_folder_and_remembers_them(
        data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my exports"
    seen: list[Message] = []
    app = journal_of_sayings(data)
    async with settled_run(app, (80, 24), message_hook=seen.append) as pilot:
        await open_export(pilot)
        # JSON, then a folder
        await press_and_settle(pilot, "down", "enter", "tab", *str(folder), "enter")
        [written] = folder.glob("journal-*.json")
        document = json.loads(written.read_text(encoding="utf-8"))
        assert [e["prompt_text"] for e in document["entries"]][0] == (
            "What pressures might your partner be carrying right now?")
        assert written.stat().st_mode & 0o777 == 0o600
        assert any(isinstance(m, Done) and str(written) in m.text for m in seen)

        dialog = await open_export(pilot)
        pressed = dialog.query_one(RadioSet).pressed_button
        assert pressed is not None and pressed.name == "json"
        assert dialog.query_one("#export-folder", Input).value == str(folder)
        await press_and_settle(pilot, "escape")
        assert not isinstance(app.screen, ExportDialog)
    assert len(list(folder.glob("journal-*"))) == 1
    remembered = json.loads((data / CHOICE_FILE).read_text(encoding="utf-8"))
    assert remembered == {"format": "json", "folder": str(folder)}


@synchronous
async def test_an_export_folder_that_is_a_file_is_a_clear_error(
        data: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("keep me", encoding="utf-8")
    seen: list[Message] = []
    app = journal_of_sayings(data)
    async with settled_run(app, (80, 24), message_hook=seen.append) as pilot:
        await open_export(pilot)
        await press_and_settle(pilot, "tab", *str(not_a_folder), "enter")
    done = {id(m): m for m in seen if isinstance(m, Done)}  # seen as it bubbles
    errors = [m.text for m in done.values() if m.severity == "error"]
    assert errors == [f"{not_a_folder} is a file, not a folder. Choose a folder to export into, "
                      "e.g. ~/Documents."]
    assert not_a_folder.read_text(encoding="utf-8") == "keep me"
    assert not (data / CHOICE_FILE).exists()  # a choice that failed is not remembered


@synchronous
async def test_the_delete_dialog_shows_all_its_words_at_80x24(data: Path) -> None:
    app = journal_of_sayings(data)
    async with settled_run(app, (80, 24)) as pilot:
        await press_and_settle(pilot, "d")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDeleteDialog)
        label = dialog.query_one(Label)
        assert "This cannot be undone." in str(label.render())
        box = label.parent
        assert box is not None and dialog.region.contains_region(box.region)
        assert label.region.height >= 2  # wrapped, not cut at the box's edge
        assert box.region.contains_region(label.region)


def format_lines(app: App[object]) -> list[str]:
    return [line for line in screen_text(app).splitlines() if "Markdown (" in line
            or "JSON (" in line]


@synchronous
async def test_the_export_format_chosen_reads_without_colour(data: Path) -> None:
    """On the plain text of the screen (no colours at all) the choice is still plain."""
    app = journal_of_sayings(data)
    async with settled_run(app, (80, 24)) as pilot:
        await open_export(pilot)
        markdown, json_line = format_lines(app)
        assert "▐●▌ Markdown" in markdown and "(chosen)" in markdown
        assert "▐ ▌ JSON" in json_line and "(chosen)" not in json_line
        await press_and_settle(pilot, "down", "enter")
        markdown, json_line = format_lines(app)
        assert "▐●▌ JSON" in json_line and "(chosen)" in json_line
        assert "▐ ▌ Markdown" in markdown and "(chosen)" not in markdown
        await pilot.press("escape")
