"""Snapshots of the journal screen at 80x24, 120x36 and 200x50: the list, a search with its
matches marked, the export choice and the delete dialog; on a real journal with fixed times."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.ui.widgets.journal_dialogs import ExportDialog
from tests.ui.test_journal_review import seed_sayings
from tests.ui.test_journal_screen import JournalApp, factory_for, settle

GUIDE = load_guide(default_guide_path())
SIZES = [(80, 24), (120, 36), (200, 50)]
SHOWN_FOLDER = "/home/you/.local/share/calm-voice/exports"
"""Stands in for the test's own temporary folder, so the picture is the same on every run."""


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times are shown in local time: the pictures are taken in UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def journal_app(tmp_path: Path) -> JournalApp:
    data = tmp_path / "data"
    seed_sayings(data, GUIDE)
    with sqlite3.connect(data / "journal.sqlite3") as conn:
        conn.execute("UPDATE entries SET created = '2026-03-14T09:' || (10 + id) || ':00+00:00'")
        conn.execute("UPDATE utterances SET created = "
                     "'2026-03-14T09:' || (10 + entry_id) || ':05+00:00'")
    return JournalApp(factory_for(data), GUIDE)


def run_then(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.4)  # the search waits for typing to pause
        await settle(pilot)
        if isinstance(pilot.app.screen, ExportDialog):
            pilot.app.screen.query_one("#export-folder", Input).placeholder = SHOWN_FOLDER
            await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_journal_list(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(journal_app(tmp_path), terminal_size=size, run_before=run_then())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_journal_search_marks_matches(snap_compare: Any, tmp_path: Path,
                                      size: tuple[int, int]) -> None:
    assert snap_compare(journal_app(tmp_path), terminal_size=size,
                        run_before=run_then("slash", *"never", "tab"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_journal_export_choice(snap_compare: Any, tmp_path: Path,
                               size: tuple[int, int]) -> None:
    assert snap_compare(journal_app(tmp_path), terminal_size=size, run_before=run_then("x"))


def test_journal_delete_dialog_fits_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(journal_app(tmp_path), terminal_size=(80, 24), run_before=run_then("d"))
