"""Each entry keeps its step title and question: an older journal gains them without losing a row,
and `journal show` and exports read the same whichever guide is loaded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from calm_voice.cli import main
from calm_voice.config import load_settings
from calm_voice.events import Final, Word
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.journal.schema import _V1, _V2, SCHEMA_VERSION
from calm_voice.paths import default_guide_path
from calm_voice.runtime.journal_effects import apply_journal
from calm_voice.session.effects import OpenEntry
from calm_voice.session.inputs import EntryOpened

KOREAN_GUIDE = Path(__file__).resolve().parents[1] / "data" / "guide.ko.yaml"
GUIDE = load_guide(default_guide_path())


def said(text: str) -> Final:
    return Final(text, tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9)
                             for i, w in enumerate(text.split())), 0.0, 1.0)


def test_a_version_two_journal_keeps_every_row_and_falls_back_to_the_guide(
        tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    tmp_path.chmod(0o700)
    with sqlite3.connect(db, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(_V1 + _V2 + "PRAGMA user_version = 2;")
        for entry in range(1, 201):
            closed = "NULL" if entry == 200 else "'2026-01-01T00:01:00+00:00'"
            conn.execute("INSERT INTO entries (id, created, closed, guide, step, prompt, "
                         f"language, model) VALUES (?, '2026-01-01T00:00:00+00:00', {closed}, "
                         "'his-distance', 'reason-1', 'reason-1-pressures', 'en', 'm')",
                         (entry,))
            for part in range(3):
                conn.execute("INSERT INTO utterances (entry_id, created, text, words, "
                             "word_count, confidence, start, \"end\") VALUES (?, "
                             "'2026-01-01T00:00:30+00:00', ?, '[]', 3, 0.9, 0, 1)",
                             (entry, f"old words {entry} {part}"))
    with JournalStore(db, tmp_path / "audio") as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store._conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 200
        assert store._conn.execute("SELECT count(*) FROM utterances").fetchone()[0] == 600
        old = store.get_entry(7)
        assert [u.text for u in old.utterances] == [f"old words 7 {p}" for p in range(3)]
        assert old.step_title is None and old.prompt_text is None
        assert len(store.search("old 123")) == 3
        markdown = store.export("md", GUIDE)
    assert "> *What pressures might your partner be carrying right now?*" in markdown
    assert "Other entries" not in markdown and "old words 200 2" in markdown


def test_show_and_export_read_the_kept_question_whatever_guide_is_loaded(
        calm_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with JournalStore.from_settings(load_settings()) as store:
        effect = OpenEntry("reason-1", "reason-1-pressures", "m")
        opened = apply_journal(effect, store, GUIDE)
        assert isinstance(opened, EntryOpened) and opened.entry_id is not None
        entry_id = opened.entry_id
        store.add_utterance(entry_id, said("work has been heavy"))
        store.close_entry(entry_id)
    (calm_home / "config").mkdir(parents=True, exist_ok=True)
    (calm_home / "config" / "config.yaml").write_text(f"guide: {KOREAN_GUIDE}\n",
                                                      encoding="utf-8")
    assert main(["journal", "show", str(entry_id)]) == 0
    shown = capsys.readouterr().out
    assert "Prompt: What pressures might your partner be carrying right now?" in shown
    assert "step Personal Struggles and Stress (reason-1)" in shown
    assert main(["journal", "export", "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "Other entries" not in markdown and "## his-distance" in markdown
    assert "> *What pressures might your partner be carrying right now?*" in markdown
    assert "reason-1-pressures" not in markdown
