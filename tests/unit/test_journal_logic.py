"""Pure logic of the journal: FTS query building, Markdown grouping, low confidence, resampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from calm_voice.events import Word
from calm_voice.guide import load_guide
from calm_voice.journal import LOW_CONFIDENCE, is_low_confidence
from calm_voice.journal.audio import resample
from calm_voice.journal.export import to_markdown
from calm_voice.journal.queries import fts_query
from calm_voice.journal.records import EntryDetail, UtteranceRecord
from calm_voice.paths import default_guide_path


def test_fts_query_quotes_every_word_as_a_prefix_and_drops_syntax() -> None:
    assert fts_query('he said "NEAR(a b)" OR -x*') == '"he"* "said"* "NEAR"* "a"* "b"* "OR"* "x"*'
    assert fts_query('"*^:()') == ""
    assert fts_query("괜찮아요 그래") == '"괜찮아요"* "그래"*'


def test_low_confidence_threshold() -> None:
    assert LOW_CONFIDENCE == 0.6
    assert is_low_confidence(Word("maybe", 0, 1, 0.59))
    assert not is_low_confidence(Word("maybe", 0, 1, 0.6))


def test_resample_keeps_duration_and_shape() -> None:
    tone = (np.sin(np.arange(22050) * 2 * np.pi * 200 / 22050) * 10000).astype(np.int16)
    out = np.frombuffer(resample(tone.tobytes(), 22050, 16000), dtype=np.int16)
    assert len(out) == 16000
    assert abs(int(np.abs(out).max()) - 10000) < 200


def _utterance(uid: int, entry: int, text: str, original: str | None = None) -> UtteranceRecord:
    return UtteranceRecord(uid, entry, "2026-01-02T10:00:05+00:00", text, original,
                           None if original is None else "2026-01-03T10:00:00+00:00",
                           (Word(text.split()[0], 0.1, 0.4, 0.9),), 0.1, 0.4, 0.9, False)


def _entry(eid: int, step: str, prompt: str, *utterances: UtteranceRecord) -> EntryDetail:
    return EntryDetail(eid, "2026-01-02T10:00:00+00:00", None, "his-distance", step, prompt,
                       "en", "m", utterances, None)


def test_markdown_groups_by_part_then_step_in_guide_order_with_prompts() -> None:
    guide = load_guide(default_guide_path())
    entries = [
        _entry(1, "react-1", "react-1-expectations", _utterance(1, 1, "I expected calls")),
        _entry(2, "reason-1", "reason-1-pressures",
               _utterance(2, 2, "work is hard", "work is art")),
        _entry(3, "gone-step", "x", _utterance(3, 3, "from an older guide")),
        _entry(4, "reason-1", "reason-1-support", _utterance(4, 4, "just listening")),
    ]
    text = to_markdown(entries, guide)
    reasons = text.index("## Reasons Behind His Distance")
    reacting = text.index("## Reacting to His Distance")
    assert reasons < text.index("### Personal Struggles and Stress") < reacting
    assert reacting < text.index("### Self-Reflection") < text.index("### gone-step")
    assert text.index("work is hard") < text.index("just listening")  # oldest first in a step
    assert "> *What pressures might your partner be carrying right now?*" in text
    assert "first heard as: “work is art”" in text
    assert "### gone-step" in text and "from an older guide" in text
    assert "4 entries" in text
    assert "## Introduction" not in text  # parts with no entries are left out


def test_an_entry_owner_is_alive_only_while_its_very_process_runs() -> None:
    import os
    import subprocess
    import sys

    from calm_voice.journal.recovery import owner_alive, owner_tag

    mine = owner_tag()
    host, pid, started = mine.split("/")
    assert pid == str(os.getpid()) and started
    assert owner_alive(mine)
    assert not owner_alive(f"{host}/{pid}/{int(started) + 1}")  # the pid, reused later
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert not owner_alive(f"{host}/{gone}/1")
    assert not owner_alive(None) and not owner_alive("")
    assert owner_alive(f"another-machine/{gone}/1")  # never guessed dead


def test_audio_file_names_differ_for_the_same_entry_number() -> None:
    from calm_voice.journal.audio import new_file_name

    names = {new_file_name(1) for _ in range(1000)}
    assert len(names) == 1000 and all(n.startswith("entry-1-") for n in names)


def test_a_busy_or_full_or_damaged_sqlite_error_gets_its_own_kind(tmp_path: Path) -> None:
    import sqlite3

    from calm_voice.journal import failures

    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"x" * 100)
    kinds = {message: type(failures.from_sqlite(sqlite3.OperationalError(message), db, "read"))
             for message in ("database is locked", "database or disk is full",
                             "attempt to write a readonly database")}
    assert kinds == {"database is locked": failures.JournalBusyError,
                     "database or disk is full": failures.JournalDiskFullError,
                     "attempt to write a readonly database": failures.JournalReadOnlyError}
    first = failures.damaged(db, "read")
    second = failures.damaged(db, "read")
    assert isinstance(first, failures.JournalDamagedError) and str(first) == str(second)
    assert len(list(tmp_path.glob("journal.sqlite3.damaged-*"))) == 1
