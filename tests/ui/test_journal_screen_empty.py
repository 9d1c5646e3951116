"""The journal screen follows the journal's one empty-entry rule: an entry in which nothing was
said (yet) is not listed, exactly as `calm-voice journal list` does not list it."""

from __future__ import annotations

from pathlib import Path

from calm_voice.guide import Guide
from tests.ui.helpers import synchronous
from tests.ui.test_journal_screen import JournalApp, factory_for, guide, rows, seed, settle

__all__ = ["guide"]  # the fixture, shared with the screen's other tests


@synchronous
async def test_an_entry_with_nothing_said_is_not_listed(tmp_path: Path, guide: Guide) -> None:
    data = tmp_path / "data"
    seed(data)
    with factory_for(data)() as store:
        store.open_entry("his-distance", "intro", "intro-how-feeling", "en", "m")  # being spoken
        assert store.count_entries() == 3
    app = JournalApp(factory_for(data), guide)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert len(rows(app)) == 3
